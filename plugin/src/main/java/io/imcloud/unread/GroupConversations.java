package io.imcloud.unread;

import io.imcloud.tenancy.AppUser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One user's group conversations as the readers see them: one statement over the user's member rows
 * ({@code ofImGroupMember_user_idx}) joined to their groups, each unread count computed from two rows as
 * {@code lastSeq - readSeq - ownAfterRead}, never counted over the archive. A group's counter covers the messages
 * committed so far; a message still in the writer's queue counts from its commit on.
 */
final class GroupConversations {

    private static final String ROWS = "SELECT m.groupId, g.lastSeq - m.readSeq - m.ownAfterRead, g.lastMsgId, g.lastTs"
            + " FROM ofImGroupMember m JOIN ofImGroup g ON g.appKey = m.appKey AND g.groupId = m.groupId"
            + " WHERE m.appKey = ? AND m.username = ?";

    private GroupConversations() {
    }

    /** Every group of {@code owner}, in no particular order; the peer of an entry is the group id. */
    static List<OwnerConversations.Entry> all(Connection con, AppUser owner) throws SQLException {
        List<OwnerConversations.Entry> entries = new ArrayList<>();
        try (PreparedStatement ps = con.prepareStatement(ROWS)) {
            ps.setString(1, owner.appKey().toString());
            ps.setString(2, owner.username());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OwnerConversations.Entry e = new OwnerConversations.Entry(Long.toString(rs.getLong(1)), ChatType.GROUPCHAT);
                    e.unread = Math.max(0, rs.getInt(2));
                    e.lastMsgId = rs.getLong(3);
                    e.lastTs = rs.getLong(4);
                    entries.add(e);
                }
            }
        }
        return entries;
    }
}
