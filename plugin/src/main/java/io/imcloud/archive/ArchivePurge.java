package io.imcloud.archive;

import io.imcloud.groups.GroupMessagePurge;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.Transactions;
import io.imcloud.tenancy.AppData;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.unread.CounterFold;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Removes archived messages and conversation rows in bounded steps: a deleted app's ({@link #deleteAll}, 1:1 and group
 * messages), one deleted user's ({@link #deleteUser}, which {@link SqlArchive#deleteUser} calls after its writer committed
 * what was queued), or a deleted group's ({@link #deleteGroupMessages}). Messages go oldest first, {@value #BATCH} per statement, each statement its own transaction;
 * then the conversation rows go in one transaction under the fold lock ({@link CounterFold}), so that a fold that
 * read the last messages before they went cannot recreate a row afterwards. Two nodes purging the same messages at once
 * both go on until none is left, and the counts they return are the rows each one's DELETEs removed.
 */
public final class ArchivePurge implements AppData, GroupMessagePurge {

    private static final int BATCH = 1000;
    private static final String MESSAGES = "ofImMessage";
    private static final String GROUP_MESSAGES = "ofImGroupMessage";

    /** Sets the parameters of a statement's WHERE clause from the first; returns the index of the next one. */
    private interface Binder {
        int bind(PreparedStatement ps) throws SQLException;
    }

    private final ConnectionProvider db;
    private final int batchSize;

    /** Purges from the archive tables of {@code db}. */
    public ArchivePurge(ConnectionProvider db) {
        this(db, BATCH);
    }

    /** Purges with {@code batchSize} messages per statement (tests use small batches). */
    ArchivePurge(ConnectionProvider db, int batchSize) {
        this.db = db;
        this.batchSize = batchSize;
    }

    @Override
    public String kind() {
        return "messages";
    }

    @Override
    public long deleteAll(AppKey appKey) {
        String app = appKey.toString();
        Binder byApp = ps -> {
            ps.setString(1, app);
            return 2;
        };
        try (Connection con = db.getConnection()) {
            long deleted = deleteMessages(con, MESSAGES, "appKey = ?", byApp) + deleteMessages(con, GROUP_MESSAGES, "appKey = ?", byApp);
            deleteConversations(con, byApp, "appKey = ?");
            return deleted;
        } catch (SQLException e) {
            throw new ArchiveException("Purging the archive of deleted app " + app + " failed", e);
        }
    }

    /**
     * Deletes the messages of a deleted group, oldest first. A message of the group still queued finds no group row when
     * its batch commits, and is dropped there.
     */
    @Override
    public long deleteGroupMessages(AppKey appKey, long groupId) {
        try (Connection con = db.getConnection()) {
            return deleteMessages(con, GROUP_MESSAGES, "appKey = ? AND groupId = ?", ps -> {
                ps.setString(1, appKey.toString());
                ps.setLong(2, groupId);
                return 3;
            });
        } catch (SQLException e) {
            throw new ArchiveException("Purging the archive of deleted group " + groupId + " of " + appKey + " failed", e);
        }
    }

    /**
     * Deletes {@code user}'s messages with an id below {@code beforeId} (those they sent, then those they received),
     * then every conversation row the user is a side of: the user's own, and their peers' conversations with the
     * user, whose messages are gone as well. Returns how many messages went.
     */
    long deleteUser(AppUser user, long beforeId) {
        String app = user.appKey().toString();
        Binder byUser = ps -> {
            ps.setString(1, app);
            ps.setString(2, user.username());
            return 3;
        };
        Binder byUserBefore = ps -> {
            int next = byUser.bind(ps);
            ps.setLong(next, beforeId);
            return next + 1;
        };
        try (Connection con = db.getConnection()) {
            long deleted = deleteMessages(con, MESSAGES, "appKey = ? AND sender = ? AND msgId < ?", byUserBefore)
                    + deleteMessages(con, MESSAGES, "appKey = ? AND receiver = ? AND msgId < ?", byUserBefore);
            // two statements, not an OR: each side has its index
            deleteConversations(con, byUser, "appKey = ? AND userA = ?", "appKey = ? AND userB = ?");
            return deleted;
        } catch (SQLException e) {
            throw new ArchiveException("Purging the archive of deleted user " + user.node() + " failed", e);
        }
    }

    /**
     * Deletes the messages of {@code table} ({@code ofImMessage} or {@code ofImGroupMessage}) that {@code where} selects,
     * oldest first, {@link #batchSize} per statement; returns how many.
     */
    private long deleteMessages(Connection con, String table, String where, Binder bind) throws SQLException {
        long deleted = 0;
        int batch;
        while ((batch = deleteOldest(con, table, where, bind)) >= 0) {
            deleted += batch;
        }
        return deleted;
    }

    /**
     * Deletes up to {@link #batchSize} of the oldest messages of {@code table} that {@code where} selects; returns how
     * many it deleted (0 when another node deleted them first), or -1 when it found none.
     */
    private int deleteOldest(Connection con, String table, String where, Binder bind) throws SQLException {
        long lastId;
        try (PreparedStatement ps = con.prepareStatement("SELECT msgId FROM " + table + " WHERE " + where + " ORDER BY msgId"
                + db.databaseType().limit(batchSize))) {
            bind.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                lastId = Long.MIN_VALUE;
                while (rs.next()) {
                    lastId = rs.getLong(1);
                }
            }
        }
        if (lastId == Long.MIN_VALUE) {
            return -1;
        }
        try (PreparedStatement ps = con.prepareStatement("DELETE FROM " + table + " WHERE " + where + " AND msgId <= ?")) {
            ps.setLong(bind.bind(ps), lastId);
            return ps.executeUpdate();
        }
    }

    /** Deletes the conversation rows each of {@code wheres} selects, in one transaction holding the fold lock. */
    private void deleteConversations(Connection con, Binder bind, String... wheres) throws SQLException {
        Transactions.readCommitted(con, db.databaseType(), c -> {
            new CounterFold(db.databaseType()).lockFolded(c, System.currentTimeMillis());
            int deleted = 0;
            for (String where : wheres) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM ofImConversation WHERE " + where)) {
                    bind.bind(ps);
                    deleted += ps.executeUpdate();
                }
            }
            return deleted;
        });
    }
}
