package io.imcloud.archive;

import io.imcloud.sql.DatabaseType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The row-at-a-time statements on {@code ofImConversation}: one row per conversation pair
 * {@code (appKey, userA, userB)}, {@code userA <= userB} as in {@code ofImMessage}, with each side's counter
 * and read mark ({@code unreadA} counts messages from B to A above {@code readUpToA}) and the last message.
 * The counters and last message cover the messages folded so far ({@link CounterFold}); mark-reads and
 * retention sweeps change single rows through these statements, under the row's lock, inside a caller's
 * READ COMMITTED transaction.
 */
final class ConversationSql {

    /** The key of an {@code ofImConversation} row; sorted so that every node locks rows in the same order. */
    record Key(String appKey, String userA, String userB) implements Comparable<Key> {

        /** The row of the conversation between {@code one} and {@code other} (in either order). */
        static Key of(String appKey, String one, String other) {
            return new Key(appKey, MessageRows.userA(one, other), MessageRows.userB(one, other));
        }

        @Override
        public int compareTo(Key o) {
            int c = appKey.compareTo(o.appKey);
            if (c == 0) {
                c = userA.compareTo(o.userA);
            }
            return c != 0 ? c : userB.compareTo(o.userB);
        }
    }

    /** A locked row's read marks and last (folded) message id. */
    record Marks(long readUpToA, long readUpToB, long lastMsgId) {
    }

    /** Unread messages to one side above its read mark: those already folded, and all of them. */
    record Unread(int folded, int all) {
    }

    static final String WHERE_KEY = " WHERE appKey = ? AND userA = ? AND userB = ?";

    private final DatabaseType type;

    ConversationSql(DatabaseType type) {
        this.type = type;
    }

    /**
     * Locks the row with a no-op update (portable, unlike {@code SELECT ... FOR UPDATE}) and reads its read
     * marks and last message id; null when the conversation has no row.
     */
    Marks lock(Connection con, Key key) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImConversation SET readUpToA = readUpToA" + WHERE_KEY)) {
            bindKey(ps, key, 1);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = con.prepareStatement("SELECT readUpToA, readUpToB, lastMsgId FROM ofImConversation" + WHERE_KEY)) {
            bindKey(ps, key, 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Marks(rs.getLong(1), rs.getLong(2), rs.getLong(3)) : null;
            }
        }
    }

    /** Creates the row of a conversation that has no folded message yet, to hold a read mark. */
    void insertEmpty(Connection con, Key key) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImConversation (appKey, userA, userB, unreadA, unreadB,"
                + " readUpToA, readUpToB, lastMsgId, lastTs) VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0)")) {
            bindKey(ps, key, 1);
            ps.executeUpdate();
        }
    }

    /**
     * Counts the messages to {@code reader} (one side of the pair) from the other above {@code readUpTo}
     * (one range of the conversation index): those up to {@code foldedUpTo}, and all; a note to self never counts.
     */
    Unread countUnread(Connection con, Key key, String reader, long readUpTo, long foldedUpTo) throws SQLException {
        if (key.userA().equals(key.userB())) {
            return new Unread(0, 0);
        }
        try (PreparedStatement ps = con.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN msgId <= ? THEN 1 ELSE 0 END)"
                + " FROM ofImMessage" + WHERE_KEY + " AND msgId > ? AND receiver = ?")) {
            ps.setLong(1, foldedUpTo);
            bindKey(ps, key, 2);
            ps.setLong(5, readUpTo);
            ps.setString(6, reader);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Unread(rs.getInt(2), rs.getInt(1));
            }
        }
    }

    /** The id and time of the pair's newest message with an id up to {@code maxId}; null when there is none. */
    long[] lastMessage(Connection con, Key key, long maxId) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT msgId, sentAt FROM ofImMessage" + WHERE_KEY
                + " AND msgId <= ? ORDER BY msgId DESC" + type.limit(1))) {
            bindKey(ps, key, 1);
            ps.setLong(4, maxId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
            }
        }
    }

    /** Stores a recounted unread number and the read mark of side A or B of a locked row. */
    void setUnread(Connection con, Key key, boolean sideA, int unread, long readUpTo) throws SQLException {
        String side = sideA ? "A" : "B";
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImConversation SET unread" + side + " = ?, readUpTo" + side
                + " = ?" + WHERE_KEY)) {
            ps.setInt(1, unread);
            ps.setLong(2, readUpTo);
            bindKey(ps, key, 3);
            ps.executeUpdate();
        }
    }

    /** Stores the last folded message of a locked row (0, 0: none left). */
    void setLast(Connection con, Key key, long lastMsgId, long lastTs) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImConversation SET lastMsgId = ?, lastTs = ?" + WHERE_KEY)) {
            ps.setLong(1, lastMsgId);
            ps.setLong(2, lastTs);
            bindKey(ps, key, 3);
            ps.executeUpdate();
        }
    }

    /** Deletes a conversation row (retention removed all of its messages). */
    void delete(Connection con, Key key) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("DELETE FROM ofImConversation" + WHERE_KEY)) {
            bindKey(ps, key, 1);
            ps.executeUpdate();
        }
    }

    static void bindKey(PreparedStatement ps, Key key, int first) throws SQLException {
        ps.setString(first, key.appKey());
        ps.setString(first + 1, key.userA());
        ps.setString(first + 2, key.userB());
    }
}
