package io.imcloud.unread;

import io.imcloud.archive.MessageRows;
import io.imcloud.sql.DatabaseType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The statements on {@code ofImConversation}: one row per conversation pair
 * {@code (appKey, userA, userB)}, {@code userA <= userB} as in {@code ofImMessage}, with each side's counter
 * and read mark ({@code unreadA} counts messages from B to A above {@code readUpToA}) and the last message.
 * The counters and last message cover the messages folded so far ({@link CounterFold}, which reads and
 * writes rows in bulk here); mark-reads and retention sweeps change single rows, under the row's lock,
 * inside a caller's READ COMMITTED transaction.
 */
public final class ConversationSql {

    /** The key of an {@code ofImConversation} row; sorted so that every node locks rows in the same order. */
    public record Key(String appKey, String userA, String userB) implements Comparable<Key> {

        /** The row of the conversation between {@code one} and {@code other} (in either order). */
        public static Key of(String appKey, String one, String other) {
            return new Key(appKey, MessageRows.userA(one, other), MessageRows.userB(one, other));
        }

        /** By app key, then {@code userA}, then {@code userB}: the order in which every writer locks rows. */
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
    /** Locks a row where a locking read is not portable: a no-op update. */
    private static final String LOCK_ROW = "UPDATE ofImConversation SET readUpToA = readUpToA" + WHERE_KEY;
    private static final String ROW_COLUMNS = "appKey, userA, userB, unreadA, unreadB, readUpToA, readUpToB, lastMsgId, lastTs";
    private static final int KEYS_PER_SELECT = 100;
    private static final int KEYS_PER_LOCKING_READ = 500;
    private static final int ROWS_PER_STATEMENT = 250;

    private final DatabaseType type;

    /** The statements for a database of {@code type}. */
    public ConversationSql(DatabaseType type) {
        this.type = type;
    }

    /**
     * Locks the row ({@link #LOCK_ROW}) and reads its read marks and last message id; null when the
     * conversation has no row.
     */
    Marks lock(Connection con, Key key) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(LOCK_ROW)) {
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

    /** An {@code ofImConversation} row as read, then as it will be written. */
    static final class Row {
        int unreadA;
        int unreadB;
        long readUpToA;
        long readUpToB;
        long lastMsgId;
        long lastTs;
    }

    /** Locks the existing rows of {@code keys}, in their order, with no-op updates (a batch). */
    private static void lockRows(Connection con, List<Key> keys) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(LOCK_ROW)) {
            for (Key key : keys) {
                bindKey(ps, key, 1);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Locks and reads the existing rows of {@code keys}. PostgreSQL: one locking read of constant text, the
     * keys passed as three arrays and joined (planned once per connection; an OR of keys took 100 us a key
     * to plan and run). MySQL and MariaDB: locking reads of {@value #KEYS_PER_LOCKING_READ} keys each. Others: a
     * no-op update of each row, then reads of {@value #KEYS_PER_SELECT} keys each, or of one key on HSQLDB
     * (embedded: no round trip, and it would scan for an OR of keys instead of using the index).
     */
    Map<Key, Row> lockAndRead(Connection con, List<Key> keys) throws SQLException {
        Map<Key, Row> rows = new HashMap<>();
        if (type == DatabaseType.POSTGRESQL) {
            try (PreparedStatement ps = con.prepareStatement("SELECT c.appKey, c.userA, c.userB, c.unreadA, c.unreadB,"
                    + " c.readUpToA, c.readUpToB, c.lastMsgId, c.lastTs FROM unnest(?::varchar[], ?::varchar[], ?::varchar[]) AS k(appKey, userA, userB)"
                    + " JOIN ofImConversation c ON c.appKey = k.appKey AND c.userA = k.userA AND c.userB = k.userB"
                    + " ORDER BY c.appKey, c.userA, c.userB FOR UPDATE OF c")) {
                ps.setArray(1, con.createArrayOf("varchar", keys.stream().map(Key::appKey).toArray()));
                ps.setArray(2, con.createArrayOf("varchar", keys.stream().map(Key::userA).toArray()));
                ps.setArray(3, con.createArrayOf("varchar", keys.stream().map(Key::userB).toArray()));
                readRows(ps, rows);
            }
            return rows;
        }
        if (!lockingRead()) {
            lockRows(con, keys);
        }
        String forUpdate = lockingRead() ? " FOR UPDATE" : "";
        int chunk = type == DatabaseType.HSQLDB ? 1 : lockingRead() ? KEYS_PER_LOCKING_READ : KEYS_PER_SELECT;
        int full = keys.size() / chunk * chunk;
        if (full > 0) {
            try (PreparedStatement ps = con.prepareStatement(selectKeys(chunk) + forUpdate)) {
                for (int start = 0; start < full; start += chunk) {
                    bindKeys(ps, keys.subList(start, start + chunk));
                    readRows(ps, rows);
                }
            }
        }
        if (full < keys.size()) {
            try (PreparedStatement ps = con.prepareStatement(selectKeys(keys.size() - full) + forUpdate)) {
                bindKeys(ps, keys.subList(full, keys.size()));
                readRows(ps, rows);
            }
        }
        return rows;
    }

    /** Rows of {@code n} keys: a row-value IN on MySQL and MariaDB (40% less server time than an OR there), else an OR. */
    private String selectKeys(int n) {
        String where = lockingRead()
                ? "(appKey, userA, userB) IN (" + String.join(", ", Collections.nCopies(n, "(?, ?, ?)")) + ")"
                : String.join(" OR ", Collections.nCopies(n, "(appKey = ? AND userA = ? AND userB = ?)"));
        return "SELECT " + ROW_COLUMNS + " FROM ofImConversation WHERE " + where;
    }

    /** MySQL and MariaDB lock the rows they read with {@code FOR UPDATE}; the others get a no-op update first. */
    private boolean lockingRead() {
        return type == DatabaseType.MARIADB || type == DatabaseType.MYSQL;
    }

    private static void bindKeys(PreparedStatement ps, List<Key> keys) throws SQLException {
        for (int i = 0; i < keys.size(); i++) {
            bindKey(ps, keys.get(i), 1 + 3 * i);
        }
    }

    private static void readRows(PreparedStatement ps, Map<Key, Row> rows) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Row row = new Row();
                row.unreadA = rs.getInt(4);
                row.unreadB = rs.getInt(5);
                row.readUpToA = rs.getLong(6);
                row.readUpToB = rs.getLong(7);
                row.lastMsgId = rs.getLong(8);
                row.lastTs = rs.getLong(9);
                rows.put(new Key(rs.getString(1), rs.getString(2), rs.getString(3)), row);
            }
        }
    }

    /**
     * Writes the rows of a fold: {@code rows}' counters and last messages, inserting those in {@code inserts}
     * (a plain insert: a row another node's batch created meanwhile fails it, and the transaction is retried)
     * and updating the others, which the caller holds locked.
     */
    void write(Connection con, Map<Key, Row> rows, Set<Key> inserts) throws SQLException {
        List<Key> existing = rows.keySet().stream().filter(k -> !inserts.contains(k)).sorted().toList();
        if (type == DatabaseType.MARIADB || type == DatabaseType.MYSQL) {
            chunked(con, existing, rows, "INSERT INTO ofImConversation (" + ROW_COLUMNS + ") VALUES ", "(?, ?, ?, ?, ?, 0, 0, ?, ?)",
                    " ON DUPLICATE KEY UPDATE unreadA = VALUES(unreadA), unreadB = VALUES(unreadB),"
                            + " lastMsgId = VALUES(lastMsgId), lastTs = VALUES(lastTs)");
        } else if (!existing.isEmpty()) {
            try (PreparedStatement update = con.prepareStatement("UPDATE ofImConversation SET unreadA = ?, unreadB = ?,"
                    + " lastMsgId = ?, lastTs = ?" + WHERE_KEY)) {
                for (Key key : existing) {
                    Row row = rows.get(key);
                    update.setInt(1, row.unreadA);
                    update.setInt(2, row.unreadB);
                    update.setLong(3, row.lastMsgId);
                    update.setLong(4, row.lastTs);
                    bindKey(update, key, 5);
                    update.addBatch();
                }
                update.executeBatch();
            }
        }
        chunked(con, new ArrayList<>(inserts), rows, "INSERT INTO ofImConversation (" + ROW_COLUMNS + ") VALUES ",
                "(?, ?, ?, ?, ?, 0, 0, ?, ?)", "");
    }

    /**
     * Writes {@code keys}' rows with {@code head} + one {@code tuple} per row + {@code tail}: as multi-row
     * statements of {@value #ROWS_PER_STATEMENT} rows on MySQL and MariaDB (a fraction of the cost of as many
     * one-row statements there), as a batch of one-row statements elsewhere.
     */
    private void chunked(Connection con, List<Key> keys, Map<Key, Row> rows, String head,
                         String tuple, String tail) throws SQLException {
        int perStatement = type == DatabaseType.MARIADB || type == DatabaseType.MYSQL ? ROWS_PER_STATEMENT : 1;
        int full = keys.size() / perStatement * perStatement;
        for (int[] range : new int[][] {{0, full, perStatement}, {full, keys.size(), keys.size() - full}}) {
            if (range[0] == range[1]) {
                continue;
            }
            try (PreparedStatement ps = con.prepareStatement(head + String.join(", ", Collections.nCopies(range[2], tuple)) + tail)) {
                int p = 1;
                for (Key key : keys.subList(range[0], range[1])) {
                    Row row = rows.get(key);
                    bindKey(ps, key, p);
                    ps.setInt(p + 3, row.unreadA);
                    ps.setInt(p + 4, row.unreadB);
                    ps.setLong(p + 5, row.lastMsgId);
                    ps.setLong(p + 6, row.lastTs);
                    p += 7;
                    if (p > range[2] * 7) {
                        ps.addBatch();
                        p = 1;
                    }
                }
                ps.executeBatch();
            }
        }
    }

    /** Creates the row of a conversation that has no folded message yet, to hold a read mark. */
    void insertEmpty(Connection con, Key key) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImConversation (" + ROW_COLUMNS
                + ") VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0)")) {
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
    public long[] lastMessage(Connection con, Key key, long maxId) throws SQLException {
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
