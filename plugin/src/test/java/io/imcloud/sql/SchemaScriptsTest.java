package io.imcloud.sql;

import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.SchemaScript;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The install scripts run on every database CI has, and each one records the schema version. */
class SchemaScriptsTest {

    @AllDatabases
    void installScriptCreatesEveryTableAndRecordsVersion(TestDatabase db) throws Exception {
        try (Connection con = db.getConnection(); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM ofVersion WHERE name = 'imcloud'")) {
            assertTrue(rs.next(), "ofVersion row for imcloud");
            assertEquals(1, rs.getInt(1));
        }
        for (String table : new String[] {"ofImApp", "ofImKey", "ofImUser", "ofImMessage", "ofImConversation"}) {
            assertEquals(0, db.count(table), table);
        }
    }

    @Test
    void everyDatabaseTypeHasAnInstallScript() {
        for (DatabaseType type : DatabaseType.values()) {
            assertTrue(Files.isRegularFile(SchemaScript.installScript(type.scriptName())), type.scriptName());
        }
    }
}
