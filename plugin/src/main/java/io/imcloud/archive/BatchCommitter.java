package io.imcloud.archive;

import io.imcloud.sql.DatabaseType;
import io.imcloud.sql.Statements;
import io.imcloud.tenancy.AppUser;
import io.imcloud.unread.ConversationSql;
import io.imcloud.unread.CounterFold;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Applies one batch of {@link WriteCommand}s inside the caller's transaction, in queue order where order
 * matters: the messages queued before a mark-read are inserted (and counted) before it, those queued
 * after it are not. Within such a segment the messages are inserted as one JDBC batch in id order; the
 * unread counters are not touched (a later {@link CounterFold} counts them), except for a message whose id
 * is already folded. Delivery-state changes never touch counters, so they run last, as one batch (each after the
 * insert of its message); states only move forward, so their order does not matter, and a change whose message
 * another cluster node has not committed yet waits in {@link LateStates} for it. A message delivered while it still
 * waited in the queue (the common case: delivery takes microseconds, a commit milliseconds) is inserted with its
 * final state, and its state change costs no statement of its own. Group messages are numbered and inserted by
 * {@link GroupMessageSql}, in segments bounded by group mark-reads in the same way.
 */
final class BatchCommitter {

    private static final String INSERT = "INSERT INTO ofImMessage (msgId, appKey, sender, receiver, userA, userB, sentAt,"
            + " msgType, body, ext, stanza, clientMsgId, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int MAX_CLIENT_ID = 128;
    /** A client's own message id names one of the conversation's newest this many messages (XEP-0333 markers). */
    static final int CLIENT_ID_LOOKBACK = 200;
    /**
     * How recent an archive id not in the database may be and still bound a mark-read while other nodes write: the
     * message may wait in its node's queue (its linger) when the receiver, on another node, has shown it already.
     */
    static final long UNCOMMITTED_MARK_MILLIS = 10_000;
    /** How far ahead of this node's clock such an id may be: the other nodes' clocks differ a little. */
    static final long MARK_CLOCK_SKEW_MILLIS = 2_000;

    private final ConversationSql conversations;
    private final GroupMessageSql groups = new GroupMessageSql(this::isRecentWhileOthersWrite);
    private final LateStates lateStates;
    private final CounterFold fold;
    private final boolean maintainConversations;
    private final int node;
    private final BooleanSupplier otherNodesWrite;

    /**
     * A committer for cluster node {@code node}; with {@code maintainConversations} false, messages are archived
     * without touching {@code ofImConversation} or {@code ofImUnreadFold}; while {@code otherNodesWrite} says no, inserts
     * do not look for late states (see {@link SqlArchive}).
     */
    BatchCommitter(DatabaseType type, boolean maintainConversations, int node, BooleanSupplier otherNodesWrite) {
        this.conversations = new ConversationSql(type);
        this.fold = new CounterFold(type);
        this.lateStates = new LateStates(type);
        this.maintainConversations = maintainConversations;
        this.node = node;
        this.otherNodesWrite = otherNodesWrite;
    }

    /** Applies {@code batch} on {@code con} (not committed); returns the results of its mark-reads in order. */
    List<Integer> apply(Connection con, List<WriteCommand> queued) throws SQLException {
        List<WriteCommand> batch = coalesceStates(queued);
        long foldedUpTo = maintainConversations ? foldedUpTo(con, batch) : Long.MIN_VALUE;
        List<Integer> readResults = new ArrayList<>();
        List<ArchivedMessage> segment = new ArrayList<>();
        List<GroupMessage> groupSegment = new ArrayList<>();
        List<WriteCommand.StateChange> states = new ArrayList<>();
        for (WriteCommand command : batch) {
            if (command instanceof WriteCommand.Append a) {
                segment.add(a.message());
            } else if (command instanceof WriteCommand.GroupAppend a) {
                groupSegment.add(a.message());
            } else if (command instanceof WriteCommand.StateChange s) {
                states.add(s);
            } else if (command instanceof WriteCommand.MarkRead r) {
                insert(con, segment, foldedUpTo);
                segment.clear();
                readResults.add(markRead(con, r.owner(), r.peer(), r.upTo()));
            } else if (command instanceof WriteCommand.GroupMarkRead r) {
                groups.insert(con, groupSegment);
                groupSegment.clear();
                readResults.add(groups.markRead(con, r.owner(), r.groupId(), r.upTo()));
            }
        }
        insert(con, segment, foldedUpTo);
        groups.insert(con, groupSegment);
        lateStates.apply(con, states, System.currentTimeMillis());
        return readResults;
    }

    /**
     * The batch with each state change folded into the append of the same message before it, when there is
     * one (the furthest state wins); the remaining state changes (of messages committed by an earlier batch, or
     * by another node) stay, in order.
     */
    static List<WriteCommand> coalesceStates(List<WriteCommand> batch) {
        Map<Long, Integer> appendAt = new HashMap<>(Math.max(16, batch.size() * 2));
        List<WriteCommand> result = new ArrayList<>(batch.size());
        for (WriteCommand command : batch) {
            Integer at = command instanceof WriteCommand.StateChange s ? appendAt.get(spread(s.msgId())) : null;
            if (at != null) {
                WriteCommand.StateChange s = (WriteCommand.StateChange) command;
                WriteCommand.Append queued = (WriteCommand.Append) result.get(at);
                if (queued.message().appKey().equals(s.appKey())) {
                    result.set(at, queued.withState(DeliveryState.furthest(queued.message().state(), s.state())));
                    continue;
                }
            }
            if (command instanceof WriteCommand.Append a) {
                appendAt.put(spread(a.message().msgId()), result.size());
            }
            result.add(command);
        }
        return result;
    }

    /**
     * {@code msgId} with its bits mixed (a bijection, so keys stay distinct): archive ids of one node differ mostly in
     * a few sequence and millisecond bits, which {@code Long.hashCode} leaves in few hash buckets.
     */
    private static long spread(long msgId) {
        return msgId * 0x9E3779B97F4A7C15L;
    }

    /**
     * Locks this node's writer row and returns {@code foldedUpTo}; when a message of the batch is in the range
     * a fold is counting, first waits for that fold to end.
     */
    private long foldedUpTo(Connection con, List<WriteCommand> batch) throws SQLException {
        CounterFold.Marks marks = fold.beginBatch(con, node, System.currentTimeMillis());
        for (WriteCommand command : batch) {
            if (command instanceof WriteCommand.Append a && a.message().msgId() > marks.folded()
                    && a.message().msgId() <= marks.claimed()) {
                return fold.lockFolded(con, System.currentTimeMillis()).folded();
            }
        }
        return marks.folded();
    }

    /**
     * Inserts {@code messages} with the late states another node recorded for them (while other nodes write); those with
     * an id up to {@code foldedUpTo} are counted at once.
     */
    private void insert(Connection con, List<ArchivedMessage> messages, long foldedUpTo) throws SQLException {
        if (messages.isEmpty()) {
            return;
        }
        // id order: a reader paging below an id must never find a later-committed message under it
        messages.sort(Comparator.comparingLong(ArchivedMessage::msgId));
        List<ArchivedMessage> folded = new ArrayList<>();
        try (PreparedStatement ps = con.prepareStatement(INSERT)) {
            for (ArchivedMessage m : messages) {
                bindInsert(ps, m);
                ps.addBatch();
                if (m.msgId() <= foldedUpTo) {
                    folded.add(m);
                }
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new SQLException("Cannot archive " + messages.size() + " messages (ids " + messages.get(0).msgId() + "-"
                    + messages.get(messages.size() - 1).msgId() + "): " + e.getMessage(), e.getSQLState(), e);
        }
        if (otherNodesWrite.getAsBoolean()) {
            lateStates.claim(con, messages);
        }
        if (!folded.isEmpty()) {
            fold.apply(con, folded);
        }
    }

    private static void bindInsert(PreparedStatement ps, ArchivedMessage m) throws SQLException {
        ps.setLong(1, m.msgId());
        ps.setString(2, m.appKey().toString());
        ps.setString(3, m.sender());
        ps.setString(4, m.receiver());
        ps.setString(5, MessageRows.userA(m.sender(), m.receiver()));
        ps.setString(6, MessageRows.userB(m.sender(), m.receiver()));
        ps.setLong(7, m.sentAt());
        ps.setString(8, m.type());
        ps.setString(9, m.body());
        Statements.setNullable(ps, 10, m.extJson());
        Statements.setNullable(ps, 11, m.stanzaXml());
        Statements.setNullable(ps, 12, m.clientMsgId());
        ps.setInt(13, m.state().code());
    }

    /**
     * Moves the read mark of the owner's conversation with {@code peer} forward (never back) to
     * {@code upTo} (null: the last message) and recounts the unread messages above it (the row holds those
     * folded); returns all unread messages left.
     */
    private int markRead(Connection con, AppUser owner, String peer, String upTo) throws SQLException {
        ConversationSql.Key key = ConversationSql.Key.of(owner.appKey().toString(), owner.username(), peer);
        long markId;
        if (upTo != null) {
            markId = resolveMark(con, key, peer, upTo);
            if (markId < 0) {
                return -1;
            }
        } else {
            long[] last = conversations.lastMessage(con, key, Long.MAX_VALUE);
            if (last == null) {
                return 0;
            }
            markId = last[0];
        }
        if (!maintainConversations) {
            return 0;
        }
        return fold.markRead(con, key, owner.username(), markId);
    }

    /**
     * The archive id {@code upTo} names in the conversation: an archive id of it, else the client id of one of the
     * peer's messages among the conversation's newest {@value #CLIENT_ID_LOOKBACK}; -1 if none. While other nodes
     * write, an archive id of the last {@value #UNCOMMITTED_MARK_MILLIS} ms that is in no table yet bounds the mark as
     * it is: its message may still wait in another node's queue, and is above no mark it moves to, so it is read when it
     * comes.
     */
    private long resolveMark(Connection con, ConversationSql.Key key, String peer, String upTo) throws SQLException {
        if (upTo.length() > MAX_CLIENT_ID) {
            return -1;
        }
        long archiveId = MessageIds.parse(upTo);
        if (archiveId >= 0) {
            try (PreparedStatement ps = con.prepareStatement("SELECT appKey, userA, userB FROM ofImMessage WHERE msgId = ?")) {
                ps.setLong(1, archiveId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        if (key.appKey().equals(rs.getString(1)) && key.userA().equals(rs.getString(2))
                                && key.userB().equals(rs.getString(3))) {
                            return archiveId;
                        }
                    } else if (isRecentWhileOthersWrite(archiveId)) {
                        return archiveId;
                    }
                }
            }
        }
        // The conversation's newest messages through its index, not an index of client ids: every insert would pay
        // for that index, and a displayed marker names a message just shown.
        try (PreparedStatement ps = con.prepareStatement("SELECT msgId, sender, clientMsgId FROM ofImMessage"
                + " WHERE appKey = ? AND userA = ? AND userB = ? ORDER BY msgId DESC")) {
            ps.setMaxRows(CLIENT_ID_LOOKBACK);
            ps.setString(1, key.appKey());
            ps.setString(2, key.userA());
            ps.setString(3, key.userB());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (peer.equals(rs.getString(2)) && upTo.equals(rs.getString(3))) {
                        return rs.getLong(1);
                    }
                }
                return -1;
            }
        }
    }

    /**
     * An archive id of the last {@value #UNCOMMITTED_MARK_MILLIS} ms, while other nodes write: one in no table may name a
     * message another node still holds ({@link #resolveMark}, {@link GroupMessageSql#NOT_COMMITTED}).
     */
    private boolean isRecentWhileOthersWrite(long archiveId) {
        long age = System.currentTimeMillis() - MessageIds.timestampOf(archiveId);
        return age <= UNCOMMITTED_MARK_MILLIS && age >= -MARK_CLOCK_SKEW_MILLIS && otherNodesWrite.getAsBoolean();
    }
}
