package io.imcloud.unread;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.sql.DatabaseType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;

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
 * queue wait outlasted the fold lag: a database outage, a node's clock far behind) first locks row
 * {@value #FOLDED} if the message is still to be counted, waiting for the fold in progress, and counts its
 * messages at or below {@code foldedUpTo} itself ({@link #apply}). Mark-reads ({@link #markRead}) run in archive
 * batches and read {@code foldedUpTo} after their row lock ({@link #foldedUpTo}); retention sweeps
 * ({@link #afterDelete}) and app purges lock row {@value #FOLDED}. Lock order, always: row -2, node rows, row -1,
 * conversation rows.
 */
public final class CounterFold {

    /** {@code ofImUnreadFold.node} of the row whose {@code upTo} is {@code foldedUpTo}. */
    static final int FOLDED = -1;
    /** {@code ofImUnreadFold.node} of the row whose {@code upTo} is {@code claimedUpTo}. */
    static final int CLAIMED = -2;
    /** Rows per round trip of a fold's range read (PostgreSQL and MariaDB stream it instead of holding it all). */
    private static final int FETCH_SIZE = 5000;

    /** The two marks: counted up to {@code folded}, being counted up to {@code claimed}. */
    public record Marks(long folded, long claimed) {
    }

    /**
     * Messages to one side of a pair in a fold: how many, the smallest and largest id, and the ids themselves
     * when they were archived in this transaction (a fold recounts in the archive instead, in the rare case it
     * needs them).
     */
    private static final class Side {
        int count;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        List<Long> ids;

        void add(long msgId) {
            count++;
            min = Math.min(min, msgId);
            max = Math.max(max, msgId);
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

    private final ConversationSql conversations;

    /** The fold's statements for a database of {@code type}. */
    public CounterFold(DatabaseType type) {
        this.conversations = new ConversationSql(type);
    }

    /**
     * Starts an archive batch: locks the row of writer {@code node} (creating it the first time, under row
     * {@value #CLAIMED}'s lock so that no claim is in progress) and returns the marks.
     */
    public Marks beginBatch(Connection con, int node, long now) throws SQLException {
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

    /**
     * {@code foldedUpTo} as committed now; read after locking a conversation row, it tells which of the row's
     * messages are counted in it (a fold that held the row lock has committed its mark too).
     */
    private static long foldedUpTo(Connection con) throws SQLException {
        return marks(con).folded();
    }

    /** Locks row {@value #FOLDED} (no fold counts until the caller's transaction ends) and returns the marks. */
    public Marks lockFolded(Connection con, long now) throws SQLException {
        touch(con, "node = " + FOLDED, now);
        return marks(con);
    }

    /**
     * Moves {@code reader}'s read mark of the conversation {@code key} forward (never back) to {@code markId} and
     * recounts the unread messages above it (the row holds those folded), creating the row if there is none; returns
     * all unread messages left.
     */
    public int markRead(Connection con, ConversationSql.Key key, String reader, long markId) throws SQLException {
        ConversationSql.Marks row = conversations.lock(con, key);
        if (row == null) {
            conversations.insertEmpty(con, key);
            row = new ConversationSql.Marks(0, 0, 0);
        }
        boolean sideA = reader.equals(key.userA());
        long readUpTo = Math.max(sideA ? row.readUpToA() : row.readUpToB(), markId);
        // after the row lock: a fold that changed the row before it has committed foldedUpTo as well
        ConversationSql.Unread unread = conversations.countUnread(con, key, reader, readUpTo, foldedUpTo(con));
        conversations.setUnread(con, key, sideA, unread.folded(), readUpTo);
        return unread.all();
    }

    /**
     * After the caller's transaction deleted the messages of the {@code touched} conversations up to
     * {@code deletedUpTo}: takes the fold lock, then, row by row under the row's lock, recounts the folded unread
     * messages above both read marks, looks the last folded message up again if it was deleted, and deletes a row
     * whose conversation has no message left.
     */
    public void afterDelete(Connection con, SortedSet<ConversationSql.Key> touched, long deletedUpTo, long now) throws SQLException {
        long foldedUpTo = lockFolded(con, now).folded();
        for (ConversationSql.Key key : touched) {
            ConversationSql.Marks row = conversations.lock(con, key);
            if (row == null) {
                continue;
            }
            if (row.lastMsgId() <= deletedUpTo) {
                long[] last = conversations.lastMessage(con, key, foldedUpTo);
                if (last == null && conversations.lastMessage(con, key, Long.MAX_VALUE) == null) {
                    conversations.delete(con, key);
                    continue;
                }
                conversations.setLast(con, key, last == null ? 0 : last[0], last == null ? 0 : last[1]);
            }
            conversations.setUnread(con, key, true,
                    conversations.countUnread(con, key, key.userA(), row.readUpToA(), foldedUpTo).folded(), row.readUpToA());
            conversations.setUnread(con, key, false,
                    conversations.countUnread(con, key, key.userB(), row.readUpToB(), foldedUpTo).folded(), row.readUpToB());
        }
    }

    /**
     * The first step of a fold: waits for every archive batch in flight and moves {@code claimedUpTo} to
     * {@code safeId} (never back); returns the marks after.
     */
    public Marks claim(Connection con, long safeId, long now) throws SQLException {
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
    public int foldClaimed(Connection con, long now) throws SQLException {
        Marks marks = lockFolded(con, now);
        if (marks.claimed() <= marks.folded()) {
            return 0;
        }
        Map<ConversationSql.Key, PairMessages> pairs = new HashMap<>();
        int count = 0;
        // streamed and added up here: a GROUP BY over the range spills to disk on MariaDB (6 us a message, a plain
        // range read well under 1 us); a conversation's id range per side is all the counting needs
        try (PreparedStatement ps = con.prepareStatement("SELECT msgId, appKey, userA, userB, receiver, sentAt FROM ofImMessage"
                + " WHERE msgId > ? AND msgId <= ?")) {
            ps.setFetchSize(FETCH_SIZE);
            ps.setLong(1, marks.folded());
            ps.setLong(2, marks.claimed());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long msgId = rs.getLong(1);
                    ConversationSql.Key key = new ConversationSql.Key(rs.getString(2), rs.getString(3), rs.getString(4));
                    PairMessages pair = pairs.computeIfAbsent(key, k -> new PairMessages());
                    count++;
                    if (!key.userA().equals(key.userB())) { // a note to self counts for nobody
                        (rs.getString(5).equals(key.userA()) ? pair.toA : pair.toB).add(msgId);
                    }
                    pair.last(msgId, rs.getLong(6));
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
    public void apply(Connection con, List<ArchivedMessage> messages) throws SQLException {
        Map<ConversationSql.Key, PairMessages> pairs = new HashMap<>();
        for (ArchivedMessage m : messages) {
            ConversationSql.Key key = ConversationSql.Key.of(m.appKey().toString(), m.sender(), m.receiver());
            PairMessages pair = pairs.computeIfAbsent(key, k -> new PairMessages());
            if (!m.sender().equals(m.receiver())) {
                Side side = m.receiver().equals(key.userA()) ? pair.toA : pair.toB;
                side.add(m.msgId());
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
        Collections.sort(keys); // every writer locks rows in key order
        try {
            Map<ConversationSql.Key, ConversationSql.Row> rows = conversations.lockAndRead(con, keys);
            Set<ConversationSql.Key> inserts = new LinkedHashSet<>(); // in key order, like the locks
            for (ConversationSql.Key key : keys) {
                PairMessages added = pairs.get(key);
                ConversationSql.Row row = rows.get(key);
                if (row == null) {
                    row = new ConversationSql.Row();
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
            conversations.write(con, rows, inserts);
        } catch (SQLException e) {
            throw new SQLException("Cannot fold messages into " + keys.size() + " conversation rows: " + e.getMessage(), e.getSQLState(), e);
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
