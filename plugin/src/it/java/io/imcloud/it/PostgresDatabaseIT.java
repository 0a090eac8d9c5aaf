package io.imcloud.it;

/** The suite with Openfire's own database (and so imcloud's tables) on PostgreSQL ({@code IMCLOUD_IT_POSTGRES}). */
class PostgresDatabaseIT extends OpenfireSuite {

    @Override
    OpenfireDatabase database() throws Exception {
        return OpenfireDatabase.freshPostgres("imcloud_it");
    }

    @Override
    String skipReason() {
        return "IMCLOUD_IT_POSTGRES is not set";
    }

    @Override
    String name() {
        return "postgres";
    }
}
