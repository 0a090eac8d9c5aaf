package io.imcloud.sql;

import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.SchemaScript;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The install and upgrade scripts run on every database CI has, and each one records the schema version. */
class SchemaScriptsTest {

    @AllDatabases
    void installScriptCreatesEveryTableAndRecordsVersion(TestDatabase db) throws Exception {
        try (Connection con = db.getConnection(); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM ofVersion WHERE name = 'imcloud'")) {
            assertTrue(rs.next(), "ofVersion row for imcloud");
            assertEquals(9, rs.getInt(1));
        }
        for (String table : new String[] {"ofImApp", "ofImKey", "ofImUser", "ofImMessage", "ofImConversation", "ofImNode",
                "ofImFile", "ofImFileUsage", "ofImPushBinding", "ofImPushQueue", "ofImPushStats", "ofImGroup", "ofImGroupMember",
                "ofImGroupMessage", "ofImLateState", "ofImRateLimit"}) {
            assertEquals(0, db.count(table), table);
        }
        assertEquals(2, db.count("ofImUnreadFold"), "the rows of foldedUpTo and claimedUpTo, nothing folded");
    }

    /**
     * Version 1 to 2 on a version 1 database with messages (made by taking version 2's table away): the
     * upgrade creates {@code ofImUnreadFold} with the whole archive folded (version 1 counted every message
     * in ofImConversation as it was archived) and records version 2.
     */
    @AllDatabases
    void upgradeToVersion2MarksTheArchiveFolded(TestDatabase db) throws Exception {
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            st.execute("DROP TABLE ofImUnreadFold");
            st.execute("UPDATE ofVersion SET version = 1 WHERE name = 'imcloud'");
            for (long id : new long[] {70, 90, 80}) {
                st.execute("INSERT INTO ofImMessage (msgId, appKey, sender, receiver, userA, userB, sentAt, msgType, body, state)"
                        + " VALUES (" + id + ", 'acme#chat', 'a', 'b', 'a', 'b', 1, 'chat', 'x', 0)");
            }
            SchemaScript.run(con, SchemaScript.projectDir().resolve("database/upgrade/2/imcloud_" + db.databaseType().scriptName() + ".sql"), false);
            try (ResultSet rs = st.executeQuery("SELECT node, upTo FROM ofImUnreadFold ORDER BY node DESC")) {
                for (int node = -1; node >= -2; node--) {
                    assertTrue(rs.next());
                    assertEquals(node, rs.getInt(1));
                    assertEquals(90, rs.getLong(2), "folded and claimed up to the newest message");
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT version FROM ofVersion WHERE name = 'imcloud'")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
            }
        }
    }

    /**
     * Version 2 to 3 on a version 2 database with a user (made by taking version 3's column and table away, and
     * putting back version 2's client-id index): the upgrade adds {@code ofImUser.tokensRevokedUpTo} as 0 (no token
     * revoked) and the empty node-lease table {@code ofImNode}, drops the client-id index, and records version 3.
     */
    @AllDatabases
    void upgradeToVersion3AddsTheTokenRevocationColumnAndNodeLeases(TestDatabase db) throws Exception {
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            st.execute("ALTER TABLE ofImUser DROP COLUMN tokensRevokedUpTo");
            st.execute("DROP TABLE ofImNode");
            st.execute("CREATE INDEX ofImMessage_cid_idx ON ofImMessage (appKey, clientMsgId)");
            st.execute("UPDATE ofVersion SET version = 2 WHERE name = 'imcloud'");
            st.execute("INSERT INTO ofImUser (appKey, username, userUuid, created, modified, activated)"
                    + " VALUES ('acme#chat', 'alice', 'u-1', 1, 1, 1)");
            SchemaScript.run(con, SchemaScript.projectDir().resolve("database/upgrade/3/imcloud_" + db.databaseType().scriptName() + ".sql"), false);
            try (ResultSet rs = st.executeQuery("SELECT tokensRevokedUpTo FROM ofImUser WHERE username = 'alice'")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getLong(1));
            }
            st.execute("INSERT INTO ofImNode (nodeId, owner, heartbeat) VALUES (0, 'node-a', 1)");
            assertEquals(1, db.count("ofImNode"));
            // creating it again works only because the upgrade dropped it
            st.execute("CREATE INDEX ofImMessage_cid_idx ON ofImMessage (appKey, clientMsgId)");
            try (ResultSet rs = st.executeQuery("SELECT version FROM ofVersion WHERE name = 'imcloud'")) {
                assertTrue(rs.next());
                assertEquals(3, rs.getInt(1));
            }
        }
    }

    /**
     * Version 3 to 4 on a version 3 database with an app (made by taking version 4's columns and tables away): the
     * upgrade gives the app the default file policy (10 GiB, 100,000 files, kept, any type), creates the empty
     * {@code ofImFile} and {@code ofImFileUsage}, and records version 4.
     */
    @AllDatabases
    void upgradeToVersion4GivesAppsTheDefaultFilePolicyAndCreatesTheFileTables(TestDatabase db) throws Exception {
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            for (String column : new String[] {"fileQuotaBytes", "fileQuotaCount", "fileRetentionDays", "mediaOnlyUploads"}) {
                st.execute("ALTER TABLE ofImApp DROP COLUMN " + column);
            }
            st.execute("DROP TABLE ofImFile");
            st.execute("DROP TABLE ofImFileUsage");
            for (String column : new String[] {"callbackUrl", "callbackSecret"}) {
                st.execute("ALTER TABLE ofImApp DROP COLUMN " + column);
            }
            st.execute("UPDATE ofVersion SET version = 3 WHERE name = 'imcloud'");
            st.execute("INSERT INTO ofImApp (org, app, appUuid, clientId, secretHash, secretVersion, openRegistration, maxUsers,"
                    + " retentionDays, created, modified) VALUES ('acme', 'chat', 'a-1', 'c-1', 'h', 1, 0, 0, 0, 1, 1)");
            SchemaScript.run(con, SchemaScript.projectDir().resolve("database/upgrade/4/imcloud_" + db.databaseType().scriptName() + ".sql"), false);
            try (ResultSet rs = st.executeQuery("SELECT fileQuotaBytes, fileQuotaCount, fileRetentionDays, mediaOnlyUploads FROM ofImApp")) {
                assertTrue(rs.next());
                assertEquals(10L * 1024 * 1024 * 1024, rs.getLong(1));
                assertEquals(100_000, rs.getInt(2));
                assertEquals(0, rs.getInt(3));
                assertEquals(0, rs.getInt(4));
            }
            assertEquals(0, db.count("ofImFile"));
            assertEquals(0, db.count("ofImFileUsage"));
            try (ResultSet rs = st.executeQuery("SELECT version FROM ofVersion WHERE name = 'imcloud'")) {
                assertTrue(rs.next());
                assertEquals(4, rs.getInt(1));
            }
        }
    }

    /**
     * Version 5 to 6 on a version 5 database with an app and a user (made by taking version 6's tables away): the upgrade
     * creates the empty group tables, which take a group, its members and a numbered message, and records version 6.
     */
    @AllDatabases
    void upgradeToVersion6CreatesTheGroupTables(TestDatabase db) throws Exception {
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            for (String table : new String[] {"ofImGroupMessage", "ofImGroupMember", "ofImGroup"}) {
                st.execute("DROP TABLE " + table);
            }
            st.execute("UPDATE ofVersion SET version = 5 WHERE name = 'imcloud'");
            st.execute("INSERT INTO ofImUser (appKey, username, userUuid, created, modified, activated)"
                    + " VALUES ('acme#chat', 'alice', 'u-1', 1, 1, 1)");
            SchemaScript.run(con, SchemaScript.projectDir().resolve("database/upgrade/6/imcloud_" + db.databaseType().scriptName() + ".sql"), false);
            st.execute("INSERT INTO ofImGroup (appKey, groupId, groupName, publicGroup, maxUsers, owner, memberCount, lastSeq,"
                    + " lastMsgId, lastTs, created, modified) VALUES ('acme#chat', 7, 'g', 0, 3000, 'alice', 1, 1, 9, 1, 1, 1)");
            st.execute("INSERT INTO ofImGroupMember (appKey, groupId, username, memberRole, joined, readSeq, ownAfterRead)"
                    + " VALUES ('acme#chat', 7, 'alice', 0, 1, 0, 1)");
            st.execute("INSERT INTO ofImGroupMessage (msgId, appKey, groupId, seq, sender, sentAt, msgType, body)"
                    + " VALUES (9, 'acme#chat', 7, 1, 'alice', 1, 'groupchat', 'x')");
            try (ResultSet rs = st.executeQuery("SELECT g.lastSeq - m.readSeq - m.ownAfterRead FROM ofImGroup g JOIN ofImGroupMember m"
                    + " ON m.appKey = g.appKey AND m.groupId = g.groupId")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1), "the owner's own message is not unread to her");
            }
            try (ResultSet rs = st.executeQuery("SELECT version FROM ofVersion WHERE name = 'imcloud'")) {
                assertTrue(rs.next());
                assertEquals(6, rs.getInt(1));
            }
        }
    }

    /**
     * Version 6 to 7 on a version 6 database with a message and a file (made by taking version 7's tables and column
     * away): the upgrade creates the empty {@code ofImLateState}, whose key is the message and its app, and
     * {@code ofImRateLimit}, gives the file its upload time as its last use, and records version 7.
     */
    @AllDatabases
    void upgradeToVersion7CreatesTheClusterTablesAndCountsFileRetentionFromTheUpload(TestDatabase db) throws Exception {
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            st.execute("DROP TABLE ofImLateState");
            st.execute("DROP TABLE ofImRateLimit");
            boolean mysql = db.databaseType() == DatabaseType.MYSQL || db.databaseType() == DatabaseType.MARIADB;
            st.execute("DROP INDEX ofImFile_used_idx" + (mysql ? " ON ofImFile" : ""));
            st.execute("ALTER TABLE ofImFile DROP COLUMN lastUsed");
            st.execute("UPDATE ofVersion SET version = 6 WHERE name = 'imcloud'");
            st.execute("INSERT INTO ofImMessage (msgId, appKey, sender, receiver, userA, userB, sentAt, msgType, body, state)"
                    + " VALUES (9, 'acme#chat', 'a', 'b', 'a', 'b', 1, 'chat', 'x', 0)");
            st.execute("INSERT INTO ofImFile (fileUuid, appKey, owner, kind, contentType, fileSize, displayName, secretHash,"
                    + " durationMs, width, height, created) VALUES ('f-1', 'acme#chat', 'alice', 'AUDIO', 'audio/amr', 10, NULL,"
                    + " NULL, 1000, 0, 0, 1234)");
            SchemaScript.run(con, SchemaScript.projectDir().resolve("database/upgrade/7/imcloud_" + db.databaseType().scriptName() + ".sql"), false);
            assertEquals(0, db.count("ofImLateState"));
            st.execute("INSERT INTO ofImLateState (msgId, appKey, state, createdAt) VALUES (9, 'acme#chat', 2, 1)");
            st.execute("INSERT INTO ofImLateState (msgId, appKey, state, createdAt) VALUES (9, 'acme#other', 1, 1)");
            assertThrows(SQLException.class, () -> st.execute(
                    "INSERT INTO ofImLateState (msgId, appKey, state, createdAt) VALUES (9, 'acme#chat', 1, 2)"), "one row per message");
            st.execute("INSERT INTO ofImRateLimit (limitKey, tat) VALUES ('password:acme#chat_" + "x".repeat(64) + "', 1)");
            assertEquals(1, db.count("ofImRateLimit"));
            try (ResultSet rs = st.executeQuery("SELECT lastUsed FROM ofImFile WHERE fileUuid = 'f-1'")) {
                assertTrue(rs.next());
                assertEquals(1234, rs.getLong(1));
            }
            try (ResultSet rs = st.executeQuery("SELECT version FROM ofVersion WHERE name = 'imcloud'")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(1));
            }
        }
    }

    /**
     * Version 4 to 5 on a version 4 database with an app (made by taking version 5's columns and tables away): the
     * upgrade gives the app no callback (URL and secret null), creates the empty push tables, and records version 5.
     * A binding, a queued callback and a stats row can then be written.
     */
    @AllDatabases
    void upgradeToVersion5AddsTheCallbackColumnsAndThePushTables(TestDatabase db) throws Exception {
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            for (String column : new String[] {"callbackUrl", "callbackSecret"}) {
                st.execute("ALTER TABLE ofImApp DROP COLUMN " + column);
            }
            for (String table : new String[] {"ofImPushBinding", "ofImPushQueue", "ofImPushStats"}) {
                st.execute("DROP TABLE " + table);
            }
            st.execute("UPDATE ofVersion SET version = 4 WHERE name = 'imcloud'");
            st.execute("INSERT INTO ofImApp (org, app, appUuid, clientId, secretHash, secretVersion, openRegistration, maxUsers,"
                    + " retentionDays, created, modified) VALUES ('acme', 'chat', 'a-1', 'c-1', 'h', 1, 0, 0, 0, 1, 1)");
            SchemaScript.run(con, SchemaScript.projectDir().resolve("database/upgrade/5/imcloud_" + db.databaseType().scriptName() + ".sql"), false);
            try (ResultSet rs = st.executeQuery("SELECT callbackUrl, callbackSecret FROM ofImApp")) {
                assertTrue(rs.next());
                assertNull(rs.getString(1));
                assertNull(rs.getString(2));
            }
            st.execute("INSERT INTO ofImPushBinding (appKey, username, deviceId, deviceToken, notifierName, created, modified)"
                    + " VALUES ('acme#chat', 'bob', 'd-1', 't-1', NULL, 1, 1)");
            st.execute("INSERT INTO ofImPushQueue (msgId, appKey, username, state, attempts, nextAttempt, leaseOwner, leaseUntil,"
                    + " created, lastError) VALUES (7, 'acme#chat', 'bob', 0, 0, 1, NULL, 0, 1, NULL)");
            st.execute("INSERT INTO ofImPushStats (appKey, delivered, dead, dropped) VALUES ('acme#chat', 0, 0, 0)");
            assertEquals(1, db.count("ofImPushBinding"));
            assertEquals(1, db.count("ofImPushQueue"));
            assertEquals(1, db.count("ofImPushStats"));
            try (ResultSet rs = st.executeQuery("SELECT version FROM ofVersion WHERE name = 'imcloud'")) {
                assertTrue(rs.next());
                assertEquals(5, rs.getInt(1));
            }
        }
    }

    /**
     * Version 7 to 8 records version 8 on every database, and changes nothing else but the embedded database's table
     * types; 8 to 9 changes nothing but Oracle's length semantics (which CI cannot run), and records version 9.
     */
    @AllDatabases
    void upgradesToVersions8And9RecordTheVersionAndKeepTheData(TestDatabase db) throws Exception {
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            st.execute("UPDATE ofVersion SET version = 7 WHERE name = 'imcloud'");
            st.execute("INSERT INTO ofImMessage (msgId, appKey, sender, receiver, userA, userB, sentAt, msgType, body, state)"
                    + " VALUES (9, 'acme#chat', 'a', 'b', 'a', 'b', 1, 'chat', 'x', 0)");
            for (int version = 8; version <= 9; version++) {
                SchemaScript.run(con, SchemaScript.projectDir().resolve("database/upgrade/" + version + "/imcloud_"
                        + db.databaseType().scriptName() + ".sql"), false);
                assertEquals(1, db.count("ofImMessage"));
                try (ResultSet rs = st.executeQuery("SELECT version FROM ofVersion WHERE name = 'imcloud'")) {
                    assertTrue(rs.next());
                    assertEquals(version, rs.getInt(1));
                }
            }
        }
    }

    /**
     * On Oracle the columns that hold what users and clients write count characters, as the server's limits do: the
     * install script declares them so, and the upgrade to 9 changes exactly those (Oracle itself is not in CI).
     */
    @Test
    void oraclesFreeTextColumnsCountCharactersInTheInstallAndTheUpgrade() throws Exception {
        String install = Files.readString(SchemaScript.installScript("oracle"));
        String upgrade = Files.readString(SchemaScript.projectDir().resolve("database/upgrade/9/imcloud_oracle.sql"));
        Matcher modify = Pattern.compile("ALTER TABLE (\\w+) MODIFY \\((\\w+) VARCHAR2\\((\\d+) CHAR\\)\\);").matcher(upgrade);
        int modified = 0;
        while (modify.find()) {
            modified++;
            assertTrue(install.matches("(?s).*CREATE TABLE " + modify.group(1) + " \\([^;]*\\n\\s+" + modify.group(2)
                    + "\\s+VARCHAR2\\(" + modify.group(3) + " CHAR\\).*"), modify.group());
        }
        assertEquals(11, modified);
        for (String column : List.of("callbackUrl", "clientMsgId", "displayName", "groupName", "description", "deviceId",
                "deviceToken", "notifierName", "lastError", "nickname")) {
            assertTrue(install.matches("(?s).*\\n\\s+" + column + "\\s+VARCHAR2\\(\\d+ CHAR\\).*"), column);
            assertFalse(install.matches("(?s).*\\n\\s+" + column + "\\s+VARCHAR2\\(\\d+\\).*"), column + " in bytes");
        }
    }

    /**
     * On a file database, as Openfire's embedded one is (an in-memory one keeps every table in memory whatever its type):
     * the install script makes the archive and counter tables CACHED, and the upgrade to version 8 turns those of an
     * older installation CACHED with their rows.
     */
    @Test
    void theEmbeddedDatabaseKeepsTheArchiveInCachedTables(@TempDir Path dir) throws Exception {
        String url = "jdbc:hsqldb:file:" + dir.resolve("openfire") + ";shutdown=true";
        List<String> archiveTables = List.of("OFIMMESSAGE", "OFIMCONVERSATION", "OFIMGROUPMESSAGE");
        try (Connection con = DriverManager.getConnection(url, "sa", ""); Statement st = con.createStatement()) {
            st.execute("CREATE TABLE ofVersion (name VARCHAR(50) NOT NULL, version INTEGER NOT NULL)");
            SchemaScript.run(con, SchemaScript.installScript("hsqldb"), false);
            assertEquals(Map.of("OFIMMESSAGE", "CACHED", "OFIMCONVERSATION", "CACHED", "OFIMGROUPMESSAGE", "CACHED"),
                    tableTypes(st, archiveTables));

            for (String table : archiveTables) {
                st.execute("SET TABLE " + table + " TYPE MEMORY");
            }
            st.execute("UPDATE ofVersion SET version = 7 WHERE name = 'imcloud'");
            st.execute("INSERT INTO ofImMessage (msgId, appKey, sender, receiver, userA, userB, sentAt, msgType, body, state)"
                    + " VALUES (9, 'acme#chat', 'a', 'b', 'a', 'b', 1, 'chat', 'x', 0)");
            assertEquals("MEMORY", tableTypes(st, archiveTables).get("OFIMMESSAGE"));
            SchemaScript.run(con, SchemaScript.projectDir().resolve("database/upgrade/8/imcloud_hsqldb.sql"), false);
            assertEquals(Map.of("OFIMMESSAGE", "CACHED", "OFIMCONVERSATION", "CACHED", "OFIMGROUPMESSAGE", "CACHED"),
                    tableTypes(st, archiveTables));
            try (ResultSet rs = st.executeQuery("SELECT body FROM ofImMessage WHERE msgId = 9")) {
                assertTrue(rs.next(), "the rows move with the table");
                assertEquals("x", rs.getString(1));
            }
        }
    }

    private static Map<String, String> tableTypes(Statement st, List<String> tables) throws SQLException {
        Map<String, String> types = new HashMap<>();
        try (ResultSet rs = st.executeQuery("SELECT TABLE_NAME, HSQLDB_TYPE FROM INFORMATION_SCHEMA.SYSTEM_TABLES"
                + " WHERE TABLE_SCHEM = 'PUBLIC'")) {
            while (rs.next()) {
                if (tables.contains(rs.getString(1))) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return types;
    }

    @Test
    void everyDatabaseTypeHasAnInstallScript() {
        for (DatabaseType type : DatabaseType.values()) {
            assertTrue(Files.isRegularFile(SchemaScript.installScript(type.scriptName())), type.scriptName());
            for (int version = 2; version <= 9; version++) {
                assertTrue(Files.isRegularFile(SchemaScript.projectDir().resolve(
                        "database/upgrade/" + version + "/imcloud_" + type.scriptName() + ".sql")), "upgrade to " + version + " for " + type.scriptName());
            }
        }
    }
}
