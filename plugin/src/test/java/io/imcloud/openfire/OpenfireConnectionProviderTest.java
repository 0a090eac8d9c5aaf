package io.imcloud.openfire;

import io.imcloud.sql.DatabaseType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mapping from the constants of Openfire 5.1.1's {@code DbConnectionManager.DatabaseType} (by name). */
class OpenfireConnectionProviderTest {

    @Test
    void mapsEveryDatabaseImcloudHasAScriptFor() {
        Map<String, DatabaseType> expected = Map.of(
                "hsqldb", DatabaseType.HSQLDB, "postgresql", DatabaseType.POSTGRESQL, "mysql", DatabaseType.MYSQL,
                "mariadb", DatabaseType.MARIADB, "oracle", DatabaseType.ORACLE, "sqlserver", DatabaseType.SQLSERVER);

        expected.forEach((openfireName, type) -> assertEquals(type, OpenfireConnectionProvider.typeOf(openfireName)));
    }

    @Test
    void refusesTheOthersOpenfireKnowsNamingWhatIsSupported() {
        for (String other : new String[] {"db2", "interbase", "cockroachdb", "firebird", "unknown"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> OpenfireConnectionProvider.typeOf(other));
            assertTrue(e.getMessage().contains("'" + other + "'")
                            && e.getMessage().contains("hsqldb, postgresql, mysql, mariadb, oracle, sqlserver"),
                    e.getMessage());
        }
    }
}
