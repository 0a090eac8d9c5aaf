package io.imcloud.archive;

import io.imcloud.sql.Statements;
import io.imcloud.tenancy.AppUser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * The archive writer's statements on group messages, inside the writer's transaction. A batch of group messages costs,
 * per group, one update of the group's row (its sequence grows by the group's messages, its newest message is kept) and
 * one read of the sequence; per sender and group, one update of the sender's member row (their own messages above
 * their read mark); then one insert per message, as one JDBC batch. Nothing is written per member: a member's unread
 * count is {@code lastSeq - readSeq - ownAfterRead} of their row and the group's. Group rows are locked in key order,
 * then member rows, as group membership changes lock them.
 */
final class GroupMessageSql {

    private static final String INSERT = "INSERT INTO ofImGroupMessage (msgId, appKey, groupId, seq, sender, sentAt, msgType,"
            + " body, ext, stanza, clientMsgId) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String WHERE_GROUP = " WHERE appKey = ? AND groupId = ?";
    private static final String WHERE_MEMBER = WHERE_GROUP + " AND username = ?";
    /** A client's own message id names one of the group's newest this many messages (XEP-0333 markers). */
    private static final int CLIENT_ID_LOOKBACK = BatchCommitter.CLIENT_ID_LOOKBACK;
    private static final int MAX_CLIENT_ID = 128;
    private static final int GROUPS_PER_SELECT = 100;
    /**
     * What {@link #markRead} returns when {@code upTo} names a message another cluster node may still hold in its queue:
     * nothing changed, and the mark can only be placed once that node commits it (it has no number before).
     */
    static final int NOT_COMMITTED = -2;

    private final LongPredicate mayBeUncommitted;

    /**
     * The statements of a writer whose {@code mayBeUncommitted} tells whether an archive id in no table may name a message
     * another node has not committed yet.
     */
    GroupMessageSql(LongPredicate mayBeUncommitted) {
        this.mayBeUncommitted = mayBeUncommitted;
    }

    /** A group, ordered by app key then id: the order in which every writer locks group rows. */
    private record GroupKey(String appKey, long groupId) implements Comparable<GroupKey> {
        @Override
        public int compareTo(GroupKey o) {
            int c = appKey.compareTo(o.appKey);
            return c != 0 ? c : Long.compare(groupId, o.groupId);
        }
    }

    /** A member of a group, in locking order. */
    private record MemberKey(GroupKey group, String username) implements Comparable<MemberKey> {
        @Override
        public int compareTo(MemberKey o) {
            int c = group.compareTo(o.group);
            return c != 0 ? c : username.compareTo(o.username);
        }
    }

    /**
     * Numbers {@code messages} in their groups' sequences (in id order within a group) and inserts them; a message of a
     * group that no longer exists is dropped. Returns how many were inserted.
     */
    int insert(Connection con, List<GroupMessage> messages) throws SQLException {
        if (messages.isEmpty()) {
            return 0;
        }
        Map<GroupKey, List<GroupMessage>> byGroup = new TreeMap<>();
        for (GroupMessage m : messages) {
            byGroup.computeIfAbsent(new GroupKey(m.appKey().toString(), m.groupId()), k -> new ArrayList<>()).add(m);
        }
        byGroup.values().forEach(list -> list.sort(Comparator.comparingLong(GroupMessage::msgId)));
        advanceSequences(con, byGroup);
        Map<GroupKey, Long> lastSeqs = lastSeqs(con, byGroup.keySet());
        List<GroupMessage> kept = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        Map<MemberKey, Integer> own = new TreeMap<>();
        for (Map.Entry<GroupKey, List<GroupMessage>> e : byGroup.entrySet()) {
            Long last = lastSeqs.get(e.getKey());
            if (last == null) {
                continue; // the group was deleted while its messages waited in the queue
            }
            long seq = last - e.getValue().size();
            for (GroupMessage m : e.getValue()) {
                kept.add(m);
                seqs.add(++seq);
                own.merge(new MemberKey(e.getKey(), m.sender()), 1, Integer::sum);
            }
        }
        insertRows(con, kept, seqs);
        countOwn(con, own);
        return kept.size();
    }

    /** Moves each group's sequence on by its messages and keeps its newest message, one batch of updates in key order. */
    private static void advanceSequences(Connection con, Map<GroupKey, List<GroupMessage>> byGroup) throws SQLException {
        // lastTs is set before lastMsgId: MySQL and MariaDB evaluate assignments left to right, on values already assigned
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImGroup SET lastSeq = lastSeq + ?,"
                + " lastTs = CASE WHEN lastMsgId < ? THEN ? ELSE lastTs END,"
                + " lastMsgId = CASE WHEN lastMsgId < ? THEN ? ELSE lastMsgId END" + WHERE_GROUP)) {
            for (Map.Entry<GroupKey, List<GroupMessage>> e : byGroup.entrySet()) {
                GroupMessage newest = e.getValue().get(e.getValue().size() - 1);
                ps.setInt(1, e.getValue().size());
                ps.setLong(2, newest.msgId());
                ps.setLong(3, newest.sentAt());
                ps.setLong(4, newest.msgId());
                ps.setLong(5, newest.msgId());
                ps.setString(6, e.getKey().appKey());
                ps.setLong(7, e.getKey().groupId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * The sequences of {@code groups} (their rows are locked by this transaction), read {@value #GROUPS_PER_SELECT} groups
     * of an app per statement; a group that is gone has none.
     */
    private static Map<GroupKey, Long> lastSeqs(Connection con, Set<GroupKey> groups) throws SQLException {
        Map<String, List<Long>> byApp = new TreeMap<>();
        groups.forEach(g -> byApp.computeIfAbsent(g.appKey(), k -> new ArrayList<>()).add(g.groupId()));
        Map<GroupKey, Long> seqs = new HashMap<>();
        for (Map.Entry<String, List<Long>> app : byApp.entrySet()) {
            List<Long> ids = app.getValue();
            for (int start = 0; start < ids.size(); start += GROUPS_PER_SELECT) {
                List<Long> chunk = ids.subList(start, Math.min(ids.size(), start + GROUPS_PER_SELECT));
                try (PreparedStatement ps = con.prepareStatement("SELECT groupId, lastSeq FROM ofImGroup WHERE appKey = ? AND groupId IN ("
                        + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
                    ps.setString(1, app.getKey());
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setLong(2 + i, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            seqs.put(new GroupKey(app.getKey(), rs.getLong(1)), rs.getLong(2));
                        }
                    }
                }
            }
        }
        return seqs;
    }

    private static void insertRows(Connection con, List<GroupMessage> messages, List<Long> seqs) throws SQLException {
        if (messages.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = con.prepareStatement(INSERT)) {
            for (int i = 0; i < messages.size(); i++) {
                GroupMessage m = messages.get(i);
                ps.setLong(1, m.msgId());
                ps.setString(2, m.appKey().toString());
                ps.setLong(3, m.groupId());
                ps.setLong(4, seqs.get(i));
                ps.setString(5, m.sender());
                ps.setLong(6, m.sentAt());
                ps.setString(7, m.type());
                ps.setString(8, m.body());
                Statements.setNullable(ps, 9, m.extJson());
                Statements.setNullable(ps, 10, m.stanzaXml());
                Statements.setNullable(ps, 11, m.clientMsgId());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new SQLException("Cannot archive " + messages.size() + " group messages: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** Adds each sender's new messages to their own count (nothing for a sender who is no member). */
    private static void countOwn(Connection con, Map<MemberKey, Integer> own) throws SQLException {
        if (own.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImGroupMember SET ownAfterRead = ownAfterRead + ?" + WHERE_MEMBER)) {
            for (Map.Entry<MemberKey, Integer> e : own.entrySet()) {
                ps.setInt(1, e.getValue());
                ps.setString(2, e.getKey().group().appKey());
                ps.setLong(3, e.getKey().group().groupId());
                ps.setString(4, e.getKey().username());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Moves the read mark of member {@code owner} of the group forward (never back) to the message {@code upTo} names
     * (an archive id, or a client message id of another member among the group's newest messages; null: the newest
     * message), recounts the member's own messages above it, and returns the member's unread count left; -1 when the
     * owner is no member or {@code upTo} names no message of the group, {@link #NOT_COMMITTED} when it names one not
     * committed yet (nothing changes then).
     */
    int markRead(Connection con, AppUser owner, long groupId, String upTo) throws SQLException {
        String appKey = owner.appKey().toString();
        long readSeq;
        try (PreparedStatement lock = con.prepareStatement("UPDATE ofImGroupMember SET readSeq = readSeq" + WHERE_MEMBER);
             PreparedStatement read = con.prepareStatement("SELECT m.readSeq, g.lastSeq FROM ofImGroupMember m JOIN ofImGroup g"
                     + " ON g.appKey = m.appKey AND g.groupId = m.groupId WHERE m.appKey = ? AND m.groupId = ? AND m.username = ?")) {
            bindMember(lock, appKey, groupId, owner.username());
            if (lock.executeUpdate() == 0) {
                return -1;
            }
            bindMember(read, appKey, groupId, owner.username());
            long lastSeq;
            try (ResultSet rs = read.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                readSeq = rs.getLong(1);
                lastSeq = rs.getLong(2);
            }
            long target = upTo == null ? lastSeq : resolve(con, appKey, groupId, owner.username(), upTo);
            if (target < 0) {
                return (int) target;
            }
            long mark = Math.max(readSeq, target);
            int own = mark >= lastSeq ? 0 : ownAbove(con, appKey, groupId, owner.username(), mark);
            try (PreparedStatement ps = con.prepareStatement("UPDATE ofImGroupMember SET readSeq = ?, ownAfterRead = ?" + WHERE_MEMBER)) {
                ps.setLong(1, mark);
                ps.setInt(2, own);
                ps.setString(3, appKey);
                ps.setLong(4, groupId);
                ps.setString(5, owner.username());
                ps.executeUpdate();
            }
            return (int) (lastSeq - mark - own);
        }
    }

    /**
     * The sequence number of the message {@code upTo} names in the group; -1 when none, {@link #NOT_COMMITTED} for an
     * archive id in no table that another node may not have committed yet.
     */
    private long resolve(Connection con, String appKey, long groupId, String owner, String upTo) throws SQLException {
        if (upTo.length() > MAX_CLIENT_ID) {
            return -1;
        }
        long archiveId = MessageIds.parse(upTo);
        if (archiveId >= 0) {
            try (PreparedStatement ps = con.prepareStatement("SELECT appKey, groupId, seq FROM ofImGroupMessage WHERE msgId = ?")) {
                ps.setLong(1, archiveId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        if (appKey.equals(rs.getString(1)) && groupId == rs.getLong(2)) {
                            return rs.getLong(3);
                        }
                    } else if (mayBeUncommitted.test(archiveId)) {
                        return NOT_COMMITTED;
                    }
                }
            }
        }
        try (PreparedStatement ps = con.prepareStatement("SELECT seq, sender, clientMsgId FROM ofImGroupMessage" + WHERE_GROUP
                + " ORDER BY appKey DESC, groupId DESC, seq DESC")) {
            ps.setMaxRows(CLIENT_ID_LOOKBACK);
            ps.setString(1, appKey);
            ps.setLong(2, groupId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!owner.equals(rs.getString(2)) && upTo.equals(rs.getString(3))) {
                        return rs.getLong(1);
                    }
                }
                return -1;
            }
        }
    }

    /** The member's own messages in the group numbered above {@code seq}: one range of the sequence index. */
    private static int ownAbove(Connection con, String appKey, long groupId, String username, long seq) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImGroupMessage" + WHERE_GROUP
                + " AND seq > ? AND sender = ?")) {
            ps.setString(1, appKey);
            ps.setLong(2, groupId);
            ps.setLong(3, seq);
            ps.setString(4, username);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void bindMember(PreparedStatement ps, String appKey, long groupId, String username) throws SQLException {
        ps.setString(1, appKey);
        ps.setLong(2, groupId);
        ps.setString(3, username);
    }
}
