package io.imcloud.archive;

import io.imcloud.sql.DatabaseType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The statements that keep {@code ofImConversation} (unread counter, read mark, last message) in step
 * with the archive. They run inside a caller's READ COMMITTED transaction: the archive writer's batch or
 * a retention sweep.
 *
 * <p>Counters are exact across cluster nodes because every change that reads a counter first locks the
 * conversation row ({@link #lock}) and then recounts the unread messages above the read mark: an insert
 * committed by another node before the lock is counted, one committed after it increments the row that
 * the recount just wrote (its upsert waits for our lock).
 */
final class ConversationSql {

    /** Unread count, last message and time of one conversation row, added up over a batch. */
    static final class Delta {
        int unread;
        long lastMsgId = Long.MIN_VALUE;
        long lastTs;

        void add(boolean counts, long msgId, long sentAt) {
            if (counts) {
                unread++;
            }
            if (msgId > lastMsgId) {
                lastMsgId = msgId;
                lastTs = sentAt;
            }
        }
    }

    /** The key of an {@code ofImConversation} row; sorted so that every node locks rows in the same order. */
    record Key(String appKey, String owner, String peer) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = appKey.compareTo(o.appKey);
            if (c == 0) {
                c = owner.compareTo(o.owner);
            }
            return c != 0 ? c : peer.compareTo(o.peer);
        }
    }

    private static final String WHERE_KEY = " WHERE appKey = ? AND owner = ? AND peer = ?";
    /**
     * Rows per upsert statement: one multi-row statement costs the database far less than a batch of
     * one-row statements (2.5x on MariaDB, 1.25x on PostgreSQL), and 250 x 6 parameters stay below
     * SQL Server's limit of 2,100. HSQLDB is the exception: it joins a multi-row MERGE source without
     * the primary key, so it gets a JDBC batch of one-row statements.
     */
    private static final int ROWS_PER_STATEMENT = 250;

    private final DatabaseType type;
    private final int rowsPerStatement;
    private final String fullUpsert;

    ConversationSql(DatabaseType type) {
        this.type = type;
        this.rowsPerStatement = type == DatabaseType.HSQLDB ? 1 : ROWS_PER_STATEMENT;
        this.fullUpsert = upsertFor(type, rowsPerStatement);
    }

    /**
     * Adds each delta to its row, creating missing rows: unread rises by the delta, the last message moves
     * only forward (ids from other cluster nodes may commit out of order). Rows are written in key order,
     * so that concurrent writers on several nodes lock them in the same order.
     */
    void upsert(Connection con, Map<Key, Delta> deltas) throws SQLException {
        List<Map.Entry<Key, Delta>> rows = new ArrayList<>(deltas.entrySet());
        int full = rows.size() / rowsPerStatement * rowsPerStatement;
        try {
            if (full > 0) {
                execute(con, fullUpsert, rows.subList(0, full), rowsPerStatement);
            }
            if (full < rows.size()) {
                execute(con, upsertFor(type, rows.size() - full), rows.subList(full, rows.size()), rows.size() - full);
            }
        } catch (SQLException e) {
            throw new SQLException("Cannot update " + rows.size() + " conversation rows: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** Runs {@code sql} (an upsert of {@code perStatement} rows) as a JDBC batch over {@code rows}. */
    private static void execute(Connection con, String sql, List<Map.Entry<Key, Delta>> rows, int perStatement) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            int i = 1;
            for (Map.Entry<Key, Delta> e : rows) {
                ps.setString(i++, e.getKey().appKey());
                ps.setString(i++, e.getKey().owner());
                ps.setString(i++, e.getKey().peer());
                ps.setInt(i++, e.getValue().unread);
                ps.setLong(i++, e.getValue().lastMsgId);
                ps.setLong(i++, e.getValue().lastTs);
                if (i > perStatement * 6) {
                    ps.addBatch();
                    i = 1;
                }
            }
            ps.executeBatch();
        }
    }

    /**
     * Locks the row with a no-op update (portable, unlike {@code SELECT ... FOR UPDATE}) and reads
     * {@code readUpTo} and {@code lastMsgId}; null when the conversation has no row.
     */
    long[] lock(Connection con, Key key) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImConversation SET readUpTo = readUpTo" + WHERE_KEY)) {
            bindKey(ps, key, 1);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = con.prepareStatement("SELECT readUpTo, lastMsgId FROM ofImConversation" + WHERE_KEY)) {
            bindKey(ps, key, 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
            }
        }
    }

    /**
     * Counts the messages from the peer to the owner above {@code readUpTo} (one range of the conversation
     * index); a note to self never counts.
     */
    int countUnread(Connection con, Key key, long readUpTo) throws SQLException {
        if (key.owner().equals(key.peer())) {
            return 0;
        }
        try (PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImMessage WHERE appKey = ? AND userA = ? "
                + "AND userB = ? AND msgId > ? AND sender = ?")) {
            ps.setString(1, key.appKey());
            ps.setString(2, MessageRows.userA(key.owner(), key.peer()));
            ps.setString(3, MessageRows.userB(key.owner(), key.peer()));
            ps.setLong(4, readUpTo);
            ps.setString(5, key.peer());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Stores a recounted unread number and the read mark of a locked row. */
    void setUnread(Connection con, Key key, int unread, long readUpTo) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImConversation SET unreadNum = ?, readUpTo = ?" + WHERE_KEY)) {
            ps.setInt(1, unread);
            ps.setLong(2, readUpTo);
            bindKey(ps, key, 3);
            ps.executeUpdate();
        }
    }

    /** Deletes a conversation row (retention removed its last message). */
    void delete(Connection con, Key key) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("DELETE FROM ofImConversation" + WHERE_KEY)) {
            bindKey(ps, key, 1);
            ps.executeUpdate();
        }
    }

    private static void bindKey(PreparedStatement ps, Key key, int first) throws SQLException {
        ps.setString(first, key.appKey());
        ps.setString(first + 1, key.owner());
        ps.setString(first + 2, key.peer());
    }

    /** An upsert of {@code rows} rows; parameters per row: appKey, owner, peer, unread delta, last message id, its time. */
    private static String upsertFor(DatabaseType type, int rows) {
        String insertColumns = "(appKey, owner, peer, unreadNum, lastMsgId, lastTs, readUpTo)";
        String mergeUpdate = " WHEN MATCHED THEN UPDATE SET unreadNum = c.unreadNum + v.delta,"
                + " lastTs = CASE WHEN v.lastId > c.lastMsgId THEN v.lastTs ELSE c.lastTs END,"
                + " lastMsgId = CASE WHEN v.lastId > c.lastMsgId THEN v.lastId ELSE c.lastMsgId END"
                + " WHEN NOT MATCHED THEN INSERT " + insertColumns
                + " VALUES (v.appKey, v.owner, v.peer, v.delta, v.lastId, v.lastTs, 0)";
        String on = " ON (c.appKey = v.appKey AND c.owner = v.owner AND c.peer = v.peer)";
        String names = " AS v(appKey, owner, peer, delta, lastId, lastTs)";
        return switch (type) {
            case HSQLDB -> "MERGE INTO ofImConversation c USING (VALUES " + repeat(rows, "(CAST(? AS VARCHAR(65)),"
                    + " CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(64)), CAST(? AS INTEGER), CAST(? AS BIGINT), CAST(? AS BIGINT))")
                    + ")" + names + on + mergeUpdate;
            case ORACLE -> "MERGE INTO ofImConversation c USING (SELECT ? AS appKey, ? AS owner, ? AS peer, ? AS delta,"
                    + " ? AS lastId, ? AS lastTs FROM dual" + " UNION ALL SELECT ?, ?, ?, ?, ?, ? FROM dual".repeat(rows - 1)
                    + ") v" + on + mergeUpdate;
            case SQLSERVER -> "MERGE INTO ofImConversation WITH (HOLDLOCK) AS c USING (VALUES " + repeat(rows, "(?, ?, ?, ?, ?, ?)")
                    + ")" + names + on + mergeUpdate + ";";
            case POSTGRESQL -> "INSERT INTO ofImConversation " + insertColumns + " VALUES " + repeat(rows, "(?, ?, ?, ?, ?, ?, 0)")
                    + " ON CONFLICT (appKey, owner, peer) DO UPDATE SET"
                    + " unreadNum = ofImConversation.unreadNum + EXCLUDED.unreadNum,"
                    + " lastTs = CASE WHEN EXCLUDED.lastMsgId > ofImConversation.lastMsgId THEN EXCLUDED.lastTs ELSE ofImConversation.lastTs END,"
                    + " lastMsgId = GREATEST(ofImConversation.lastMsgId, EXCLUDED.lastMsgId)";
            // MySQL evaluates the assignments left to right, each seeing the previous ones: lastTs before lastMsgId.
            case MYSQL, MARIADB -> "INSERT INTO ofImConversation " + insertColumns + " VALUES " + repeat(rows, "(?, ?, ?, ?, ?, ?, 0)")
                    + " ON DUPLICATE KEY UPDATE unreadNum = unreadNum + VALUES(unreadNum),"
                    + " lastTs = IF(VALUES(lastMsgId) > lastMsgId, VALUES(lastTs), lastTs),"
                    + " lastMsgId = GREATEST(lastMsgId, VALUES(lastMsgId))";
        };
    }

    private static String repeat(int times, String tuple) {
        return String.join(", ", java.util.Collections.nCopies(times, tuple));
    }
}
