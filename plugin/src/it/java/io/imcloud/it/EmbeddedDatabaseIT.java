package io.imcloud.it;

/** The suite on Openfire's embedded HSQLDB, what a default install uses. */
class EmbeddedDatabaseIT extends OpenfireSuite {

    @Override
    OpenfireDatabase database() {
        return OpenfireDatabase.embedded();
    }

    @Override
    String skipReason() {
        return "";
    }

    @Override
    String name() {
        return "embedded";
    }
}
