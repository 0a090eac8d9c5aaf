package io.imcloud.unread;

import io.imcloud.archive.ArchiveException;
import io.imcloud.archive.MessageRows;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppUser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
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

    private record Row(UnreadSummary.PeerUnread unread, long lastMsgId) {
    }

    public UnreadCounters(ConnectionProvider db) {
        this.db = db;
    }

    /**
     * The owner's unread total and per-conversation counts, most recently active conversation first. One
     * statement over the owner's two index ranges of {@code ofImConversation} (see {@link OwnerRows}), sorted here.
     */
    public UnreadSummary unread(AppUser owner) {
        String sql = OwnerRows.select(" AND unreadA > 0", " AND unreadB > 0");
        long total = 0;
        List<Row> rows = new ArrayList<>();
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            OwnerRows.bind(ps, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row row = new Row(new UnreadSummary.PeerUnread(rs.getString(1), rs.getInt(2)), rs.getLong(4));
                    total += row.unread().unreadNum();
                    rows.add(row);
                }
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read the unread counters of " + owner, e);
        }
        rows.sort(Comparator.comparingLong(Row::lastMsgId).reversed());
        return new UnreadSummary(total, rows.stream().limit(MAX_CONVERSATIONS).map(Row::unread).toList());
    }

    /** Unread messages from {@code peer} to the owner (0 when they never talked). */
    public int unread(AppUser owner, String peer) {
        String other = AppUser.normalize(peer);
        String userA = MessageRows.userA(owner.username(), other);
        String sql = "SELECT unreadA, unreadB FROM ofImConversation WHERE appKey = ? AND userA = ? AND userB = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, owner.appKey().toString());
            ps.setString(2, userA);
            ps.setString(3, MessageRows.userB(owner.username(), other));
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next() ? 0 : rs.getInt(owner.username().equals(userA) ? 1 : 2);
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read the unread counter of " + owner + " with " + peer, e);
        }
    }
}
