package io.imcloud.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * The archive and the counters are CACHED tables in Openfire's own database files (schema 8), holding what the
     * suite archived. Opened as Openfire opens them, and shut down with a checkpoint, so that the restart that follows
     * also reads them back from a checkpoint.
     */
    @Override
    void checkStoredTables(Path home) throws Exception {
        String url = "jdbc:hsqldb:file:" + home.resolve("embedded-db/openfire") + ";ifexists=true";
        try (Connection con = DriverManager.getConnection(url, "sa", ""); Statement st = con.createStatement()) {
            Map<String, String> types = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT TABLE_NAME, HSQLDB_TYPE FROM INFORMATION_SCHEMA.SYSTEM_TABLES"
                    + " WHERE TABLE_NAME IN ('OFIMMESSAGE', 'OFIMCONVERSATION', 'OFIMGROUPMESSAGE')")) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
            assertEquals(Map.of("OFIMMESSAGE", "CACHED", "OFIMCONVERSATION", "CACHED", "OFIMGROUPMESSAGE", "CACHED"), types);
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ofImMessage")) {
                assertTrue(rs.next() && rs.getLong(1) > 0, "the suite's messages are in the cached archive");
            }
            st.execute("SHUTDOWN");
        }
    }
}
