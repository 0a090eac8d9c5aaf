package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.testsupport.ConnectionProxies;
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

    /**
     * Writer settings for tests: a short retry pause, a generous close wait, no fold lag ({@link #foldCommitted}
     * folds everything committed) and the default fold interval (the writer itself rarely folds during a test).
     */
    public static WriterSettings settings(int queueCapacity, int batchSize) {
        return new WriterSettings(queueCapacity, WriterSettings.DEFAULT_QUEUE_BYTES, WriterSettings.QUEUE_WAIT, batchSize,
                WriterSettings.BATCH_LINGER, Duration.ofMillis(200), Duration.ofSeconds(30), true,
                WriterSettings.FOLD_INTERVAL, Duration.ZERO);
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
     * Every conversation row agrees with the archive's folded messages (ids up to {@code foldedUpTo}): each
     * side's unread = folded messages from the other side above that side's read mark, the last message is
     * the newest folded one of the conversation; and every conversation with a folded message has its one row
     * (per pair of users). Returns the number of rows with a folded message.
     */
    public static int assertCountersConsistent(TestDatabase db) throws SQLException {
        long folded = foldedUpTo(db);
        int rows = 0;
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT c.appKey, c.userA, c.userB, c.unreadA, c.unreadB, c.lastMsgId,"
                        + " (SELECT COUNT(*) FROM ofImMessage m WHERE m.appKey = c.appKey AND m.sender = c.userB"
                        + "   AND m.receiver = c.userA AND m.sender <> m.receiver AND m.msgId > c.readUpToA AND m.msgId <= ?),"
                        + " (SELECT COUNT(*) FROM ofImMessage m WHERE m.appKey = c.appKey AND m.sender = c.userA"
                        + "   AND m.receiver = c.userB AND m.sender <> m.receiver AND m.msgId > c.readUpToB AND m.msgId <= ?),"
                        + " (SELECT MAX(msgId) FROM ofImMessage m WHERE m.appKey = c.appKey AND m.userA = c.userA"
                        + "   AND m.userB = c.userB AND m.msgId <= ?)"
                        + " FROM ofImConversation c")) {
            ps.setLong(1, folded);
            ps.setLong(2, folded);
            ps.setLong(3, folded);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String row = rs.getString(1) + " " + rs.getString(2) + "/" + rs.getString(3);
                    assertTrue(rs.getString(2).compareTo(rs.getString(3)) <= 0, "userA <= userB in " + row);
                    assertEquals(rs.getInt(7), rs.getInt(4), "unread of A in " + row);
                    assertEquals(rs.getInt(8), rs.getInt(5), "unread of B in " + row);
                    assertEquals(rs.getLong(9), rs.getLong(6), "last message of " + row);
                    if (rs.getLong(6) > 0) {
                        rows++;
                    }
                }
            }
        }
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT COUNT(*) FROM (SELECT DISTINCT appKey, userA, userB FROM ofImMessage WHERE msgId <= ?) pairs")) {
            ps.setLong(1, folded);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(rs.getInt(1), rows, "one conversation row per pair of users");
            }
        }
        return rows;
    }

    /**
     * Folds every message committed so far, with no fold lag: first waits out the current millisecond, whose ids a fold
     * leaves to the next one (a writer may still be taking ids of it).
     */
    public static long foldCommitted(SqlArchive archive) {
        long now = System.currentTimeMillis();
        while (System.currentTimeMillis() <= now) {
            Thread.onSpinWait();
        }
        return archive.foldCounters();
    }

    /**
     * Checks the rows ({@link #assertCountersConsistent}), folds every committed message, checks that the fold
     * reached the newest message, and checks the rows again; returns the number of conversation rows.
     */
    public static int foldAndAssertConsistent(SqlArchive archive, TestDatabase db) throws SQLException {
        assertCountersConsistent(db);
        foldCommitted(archive);
        try (Connection con = db.getConnection(); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(msgId) FROM ofImMessage")) {
            rs.next();
            assertTrue(foldedUpTo(db) >= rs.getLong(1), "the fold reached the newest message");
        }
        return assertCountersConsistent(db);
    }

    /** {@code ofImUnreadFold}'s {@code foldedUpTo}. */
    public static long foldedUpTo(TestDatabase db) throws SQLException {
        try (Connection con = db.getConnection(); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT upTo FROM ofImUnreadFold WHERE node = -1")) {
            assertTrue(rs.next(), "the cluster row of ofImUnreadFold");
            return rs.getLong(1);
        }
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

        /** A connection that fails every call but {@code close} while the database is down, as one borrowed before would. */
        @Override
        public Connection getConnection() throws SQLException {
            if (down) {
                throw new SQLTransientConnectionException("database down (test)");
            }
            return ConnectionProxies.around(real.getConnection(), (method, args) -> {
                if (down && !method.getName().equals("close")) {
                    throw new SQLTransientConnectionException("database down (test)");
                }
            });
        }

        @Override
        public DatabaseType databaseType() {
            return real.databaseType();
        }
    }
}
