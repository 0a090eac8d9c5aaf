package io.imcloud.unread;

import io.imcloud.archive.ArchiveException;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppUser;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;

/**
 * Unread counters as the REST API reads them: the owner's rows of {@code ofImConversation} plus the few
 * messages archived since the last fold ({@link OwnerConversations}), and the owner's groups
 * ({@link GroupConversations}), never a count over the archive. The counters rise with every archived message to
 * the owner (or to a group of theirs, by another member) and fall with {@code Archive.markRead} and
 * {@code GroupArchive.markGroupRead}.
 */
public final class UnreadCounters {

    /** Most conversations listed in an {@link UnreadSummary} (the total covers all of them). */
    public static final int MAX_CONVERSATIONS = 1000;

    private final ConnectionProvider db;

    public UnreadCounters(ConnectionProvider db) {
        this.db = db;
    }

    /** The owner's unread total and per-conversation counts (groups included), most recently active conversation first. */
    public UnreadSummary unread(AppUser owner) {
        List<OwnerConversations.Entry> entries;
        try (Connection con = db.getConnection()) {
            entries = OwnerConversations.all(con, owner);
            entries.addAll(GroupConversations.all(con, owner));
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read the unread counters of " + owner, e);
        }
        entries.removeIf(e -> e.unread <= 0);
        entries.sort(Comparator.comparingLong((OwnerConversations.Entry e) -> e.lastMsgId).reversed());
        long total = entries.stream().mapToLong(e -> e.unread).sum();
        return new UnreadSummary(total, entries.stream().limit(MAX_CONVERSATIONS)
                .map(e -> new UnreadSummary.PeerUnread(e.peer, e.chatType, e.unread)).toList());
    }

    /** Unread messages from {@code peer} to the owner (0 when they never talked). */
    public int unread(AppUser owner, String peer) {
        try (Connection con = db.getConnection()) {
            return OwnerConversations.unread(con, owner, AppUser.normalize(peer));
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read the unread counter of " + owner + " with " + peer, e);
        }
    }
}
