package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages, apps and consistency checks shared by the archive and unread tests. */
public final class ArchiveFixtures {

    public static final AppKey APP = AppKey.of("acme", "chat");
    public static final AppKey OTHER_APP = AppKey.of("acme", "other");

    private ArchiveFixtures() {
    }

    /** Writer settings for tests: a short retry pause and a generous close wait. */
    public static WriterSettings settings(int queueCapacity, int batchSize) {
        return new WriterSettings(queueCapacity, batchSize, Duration.ofMillis(200), Duration.ofSeconds(30), true);
    }

    /** A chat message with a fresh id of {@code archive}, its time taken from the id. */
    public static ArchivedMessage message(Archive archive, AppKey app, String from, String to, String clientId) {
        long id = archive.nextId();
        return new ArchivedMessage(id, app, from, to, MessageIds.timestampOf(id), "chat", "body of " + id,
                "{\"k\":\"v\"}", null, clientId, DeliveryState.PENDING);
    }

    /** Appends and insists that the queue took it. */
    public static ArchivedMessage send(Archive archive, AppKey app, String from, String to, String clientId) {
        ArchivedMessage m = message(archive, app, from, to, clientId);
        assertTrue(archive.append(m), "queue accepted " + m.msgId());
        return m;
    }

    /** A reversed copy (Java 17 has no List.reversed()). */
    public static <T> java.util.List<T> reversed(java.util.List<T> list) {
        java.util.List<T> copy = new java.util.ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    /** Registers an app with a retention (days, 0 = keep) in ofImApp. */
    public static void createApp(ConnectionProvider db, AppKey app, int retentionDays) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement("INSERT INTO ofImApp (org, app,"
                + " appUuid, clientId, secretHash, secretVersion, openRegistration, maxUsers, retentionDays, created, modified)"
                + " VALUES (?, ?, ?, ?, 'x', 1, 0, 0, ?, 0, 0)")) {
            ps.setString(1, app.org());
            ps.setString(2, app.app());
            ps.setString(3, app.toString());
            ps.setString(4, "client-" + app);
            ps.setInt(5, retentionDays);
            ps.executeUpdate();
        }
    }

    /**
     * Every conversation row agrees with the archive: each side's unread = messages from the other side above
     * that side's read mark, the last message is the newest of the conversation; and every conversation of the
     * archive has its one row (per pair of users). Returns the number of rows checked.
     */
    public static int assertCountersConsistent(TestDatabase db) throws SQLException {
        int rows = 0;
        try (Connection con = db.getConnection(); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT c.appKey, c.userA, c.userB, c.unreadA, c.unreadB, c.lastMsgId,"
                     + " (SELECT COUNT(*) FROM ofImMessage m WHERE m.appKey = c.appKey AND m.sender = c.userB"
                     + "   AND m.receiver = c.userA AND m.sender <> m.receiver AND m.msgId > c.readUpToA),"
                     + " (SELECT COUNT(*) FROM ofImMessage m WHERE m.appKey = c.appKey AND m.sender = c.userA"
                     + "   AND m.receiver = c.userB AND m.sender <> m.receiver AND m.msgId > c.readUpToB),"
                     + " (SELECT MAX(msgId) FROM ofImMessage m WHERE m.appKey = c.appKey AND ((m.sender = c.userA AND"
                     + "   m.receiver = c.userB) OR (m.sender = c.userB AND m.receiver = c.userA)))"
                     + " FROM ofImConversation c")) {
            while (rs.next()) {
                rows++;
                String row = rs.getString(1) + " " + rs.getString(2) + "/" + rs.getString(3);
                assertTrue(rs.getString(2).compareTo(rs.getString(3)) <= 0, "userA <= userB in " + row);
                assertEquals(rs.getInt(7), rs.getInt(4), "unread of A in " + row);
                assertEquals(rs.getInt(8), rs.getInt(5), "unread of B in " + row);
                assertEquals(rs.getLong(9), rs.getLong(6), "last message of " + row);
            }
        }
        try (Connection con = db.getConnection(); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM (SELECT DISTINCT appKey, userA, userB FROM ofImMessage) pairs")) {
            rs.next();
            assertEquals(rs.getInt(1), rows, "one conversation row per pair of users");
        }
        return rows;
    }

    /** Wraps a database so that tests can take it down and bring it back. */
    public static final class FlakyDatabase implements ConnectionProvider {
        private final ConnectionProvider real;
        private volatile boolean down;

        public FlakyDatabase(ConnectionProvider real) {
            this.real = real;
        }

        public void setDown(boolean down) {
            this.down = down;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down) {
                throw new SQLTransientConnectionException("database down (test)");
            }
            return real.getConnection();
        }

        @Override
        public DatabaseType databaseType() {
            return real.databaseType();
        }
    }
}
