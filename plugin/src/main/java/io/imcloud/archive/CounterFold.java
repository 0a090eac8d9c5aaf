package io.imcloud.archive;

import io.imcloud.sql.DatabaseType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Folds archived messages into the unread counters and last messages of {@code ofImConversation}, in bulk
 * and after the fact, so that archiving a message writes nothing but the message.
 *
 * <p><b>The invariant.</b> {@code ofImUnreadFold}'s cluster row holds {@code foldedUpTo}: every archived
 * message with an id up to it is counted in {@code ofImConversation}, no later one is. A reader adds the
 * owner's messages above it (the "tail", a short range of the receiver and sender indexes) to the rows it
 * reads in the same statement as {@code foldedUpTo}, so counts are exact whenever they are read.
 *
 * <p><b>Locks keep it exact across cluster nodes.</b> Every transaction that archives messages first locks
 * its node's row ({@link #beginBatch}) and reads {@code foldedUpTo}; a fold ({@link #fold}) locks the cluster
 * row and then every node row, so it waits for the batches in flight and sees their messages, and batches
 * after it see its new {@code foldedUpTo}. A message whose id is already folded when its batch commits (its
 * queue wait outlasted the fold lag: a database outage, a node's clock far behind) is counted by its own
 * batch ({@link #apply} with row locks). Mark-reads run in archive batches too; retention sweeps and app
 * purges lock the cluster row.
 */
final class CounterFold {

    /** {@code ofImUnreadFold.node} of the row that holds {@code foldedUpTo}. */
    static final int CLUSTER_ROW = -1;
    private static final int KEYS_PER_SELECT = 100;
    private static final String ROW_COLUMNS = "appKey, userA, userB, unreadA, unreadB, readUpToA, readUpToB, lastMsgId, lastTs";

    /** The messages of one conversation pair in a fold: ids to each side, and the latest message. */
    private static final class PairMessages {
        final List<Long> toA = new ArrayList<>();
        final List<Long> toB = new ArrayList<>();
        long lastMsgId;
        long lastTs;

        void add(long msgId, String sender, String receiver, String userA, long sentAt) {
            if (!sender.equals(receiver)) {
                (receiver.equals(userA) ? toA : toB).add(msgId);
            }
            if (msgId > lastMsgId) {
                lastMsgId = msgId;
                lastTs = sentAt;
            }
        }
    }

    /** An {@code ofImConversation} row as read, then as it will be written. */
    private static final class Row {
        int unreadA;
        int unreadB;
        long readUpToA;
        long readUpToB;
        long lastMsgId;
        long lastTs;
    }

    private final DatabaseType type;

    CounterFold(DatabaseType type) {
        this.type = type;
    }

    /**
     * Starts an archive batch: locks the row of writer {@code node} (creating it the first time, under the
     * cluster row's lock so that no fold is in progress) and returns {@code foldedUpTo}.
     */
    long beginBatch(Connection con, int node, long now) throws SQLException {
        if (touch(con, "node = " + node, now) == 0) {
            lockClusterRow(con, now);
            try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImUnreadFold (node, foldedUpTo, modified) VALUES (?, 0, ?)")) {
                ps.setInt(1, node);
                ps.setLong(2, now);
                ps.executeUpdate();
            }
        }
        return foldedUpTo(con);
    }

    /** Locks the cluster row (no fold runs until the caller's transaction ends) and returns {@code foldedUpTo}. */
    long lockClusterRow(Connection con, long now) throws SQLException {
        touch(con, "node = " + CLUSTER_ROW, now);
        return foldedUpTo(con);
    }

    /**
     * One fold step: locks every row of {@code ofImUnreadFold}, counts the messages above {@code foldedUpTo}
     * up to {@code safeId} (at most {@code maxMessages} of them, in id order) into {@code ofImConversation}
     * and moves {@code foldedUpTo}; returns how many messages it folded.
     */
    int fold(Connection con, long safeId, int maxMessages, long now) throws SQLException {
        touch(con, "node = " + CLUSTER_ROW, now);
        touch(con, "node <> " + CLUSTER_ROW, now);
        long from = foldedUpTo(con);
        if (safeId <= from) {
            return 0;
        }
        Map<ConversationSql.Key, PairMessages> pairs = new TreeMap<>();
        int count = 0;
        long last = from;
        try (PreparedStatement ps = con.prepareStatement("SELECT msgId, appKey, sender, receiver, userA, userB, sentAt"
                + " FROM ofImMessage WHERE msgId > ? AND msgId <= ? ORDER BY msgId" + type.limit(maxMessages))) {
            ps.setLong(1, from);
            ps.setLong(2, safeId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    count++;
                    pairs.computeIfAbsent(new ConversationSql.Key(rs.getString(2), rs.getString(5), rs.getString(6)),
                            k -> new PairMessages()).add(last, rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(7));
                }
            }
        }
        write(con, pairs, false);
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImUnreadFold SET foldedUpTo = ? WHERE node = " + CLUSTER_ROW)) {
            ps.setLong(1, count == maxMessages ? last : safeId);
            ps.executeUpdate();
        }
        return count;
    }

    /**
     * Counts {@code messages} (archived in the caller's transaction, their ids already folded) into their
     * conversation rows, locking the rows first: other nodes' batches may touch the same rows.
     */
    void apply(Connection con, List<ArchivedMessage> messages) throws SQLException {
        Map<ConversationSql.Key, PairMessages> pairs = new TreeMap<>();
        for (ArchivedMessage m : messages) {
            ConversationSql.Key key = ConversationSql.Key.of(m.appKey().toString(), m.sender(), m.receiver());
            pairs.computeIfAbsent(key, k -> new PairMessages()).add(m.msgId(), m.sender(), m.receiver(), key.userA(), m.sentAt());
        }
        write(con, pairs, true);
    }

    /** Adds each pair's messages above the row's read marks to its counters, creating missing rows. */
    private void write(Connection con, Map<ConversationSql.Key, PairMessages> pairs, boolean lockRows) throws SQLException {
        if (pairs.isEmpty()) {
            return;
        }
        List<ConversationSql.Key> keys = new ArrayList<>(pairs.keySet());
        try {
            if (lockRows) {
                lock(con, keys);
            }
            Map<ConversationSql.Key, Row> rows = read(con, keys);
            Set<ConversationSql.Key> inserts = new HashSet<>();
            for (ConversationSql.Key key : keys) {
                PairMessages added = pairs.get(key);
                Row row = rows.get(key);
                if (row == null) {
                    row = new Row();
                    rows.put(key, row);
                    inserts.add(key);
                }
                row.unreadA += above(added.toA, row.readUpToA);
                row.unreadB += above(added.toB, row.readUpToB);
                if (added.lastMsgId > row.lastMsgId) {
                    row.lastMsgId = added.lastMsgId;
                    row.lastTs = added.lastTs;
                }
            }
            try (PreparedStatement update = con.prepareStatement("UPDATE ofImConversation SET unreadA = ?, unreadB = ?,"
                    + " lastMsgId = ?, lastTs = ?" + ConversationSql.WHERE_KEY);
                 PreparedStatement insert = con.prepareStatement("INSERT INTO ofImConversation (" + ROW_COLUMNS
                         + ") VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?)")) {
                boolean anyUpdate = false;
                for (ConversationSql.Key key : keys) {
                    Row row = rows.get(key);
                    if (inserts.contains(key)) {
                        continue;
                    }
                    update.setInt(1, row.unreadA);
                    update.setInt(2, row.unreadB);
                    update.setLong(3, row.lastMsgId);
                    update.setLong(4, row.lastTs);
                    ConversationSql.bindKey(update, key, 5);
                    update.addBatch();
                    anyUpdate = true;
                }
                if (anyUpdate) {
                    update.executeBatch();
                }
                for (ConversationSql.Key key : inserts) {
                    Row row = rows.get(key);
                    ConversationSql.bindKey(insert, key, 1);
                    insert.setInt(4, row.unreadA);
                    insert.setInt(5, row.unreadB);
                    insert.setLong(6, row.lastMsgId);
                    insert.setLong(7, row.lastTs);
                    insert.addBatch();
                }
                if (!inserts.isEmpty()) {
                    insert.executeBatch();
                }
            }
        } catch (SQLException e) {
            throw new SQLException("Cannot fold messages into " + keys.size() + " conversation rows: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    private static int above(List<Long> ids, long readUpTo) {
        int n = 0;
        for (long id : ids) {
            if (id > readUpTo) {
                n++;
            }
        }
        return n;
    }

    /** Locks existing rows of {@code keys} (sorted, so that nodes lock in the same order) with a no-op update. */
    private static void lock(Connection con, List<ConversationSql.Key> keys) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImConversation SET readUpToA = readUpToA" + ConversationSql.WHERE_KEY)) {
            for (ConversationSql.Key key : keys) {
                ConversationSql.bindKey(ps, key, 1);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * The existing rows of {@code keys}: one statement per {@value #KEYS_PER_SELECT} keys, or one lookup per
     * key on HSQLDB (embedded: no round trip, and it would scan for an OR of keys instead of using the index).
     */
    private Map<ConversationSql.Key, Row> read(Connection con, List<ConversationSql.Key> keys) throws SQLException {
        Map<ConversationSql.Key, Row> rows = new HashMap<>();
        int chunk = type == DatabaseType.HSQLDB ? 1 : KEYS_PER_SELECT;
        String select = "SELECT " + ROW_COLUMNS + " FROM ofImConversation WHERE ";
        String one = "(appKey = ? AND userA = ? AND userB = ?)";
        String full = select + String.join(" OR ", Collections.nCopies(chunk, one));
        for (int start = 0; start < keys.size(); start += chunk) {
            List<ConversationSql.Key> part = keys.subList(start, Math.min(keys.size(), start + chunk));
            String sql = part.size() == chunk ? full : select + String.join(" OR ", Collections.nCopies(part.size(), one));
            try (PreparedStatement ps = con.prepareStatement(sql)) {
                for (int i = 0; i < part.size(); i++) {
                    ConversationSql.bindKey(ps, part.get(i), 1 + 3 * i);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row row = new Row();
                        row.unreadA = rs.getInt(4);
                        row.unreadB = rs.getInt(5);
                        row.readUpToA = rs.getLong(6);
                        row.readUpToB = rs.getLong(7);
                        row.lastMsgId = rs.getLong(8);
                        row.lastTs = rs.getLong(9);
                        rows.put(new ConversationSql.Key(rs.getString(1), rs.getString(2), rs.getString(3)), row);
                    }
                }
            }
        }
        return rows;
    }

    /** Locks the rows of {@code ofImUnreadFold} that {@code where} selects, stamping them with {@code now}. */
    private static int touch(Connection con, String where, long now) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImUnreadFold SET modified = ? WHERE " + where)) {
            ps.setLong(1, now);
            return ps.executeUpdate();
        }
    }

    private static long foldedUpTo(Connection con) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT foldedUpTo FROM ofImUnreadFold WHERE node = " + CLUSTER_ROW);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("ofImUnreadFold has no cluster row (node " + CLUSTER_ROW + "): the imcloud schema is incomplete");
            }
            return rs.getLong(1);
        }
    }
}
