package io.imcloud.unread;

import io.imcloud.archive.MessageRows;
import io.imcloud.tenancy.AppUser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One user's conversations as the readers see them: the user's side of {@code ofImConversation} (counters
 * and last message of the messages folded so far) plus the archive's "tail", the user's messages above
 * {@code foldedUpTo} (see the archive's counter fold), read in two statements:
 * <ol>
 * <li>the rows where the user is A (a range of the primary key) and B (a range of
 * {@code ofImConversation_userB_idx}) and {@code foldedUpTo}, in one statement, so that they agree;</li>
 * <li>the messages to and from the user above it: one short range each of {@code ofImMessage_rcv_idx} and
 * {@code ofImMessage_snd_idx} (as long as the fold interval and lag, some seconds of the user's traffic).</li>
 * </ol>
 * A tail message to the user counts as unread above the row's read mark, and any tail message is the
 * conversation's newest. A note to self comes from the first range of each statement only, and never counts.
 */
final class OwnerConversations {

    /** One conversation of the owner, rows and tail added up; for a group, the peer is the group id. */
    static final class Entry {
        final String peer;
        final ChatType chatType;
        int unread;
        long readUpTo;
        long lastMsgId;
        long lastTs;

        Entry(String peer, ChatType chatType) {
            this.peer = peer;
            this.chatType = chatType;
        }
    }

    private static final String ROWS = "SELECT userB, unreadA, readUpToA, lastMsgId, lastTs FROM ofImConversation"
            + " WHERE appKey = ? AND userA = ?"
            + " UNION ALL SELECT userA, unreadB, readUpToB, lastMsgId, lastTs FROM ofImConversation"
            + " WHERE appKey = ? AND userB = ? AND userA <> userB"
            // no CAST: MySQL casts to no VARCHAR; an empty peer (Oracle reads it as null) names no user
            + " UNION ALL SELECT '', 0, 0, upTo, 0 FROM ofImUnreadFold WHERE node = -1";
    private static final String TAIL = "SELECT msgId, sender, receiver, sentAt FROM ofImMessage"
            + " WHERE appKey = ? AND receiver = ? AND msgId > ?"
            + " UNION ALL SELECT msgId, sender, receiver, sentAt FROM ofImMessage"
            + " WHERE appKey = ? AND sender = ? AND receiver <> sender AND msgId > ?";
    private static final String PAIR = "SELECT c.unreadA, c.unreadB, c.readUpToA, c.readUpToB, f.upTo"
            + " FROM ofImUnreadFold f LEFT JOIN ofImConversation c ON c.appKey = ? AND c.userA = ? AND c.userB = ?"
            + " WHERE f.node = -1";
    private static final String PAIR_TAIL = "SELECT COUNT(*) FROM ofImMessage WHERE appKey = ? AND userA = ? AND userB = ?"
            + " AND receiver = ? AND msgId > ?";

    private static final String NO_FOLD_ROW = "ofImUnreadFold has no row -1 (foldedUpTo): the imcloud schema is incomplete";

    private OwnerConversations() {
    }

    /** Every conversation of {@code owner}, in no particular order. */
    static List<Entry> all(Connection con, AppUser owner) throws SQLException {
        Map<String, Entry> byPeer = new HashMap<>();
        long foldedUpTo = -1;
        try (PreparedStatement ps = con.prepareStatement(ROWS)) {
            bindTwice(ps, owner, null);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String peer = rs.getString(1);
                    if (peer == null || peer.isEmpty()) { // the row of foldedUpTo (no username is empty)
                        foldedUpTo = rs.getLong(4);
                        continue;
                    }
                    Entry e = new Entry(peer, ChatType.CHAT);
                    e.unread = rs.getInt(2);
                    e.readUpTo = rs.getLong(3);
                    e.lastMsgId = rs.getLong(4);
                    e.lastTs = rs.getLong(5);
                    byPeer.put(peer, e);
                }
            }
        }
        if (foldedUpTo < 0) {
            throw new SQLException(NO_FOLD_ROW);
        }
        try (PreparedStatement ps = con.prepareStatement(TAIL)) {
            bindTwice(ps, owner, foldedUpTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long msgId = rs.getLong(1);
                    String sender = rs.getString(2);
                    String receiver = rs.getString(3);
                    boolean toOwner = receiver.equals(owner.username());
                    Entry e = byPeer.computeIfAbsent(toOwner ? sender : receiver, p -> new Entry(p, ChatType.CHAT));
                    if (toOwner && !sender.equals(receiver) && msgId > e.readUpTo) {
                        e.unread++;
                    }
                    if (msgId > e.lastMsgId) {
                        e.lastMsgId = msgId;
                        e.lastTs = rs.getLong(4);
                    }
                }
            }
        }
        return new ArrayList<>(byPeer.values());
    }

    /** Unread messages from {@code peer} (normalized) to {@code owner}: the row's count plus the pair's tail. */
    static int unread(Connection con, AppUser owner, String peer) throws SQLException {
        if (peer.equals(owner.username())) {
            return 0;
        }
        String userA = MessageRows.userA(owner.username(), peer);
        String userB = MessageRows.userB(owner.username(), peer);
        boolean ownerIsA = owner.username().equals(userA);
        int unread;
        long above;
        try (PreparedStatement ps = con.prepareStatement(PAIR)) {
            ps.setString(1, owner.appKey().toString());
            ps.setString(2, userA);
            ps.setString(3, userB);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException(NO_FOLD_ROW);
                }
                unread = rs.getInt(ownerIsA ? 1 : 2);
                above = Math.max(rs.getLong(5), rs.getLong(ownerIsA ? 3 : 4));
            }
        }
        try (PreparedStatement ps = con.prepareStatement(PAIR_TAIL)) {
            ps.setString(1, owner.appKey().toString());
            ps.setString(2, userA);
            ps.setString(3, userB);
            ps.setString(4, owner.username());
            ps.setLong(5, above);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return unread + rs.getInt(1);
            }
        }
    }

    private static void bindTwice(PreparedStatement ps, AppUser owner, Long above) throws SQLException {
        int i = 1;
        for (int range = 0; range < 2; range++) {
            ps.setString(i++, owner.appKey().toString());
            ps.setString(i++, owner.username());
            if (above != null) {
                ps.setLong(i++, above);
            }
        }
    }
}
