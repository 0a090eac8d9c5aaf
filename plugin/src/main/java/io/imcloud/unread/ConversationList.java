package io.imcloud.unread;

import io.imcloud.archive.ArchiveException;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.GroupMessage;
import io.imcloud.archive.GroupMessageRows;
import io.imcloud.archive.MessageRows;
import io.imcloud.sql.ConnectionProvider;
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
import java.util.function.ToLongFunction;

/**
 * A user's conversation list, newest first: the owner's conversations ({@link OwnerConversations}: rows of
 * {@code ofImConversation} plus the messages not folded yet) and groups ({@link GroupConversations}) below the
 * cursor, sorted by last message id here, then the page's last messages by primary key. No index covers
 * {@code lastMsgId}: the rows change with every fold, and an index on it would make each fold rewrite index
 * entries. The cost grows with the owner's conversation and group count. The cursor is the last message id of the
 * page's last entry (unique per owner: a message belongs to one conversation or group, and 1:1 and group messages
 * take their ids from one sequence). A conversation that gets a new message while someone
 * pages moves to the top: it is never listed twice, and a pass already below it meets it again on its next
 * first page.
 */
public final class ConversationList {

    /** Largest page. */
    public static final int MAX_LIMIT = 100;

    private final ConnectionProvider db;

    public ConversationList(ConnectionProvider db) {
        this.db = db;
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
        List<OwnerConversations.Entry> entries;
        Map<Long, ArchivedMessage> messages;
        Map<Long, GroupMessage> groupMessages;
        try (Connection con = db.getConnection()) {
            entries = OwnerConversations.all(con, owner);
            entries.addAll(GroupConversations.all(con, owner));
            entries.removeIf(e -> e.lastMsgId <= 0 || e.lastMsgId >= before);
            entries.sort(Comparator.comparingLong((OwnerConversations.Entry e) -> e.lastMsgId).reversed());
            List<OwnerConversations.Entry> shown = entries.subList(0, Math.min(limit, entries.size()));
            messages = lastMessages(con, shown.stream().filter(e -> e.chatType == ChatType.CHAT).toList());
            groupMessages = lastGroupMessages(con, shown.stream().filter(e -> e.chatType == ChatType.GROUPCHAT).toList());
        } catch (SQLException e) {
            throw new ArchiveException("Cannot list the conversations of " + owner, e);
        }
        List<Conversation> page = new ArrayList<>();
        for (OwnerConversations.Entry entry : entries.subList(0, Math.min(limit, entries.size()))) {
            // a last message is gone only if retention or a deletion removed it a moment ago
            if (entry.chatType == ChatType.CHAT) {
                ArchivedMessage last = messages.get(entry.lastMsgId);
                if (last != null) {
                    page.add(new Conversation(entry.peer, ChatType.CHAT, entry.unread, entry.lastTs, last, null));
                }
            } else {
                GroupMessage last = groupMessages.get(entry.lastMsgId);
                if (last != null) {
                    page.add(new Conversation(entry.peer, ChatType.GROUPCHAT, entry.unread, entry.lastTs, null, last));
                }
            }
        }
        String next = entries.size() > limit ? Long.toString(entries.get(limit - 1).lastMsgId) : null;
        return new ConversationPage(page, next);
    }

    /** The last messages of {@code rows} by primary key, in one statement. */
    private static Map<Long, ArchivedMessage> lastMessages(Connection con, List<OwnerConversations.Entry> rows) throws SQLException {
        return byId(con, "SELECT " + MessageRows.COLUMNS + " FROM ofImMessage", rows, rs -> MessageRows.read(rs, 1),
                ArchivedMessage::msgId);
    }

    /** The last messages of the groups of {@code rows} by primary key, in one statement. */
    private static Map<Long, GroupMessage> lastGroupMessages(Connection con, List<OwnerConversations.Entry> rows) throws SQLException {
        return byId(con, "SELECT " + GroupMessageRows.COLUMNS + " FROM ofImGroupMessage", rows, rs -> GroupMessageRows.read(rs, 1),
                GroupMessage::msgId);
    }

    /** The messages {@code select} reads whose ids are the last ids of {@code rows}, by id. */
    private static <M> Map<Long, M> byId(Connection con, String select, List<OwnerConversations.Entry> rows, RowReader<M> reader,
                                         ToLongFunction<M> idOf) throws SQLException {
        Map<Long, M> byId = new HashMap<>();
        if (rows.isEmpty()) {
            return byId;
        }
        String sql = select + " WHERE msgId IN (" + String.join(", ", Collections.nCopies(rows.size(), "?")) + ")";
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            for (int i = 0; i < rows.size(); i++) {
                ps.setLong(i + 1, rows.get(i).lastMsgId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    M m = reader.read(rs);
                    byId.put(idOf.applyAsLong(m), m);
                }
            }
        }
        return byId;
    }

    /** Reads one message from the current row. */
    private interface RowReader<M> {
        M read(ResultSet rs) throws SQLException;
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
