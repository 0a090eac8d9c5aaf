package io.imcloud.unread;

import io.imcloud.archive.ArchiveException;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppUser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Unread counters as the REST API reads them: one indexed lookup of {@code ofImConversation}, never a
 * count over the archive. The counters are maintained by the archive writer (they rise with every
 * archived message to the owner and fall with {@code Archive.markRead}).
 */
public final class UnreadCounters {

    /** Most conversations listed in an {@link UnreadSummary} (the total covers all of them). */
    public static final int MAX_CONVERSATIONS = 1000;

    private final ConnectionProvider db;

    public UnreadCounters(ConnectionProvider db) {
        this.db = db;
    }

    /** The owner's unread total and per-conversation counts, most recently active conversation first. */
    public UnreadSummary unread(AppUser owner) {
        String sql = "SELECT peer, unreadNum FROM ofImConversation WHERE appKey = ? AND owner = ? AND unreadNum > 0"
                + " ORDER BY appKey DESC, owner DESC, lastMsgId DESC";
        long total = 0;
        List<UnreadSummary.PeerUnread> list = new ArrayList<>();
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, owner.appKey().toString());
            ps.setString(2, owner.username());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int n = rs.getInt(2);
                    total += n;
                    if (list.size() < MAX_CONVERSATIONS) {
                        list.add(new UnreadSummary.PeerUnread(rs.getString(1), n));
                    }
                }
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read the unread counters of " + owner, e);
        }
        return new UnreadSummary(total, list);
    }

    /** Unread messages from {@code peer} to the owner (0 when they never talked). */
    public int unread(AppUser owner, String peer) {
        String sql = "SELECT unreadNum FROM ofImConversation WHERE appKey = ? AND owner = ? AND peer = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, owner.appKey().toString());
            ps.setString(2, owner.username());
            ps.setString(3, AppUser.normalize(peer));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read the unread counter of " + owner + " with " + peer, e);
        }
    }
}
