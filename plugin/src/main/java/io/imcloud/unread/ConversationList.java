package io.imcloud.unread;

import io.imcloud.archive.ArchiveException;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.MessageRows;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppUser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's conversation list, newest first: the owner's two ranges of {@code ofImConversation} (see
 * {@link OwnerRows}) below the cursor, sorted by last message id by the database (a top-N sort of the
 * owner's rows: no index covers {@code lastMsgId}, because an index on a column every archived message
 * updates would make each counter update rewrite index entries, see the archive's counter maintenance),
 * then the page's last messages by primary key (two short statements: HSQLDB sorts a join instead of
 * walking the index). The cost grows with the owner's conversation count (about 1 ms per thousand rows on
 * PostgreSQL). The cursor is the last message id of the page's last entry (unique per owner: a message
 * belongs to one conversation). A conversation that gets a new message while someone pages moves to the
 * top: it is never listed twice, and a pass already below it meets it again on its next first page.
 */
public final class ConversationList {

    /** One {@code ofImConversation} row of the page. */
    private record Row(String peer, int unreadNum, long lastTs, long lastMsgId) {
    }

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
        String rowsSql = OwnerRows.select(" AND lastMsgId < ?", " AND lastMsgId < ?") + " ORDER BY lastMsgId DESC"
                + type.limit(limit + 1);
        List<Row> rows = new ArrayList<>();
        Map<Long, ArchivedMessage> messages;
        try (Connection con = db.getConnection()) {
            try (PreparedStatement ps = con.prepareStatement(rowsSql)) {
                OwnerRows.bind(ps, owner, before);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
            messages = lastMessages(con, rows.subList(0, Math.min(limit, rows.size())));
        } catch (SQLException e) {
            throw new ArchiveException("Cannot list the conversations of " + owner, e);
        }
        List<Conversation> page = new ArrayList<>();
        for (Row row : rows.subList(0, Math.min(limit, rows.size()))) {
            ArchivedMessage last = messages.get(row.lastMsgId());
            if (last != null) { // gone only if retention deleted it a moment ago: the row goes with it
                page.add(new Conversation(row.peer(), row.unreadNum(), row.lastTs(), last));
            }
        }
        String next = rows.size() > limit ? Long.toString(rows.get(limit - 1).lastMsgId()) : null;
        return new ConversationPage(page, next);
    }

    /** The last messages of {@code rows} by primary key, in one statement. */
    private static Map<Long, ArchivedMessage> lastMessages(Connection con, List<Row> rows) throws SQLException {
        Map<Long, ArchivedMessage> byId = new HashMap<>();
        if (rows.isEmpty()) {
            return byId;
        }
        String sql = "SELECT " + MessageRows.COLUMNS + " FROM ofImMessage WHERE msgId IN ("
                + String.join(", ", Collections.nCopies(rows.size(), "?")) + ")";
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            for (int i = 0; i < rows.size(); i++) {
                ps.setLong(i + 1, rows.get(i).lastMsgId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ArchivedMessage m = MessageRows.read(rs, 1);
                    byId.put(m.msgId(), m);
                }
            }
        }
        return byId;
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
