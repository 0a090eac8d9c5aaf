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
 * and after the fact, so that archiving a message writes nothing but the message, and a conversation that
 * gets many messages between two folds has its row written once.
 *
 * <p><b>The invariant.</b> Row {@value #FOLDED} of {@code ofImUnreadFold} holds {@code foldedUpTo}: every
 * archived message with an id up to it is counted in {@code ofImConversation}, no later one is. A reader adds
 * the owner's messages above it (the "tail", a short range of the receiver and sender indexes) to the rows it
 * reads in the same statement as {@code foldedUpTo}, so counts are exact whenever they are read.
 *
 * <p><b>A fold has two steps, and locks keep them exact across cluster nodes.</b> Every transaction that
 * archives messages first locks its node's row and reads both marks ({@link #beginBatch}).
 * {@link #claim} (short) locks row {@value #CLAIMED} and every node row, so it waits for the batches in flight,
 * and moves {@code claimedUpTo} up to the newest id old enough: batches after it see the claim.
 * {@link #foldClaimed} (long, while the writers go on) locks row {@value #FOLDED}, reads the messages from
 * {@code foldedUpTo} to {@code claimedUpTo} (all committed by then), counts them into their rows under the
 * rows' locks, and moves {@code foldedUpTo}. A batch with a message at or below {@code claimedUpTo} (its
 * queue wait outlasted the fold lag: a database outage, a node's clock far behind) locks row {@value #FOLDED}
 * first, waiting for the fold in progress, and counts its messages at or below {@code foldedUpTo} itself
 * ({@link #apply}). Mark-reads run in archive batches; retention sweeps and app purges lock row
 * {@value #FOLDED}. Lock order, always: row -2, node rows, row -1, conversation rows.
 */
final class CounterFold {

    /** {@code ofImUnreadFold.node} of the row whose {@code upTo} is {@code foldedUpTo}. */
    static final int FOLDED = -1;
    /** {@code ofImUnreadFold.node} of the row whose {@code upTo} is {@code claimedUpTo}. */
    static final int CLAIMED = -2;
    private static final int KEYS_PER_SELECT = 100;
    private static final int ROWS_PER_STATEMENT = 250;
    private static final String ROW_COLUMNS = "appKey, userA, userB, unreadA, unreadB, readUpToA, readUpToB, lastMsgId, lastTs";

    /** The two marks: counted up to {@code folded}, being counted up to {@code claimed}. */
    record Marks(long folded, long claimed) {
    }

    /**
     * Messages to one side of a pair in a fold: how many, the smallest and largest id, and the ids themselves
     * when they were archived in this transaction (a fold reads the archive's aggregates instead).
     */
    private static final class Side {
        int count;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        List<Long> ids;

        void add(int n, long smallest, long largest) {
            count += n;
            min = Math.min(min, smallest);
            max = Math.max(max, largest);
        }
    }

    /** The messages of one conversation pair in a fold: to each side, and the latest message. */
    private static final class PairMessages {
        final Side toA = new Side();
        final Side toB = new Side();
        long lastMsgId;
        long lastTs;

        void last(long msgId, long sentAt) {
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
     * Starts an archive batch: locks the row of writer {@code node} (creating it the first time, under row
     * {@value #CLAIMED}'s lock so that no claim is in progress) and returns the marks.
     */
    Marks beginBatch(Connection con, int node, long now) throws SQLException {
        if (touch(con, "node = " + node, now) == 0) {
            touch(con, "node = " + CLAIMED, now);
            try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImUnreadFold (node, upTo, modified) VALUES (?, 0, ?)")) {
                ps.setInt(1, node);
                ps.setLong(2, now);
                ps.executeUpdate();
            }
        }
        return marks(con);
    }

    /** Locks row {@value #FOLDED} (no fold counts until the caller's transaction ends) and returns the marks. */
    Marks lockFolded(Connection con, long now) throws SQLException {
        touch(con, "node = " + FOLDED, now);
        return marks(con);
    }

    /**
     * The first step of a fold: waits for every archive batch in flight and moves {@code claimedUpTo} to
     * {@code safeId} (never back); returns the marks after.
     */
    Marks claim(Connection con, long safeId, long now) throws SQLException {
        touch(con, "node = " + CLAIMED, now);
        touch(con, "node >= 0", now);
        Marks marks = marks(con);
        if (safeId <= marks.claimed()) {
            return marks;
        }
        setMark(con, CLAIMED, safeId);
        return new Marks(marks.folded(), safeId);
    }

    /**
     * The second step: counts the claimed messages above {@code foldedUpTo} into {@code ofImConversation} and
     * moves {@code foldedUpTo} to {@code claimedUpTo}; returns how many messages it counted.
     */
    int foldClaimed(Connection con, long now) throws SQLException {
        Marks marks = lockFolded(con, now);
        if (marks.claimed() <= marks.folded()) {
            return 0;
        }
        Map<ConversationSql.Key, PairMessages> pairs = new TreeMap<>();
        int count = 0;
        // one group per pair and receiver: the database adds up, the fold reads one row per conversation side
        try (PreparedStatement ps = con.prepareStatement("SELECT appKey, userA, userB, receiver, COUNT(*), MIN(msgId), MAX(msgId),"
                + " MAX(sentAt) FROM ofImMessage WHERE msgId > ? AND msgId <= ? GROUP BY appKey, userA, userB, receiver")) {
            ps.setLong(1, marks.folded());
            ps.setLong(2, marks.claimed());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ConversationSql.Key key = new ConversationSql.Key(rs.getString(1), rs.getString(2), rs.getString(3));
                    PairMessages pair = pairs.computeIfAbsent(key, k -> new PairMessages());
                    int n = rs.getInt(5);
                    count += n;
                    if (!key.userA().equals(key.userB())) { // a note to self counts for nobody
                        (rs.getString(4).equals(key.userA()) ? pair.toA : pair.toB).add(n, rs.getLong(6), rs.getLong(7));
                    }
                    pair.last(rs.getLong(7), rs.getLong(8)); // ids and times rise together (MessageIds)
                }
            }
        }
        write(con, pairs, marks);
        setMark(con, FOLDED, marks.claimed());
        return count;
    }

    /**
     * Counts {@code messages} (archived in the caller's transaction, their ids at or below {@code foldedUpTo},
     * so that no fold will) into their conversation rows.
     */
    void apply(Connection con, List<ArchivedMessage> messages) throws SQLException {
        Map<ConversationSql.Key, PairMessages> pairs = new TreeMap<>();
        for (ArchivedMessage m : messages) {
            ConversationSql.Key key = ConversationSql.Key.of(m.appKey().toString(), m.sender(), m.receiver());
            PairMessages pair = pairs.computeIfAbsent(key, k -> new PairMessages());
            if (!m.sender().equals(m.receiver())) {
                Side side = m.receiver().equals(key.userA()) ? pair.toA : pair.toB;
                side.add(1, m.msgId(), m.msgId());
                if (side.ids == null) {
                    side.ids = new ArrayList<>();
                }
                side.ids.add(m.msgId());
            }
            pair.last(m.msgId(), m.sentAt());
        }
        write(con, pairs, null);
    }

    /**
     * Adds each pair's messages above the row's read marks to its counters, creating missing rows; reads the
     * rows under their locks, taken in key order as every writer does: mark-reads of any node may change them
     * meanwhile.
     */
    private void write(Connection con, Map<ConversationSql.Key, PairMessages> pairs, Marks range) throws SQLException {
        if (pairs.isEmpty()) {
            return;
        }
        List<ConversationSql.Key> keys = new ArrayList<>(pairs.keySet());
        try {
            Map<ConversationSql.Key, Row> rows = lockAndRead(con, keys);
            Set<ConversationSql.Key> inserts = new HashSet<>();
            for (ConversationSql.Key key : keys) {
                PairMessages added = pairs.get(key);
                Row row = rows.get(key);
                if (row == null) {
                    row = new Row();
                    rows.put(key, row);
                    inserts.add(key);
                }
                row.unreadA += above(con, key, key.userA(), added.toA, row.readUpToA, range);
                row.unreadB += above(con, key, key.userB(), added.toB, row.readUpToB, range);
                if (added.lastMsgId > row.lastMsgId) {
                    row.lastMsgId = added.lastMsgId;
                    row.lastTs = added.lastTs;
                }
            }
            List<ConversationSql.Key> existing = keys.stream().filter(k -> !inserts.contains(k)).toList();
            if (type == DatabaseType.MARIADB || type == DatabaseType.MYSQL) {
                chunked(con, existing, rows, "INSERT INTO ofImConversation (" + ROW_COLUMNS + ") VALUES ", "(?, ?, ?, ?, ?, 0, 0, ?, ?)",
                        " ON DUPLICATE KEY UPDATE unreadA = VALUES(unreadA), unreadB = VALUES(unreadB),"
                                + " lastMsgId = VALUES(lastMsgId), lastTs = VALUES(lastTs)");
            } else if (!existing.isEmpty()) {
                try (PreparedStatement update = con.prepareStatement("UPDATE ofImConversation SET unreadA = ?, unreadB = ?,"
                        + " lastMsgId = ?, lastTs = ?" + ConversationSql.WHERE_KEY)) {
                    for (ConversationSql.Key key : existing) {
                        Row row = rows.get(key);
                        update.setInt(1, row.unreadA);
                        update.setInt(2, row.unreadB);
                        update.setLong(3, row.lastMsgId);
                        update.setLong(4, row.lastTs);
                        ConversationSql.bindKey(update, key, 5);
                        update.addBatch();
                    }
                    update.executeBatch();
                }
            }
            // a plain insert: a row another node's batch created meanwhile fails it, and the batch is retried
            chunked(con, new ArrayList<>(inserts), rows, "INSERT INTO ofImConversation (" + ROW_COLUMNS + ") VALUES ",
                    "(?, ?, ?, ?, ?, 0, 0, ?, ?)", "");
        } catch (SQLException e) {
            throw new SQLException("Cannot fold messages into " + keys.size() + " conversation rows: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /**
     * Writes {@code keys}' rows with {@code head} + one {@code tuple} per row + {@code tail}: as multi-row
     * statements of {@value #ROWS_PER_STATEMENT} rows on MySQL and MariaDB (a fraction of the cost of as many
     * one-row statements there), as a batch of one-row statements elsewhere.
     */
    private void chunked(Connection con, List<ConversationSql.Key> keys, Map<ConversationSql.Key, Row> rows, String head,
                         String tuple, String tail) throws SQLException {
        int perStatement = type == DatabaseType.MARIADB || type == DatabaseType.MYSQL ? ROWS_PER_STATEMENT : 1;
        int full = keys.size() / perStatement * perStatement;
        for (int[] range : new int[][] {{0, full, perStatement}, {full, keys.size(), keys.size() - full}}) {
            if (range[0] == range[1]) {
                continue;
            }
            try (PreparedStatement ps = con.prepareStatement(head + String.join(", ", Collections.nCopies(range[2], tuple)) + tail)) {
                int p = 1;
                for (ConversationSql.Key key : keys.subList(range[0], range[1])) {
                    Row row = rows.get(key);
                    ConversationSql.bindKey(ps, key, p);
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

    /**
     * How many of {@code side}'s messages are above the reader's mark: all, none, or (the mark among them,
     * as when the reader read a message not folded yet) counted one by one, from the ids or in the archive
     * over the fold's {@code range}.
     */
    private static int above(Connection con, ConversationSql.Key key, String reader, Side side, long readUpTo, Marks range)
            throws SQLException {
        if (side.count == 0 || readUpTo >= side.max) {
            return 0;
        }
        if (readUpTo < side.min) {
            return side.count;
        }
        if (side.ids != null) {
            return (int) side.ids.stream().filter(id -> id > readUpTo).count();
        }
        try (PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImMessage" + ConversationSql.WHERE_KEY
                + " AND receiver = ? AND sender <> receiver AND msgId > ? AND msgId <= ?")) {
            ConversationSql.bindKey(ps, key, 1);
            ps.setString(4, reader);
            ps.setLong(5, Math.max(readUpTo, range.folded()));
            ps.setLong(6, range.claimed());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Locks existing rows of {@code keys} with a no-op update (where a locking read is not available). */
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
     * Locks and reads the existing rows of {@code keys}. PostgreSQL: one locking read of constant text, the
     * keys passed as three arrays and joined (planned once per connection; an OR of keys took 100 us a key
     * to plan and run). MySQL and MariaDB: locking reads of {@value #KEYS_PER_SELECT} keys each. Others: a
     * no-op update of each row, then reads of {@value #KEYS_PER_SELECT} keys each, or of one key on HSQLDB
     * (embedded: no round trip, and it would scan for an OR of keys instead of using the index).
     */
    private Map<ConversationSql.Key, Row> lockAndRead(Connection con, List<ConversationSql.Key> keys) throws SQLException {
        Map<ConversationSql.Key, Row> rows = new HashMap<>();
        if (type == DatabaseType.POSTGRESQL) {
            try (PreparedStatement ps = con.prepareStatement("SELECT c.appKey, c.userA, c.userB, c.unreadA, c.unreadB,"
                    + " c.readUpToA, c.readUpToB, c.lastMsgId, c.lastTs FROM unnest(?::varchar[], ?::varchar[], ?::varchar[]) AS k(appKey, userA, userB)"
                    + " JOIN ofImConversation c ON c.appKey = k.appKey AND c.userA = k.userA AND c.userB = k.userB"
                    + " ORDER BY c.appKey, c.userA, c.userB FOR UPDATE OF c")) {
                ps.setArray(1, con.createArrayOf("varchar", keys.stream().map(ConversationSql.Key::appKey).toArray()));
                ps.setArray(2, con.createArrayOf("varchar", keys.stream().map(ConversationSql.Key::userA).toArray()));
                ps.setArray(3, con.createArrayOf("varchar", keys.stream().map(ConversationSql.Key::userB).toArray()));
                readRows(ps, rows);
            }
            return rows;
        }
        boolean lockingRead = type == DatabaseType.MARIADB || type == DatabaseType.MYSQL;
        if (!lockingRead) {
            lock(con, keys);
        }
        String forUpdate = lockingRead ? " FOR UPDATE" : "";
        int chunk = type == DatabaseType.HSQLDB ? 1 : KEYS_PER_SELECT;
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

    private static String selectKeys(int n) {
        return "SELECT " + ROW_COLUMNS + " FROM ofImConversation WHERE "
                + String.join(" OR ", Collections.nCopies(n, "(appKey = ? AND userA = ? AND userB = ?)"));
    }

    private static void bindKeys(PreparedStatement ps, List<ConversationSql.Key> keys) throws SQLException {
        for (int i = 0; i < keys.size(); i++) {
            ConversationSql.bindKey(ps, keys.get(i), 1 + 3 * i);
        }
    }

    private static void readRows(PreparedStatement ps, Map<ConversationSql.Key, Row> rows) throws SQLException {
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

    /** Locks the rows of {@code ofImUnreadFold} that {@code where} selects, stamping them with {@code now}. */
    private static int touch(Connection con, String where, long now) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImUnreadFold SET modified = ? WHERE " + where)) {
            ps.setLong(1, now);
            return ps.executeUpdate();
        }
    }

    private static Marks marks(Connection con) throws SQLException {
        long folded = -1;
        long claimed = -1;
        try (PreparedStatement ps = con.prepareStatement("SELECT node, upTo FROM ofImUnreadFold WHERE node < 0");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (rs.getInt(1) == FOLDED) {
                    folded = rs.getLong(2);
                } else if (rs.getInt(1) == CLAIMED) {
                    claimed = rs.getLong(2);
                }
            }
        }
        if (folded < 0 || claimed < 0) {
            throw new SQLException("ofImUnreadFold lacks row " + FOLDED + " or " + CLAIMED + ": the imcloud schema is incomplete");
        }
        return new Marks(folded, claimed);
    }

    private static void setMark(Connection con, int row, long upTo) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImUnreadFold SET upTo = ? WHERE node = " + row)) {
            ps.setLong(1, upTo);
            ps.executeUpdate();
        }
    }
}
