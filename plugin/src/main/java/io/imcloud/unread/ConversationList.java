package io.imcloud.unread;

import io.imcloud.archive.ArchiveException;
import io.imcloud.archive.MessageRows;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppUser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's conversation list, newest first: one range of the {@code (appKey, owner, lastMsgId)} index
 * (named in full in the ORDER BY, so that HSQLDB walks it backwards) joined to the last message by primary
 * key. The cursor is the last message id of the page's last entry (unique per owner: a message belongs to
 * one conversation). A conversation that gets a new message while someone pages moves to the top: it is
 * never listed twice, and a pass already below it meets it again on its next first page.
 */
public final class ConversationList {

    /** Largest page. */
    public static final int MAX_LIMIT = 100;

    private final ConnectionProvider db;
    private final DatabaseType type;

    public ConversationList(ConnectionProvider db) {
        this.db = db;
        this.type = db.databaseType();
    }

    /**
     * Up to {@code limit} (1-{@value #MAX_LIMIT}) conversations of {@code owner} after {@code cursor}
     * (null for the first page).
     *
     * @throws IllegalArgumentException for a limit out of range or a cursor this class did not issue
     */
    public ConversationPage list(AppUser owner, String cursor, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT);
        }
        long before = parseCursor(cursor);
        String sql = "SELECT c.peer, c.unreadNum, c.lastTs, " + MessageRows.columns("m.")
                + " FROM ofImConversation c JOIN ofImMessage m ON m.msgId = c.lastMsgId"
                + " WHERE c.appKey = ? AND c.owner = ? AND c.lastMsgId < ?"
                + " ORDER BY c.appKey DESC, c.owner DESC, c.lastMsgId DESC" + type.limit(limit + 1);
        List<Conversation> page = new ArrayList<>();
        boolean more = false;
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, owner.appKey().toString());
            ps.setString(2, owner.username());
            ps.setLong(3, before);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (page.size() == limit) {
                        more = true;
                        break;
                    }
                    page.add(new Conversation(rs.getString(1), rs.getInt(2), rs.getLong(3), MessageRows.read(rs, 4)));
                }
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot list the conversations of " + owner, e);
        }
        String next = more ? Long.toString(page.get(page.size() - 1).lastMessage().msgId()) : null;
        return new ConversationPage(page, next);
    }

    private static long parseCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return Long.MAX_VALUE;
        }
        if (!cursor.matches("[0-9]{1,19}")) {
            throw new IllegalArgumentException("Illegal cursor");
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Illegal cursor", e);
        }
    }
}
