package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.sql.Transactions;
import io.imcloud.unread.ConversationSql;
import io.imcloud.unread.CounterFold;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Deletes archived messages older than their app's retention ({@code ofImApp.retentionDays}, 0 = keep
 * forever), in bounded batches of one transaction each, and keeps {@code ofImConversation} consistent in
 * the same transaction, holding the fold lock ({@link CounterFold}): every touched conversation gets its
 * folded unread counts recounted above its read marks and its last folded message looked up again (under
 * the row lock, like a mark-read), and a conversation with no message left is dropped from the list.
 * Deleting a message that is not folded yet needs nothing more: readers stop finding it. Group messages go the same
 * way, their members' read marks moved past what was deleted. Safe to run on every cluster node at once: nodes that
 * pick the same batch wait for each other's row locks, the counts are the rows each DELETE removed (so the nodes' sums
 * are exact), and a node whose batch another node deleted first leaves the rest of that app to it. The caller
 * schedules {@link #sweepOnce()}.
 */
public final class RetentionSweeper {

    private static final Logger Log = LoggerFactory.getLogger(RetentionSweeper.class);
    private static final long DAY_MILLIS = 86_400_000L;

    private final ConnectionProvider db;
    private final DatabaseType type;
    private final CounterFold fold;
    private final int batchSize;
    private final int maxBatches;
    private final LongSupplier clock;

    /**
     * @param batchSize  messages deleted per transaction (1-10,000)
     * @param maxBatches transactions per app and sweep, so that one sweep stays bounded (the next sweep goes on)
     * @param clock      epoch milliseconds
     */
    public RetentionSweeper(ConnectionProvider db, int batchSize, int maxBatches, LongSupplier clock) {
        if (batchSize < 1 || batchSize > 10_000 || maxBatches < 1) {
            throw new IllegalArgumentException("batchSize must be 1-10000 and maxBatches positive");
        }
        this.db = db;
        this.type = db.databaseType();
        this.fold = new CounterFold(type);
        this.batchSize = batchSize;
        this.maxBatches = maxBatches;
        this.clock = clock;
    }

    /** 1,000 messages per transaction, at most 100 transactions per app and sweep, system clock. */
    public RetentionSweeper(ConnectionProvider db) {
        this(db, 1000, 100, System::currentTimeMillis);
    }

    /** One pass over every app with a retention (1:1 and group messages); returns how many messages it deleted. */
    public int sweepOnce() {
        int deleted = 0;
        for (Map.Entry<String, Integer> app : appsWithRetention().entrySet()) {
            long cutoffId = MessageIds.firstIdAt(clock.getAsLong() - app.getValue() * DAY_MILLIS);
            for (boolean groupMessages : new boolean[] {false, true}) {
                for (int batch = 0; batch < maxBatches; batch++) {
                    int n = groupMessages ? deleteGroupBatch(app.getKey(), cutoffId) : deleteBatch(app.getKey(), cutoffId);
                    deleted += n;
                    if (n < batchSize) {
                        break;
                    }
                }
            }
        }
        if (deleted > 0) {
            Log.info("Retention sweep deleted {} archived messages", deleted);
        }
        return deleted;
    }

    private Map<String, Integer> appsWithRetention() {
        Map<String, Integer> apps = new LinkedHashMap<>();
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT org, app, retentionDays FROM ofImApp WHERE retentionDays > 0");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                apps.put(rs.getString(1) + '#' + rs.getString(2), rs.getInt(3));
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read the apps' retention", e);
        }
        return apps;
    }

    /** Deletes the app's oldest messages below {@code cutoffId} (at most one batch); returns how many. */
    private int deleteBatch(String appKey, long cutoffId) {
        try (Connection con = db.getConnection()) {
            return Transactions.readCommitted(con, type, c -> deleteBatch(c, appKey, cutoffId));
        } catch (SQLException e) {
            throw new ArchiveException("Retention sweep of " + appKey + " failed", e);
        }
    }

    /** Deletes the app's oldest group messages below {@code cutoffId} (at most one batch); returns how many. */
    private int deleteGroupBatch(String appKey, long cutoffId) {
        try (Connection con = db.getConnection()) {
            return Transactions.readCommitted(con, type, c -> deleteGroupBatch(c, appKey, cutoffId));
        } catch (SQLException e) {
            throw new ArchiveException("Retention sweep of the groups of " + appKey + " failed", e);
        }
    }

    /**
     * Deletes one batch of old group messages; each touched group's row is locked (as the writer locks it), and a member
     * whose read mark lay below the newest deleted message of the group has it moved there, with their own messages
     * above it recounted, so that no deleted message stays counted as unread.
     */
    private int deleteGroupBatch(Connection con, String appKey, long cutoffId) throws SQLException {
        Map<Long, Long> deletedUpToSeq = new TreeMap<>();
        long lastId = Long.MIN_VALUE;
        int rows = 0;
        try (PreparedStatement ps = con.prepareStatement("SELECT msgId, groupId, seq FROM ofImGroupMessage WHERE appKey = ?"
                + " AND msgId < ? ORDER BY msgId" + type.limit(batchSize))) {
            ps.setString(1, appKey);
            ps.setLong(2, cutoffId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    lastId = rs.getLong(1);
                    deletedUpToSeq.merge(rs.getLong(2), rs.getLong(3), Math::max);
                }
            }
        }
        if (rows == 0) {
            return 0;
        }
        for (long groupId : deletedUpToSeq.keySet()) {
            try (PreparedStatement ps = con.prepareStatement("UPDATE ofImGroup SET lastSeq = lastSeq WHERE appKey = ? AND groupId = ?")) {
                ps.setString(1, appKey);
                ps.setLong(2, groupId);
                ps.executeUpdate();
            }
        }
        int deleted;
        try (PreparedStatement ps = con.prepareStatement("DELETE FROM ofImGroupMessage WHERE appKey = ? AND msgId <= ?")) {
            ps.setString(1, appKey);
            ps.setLong(2, lastId);
            deleted = ps.executeUpdate();
        }
        if (deleted == 0) {
            return 0; // another node's sweep deleted them (and moved the marks) first
        }
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImGroupMember SET readSeq = ?, ownAfterRead = (SELECT COUNT(*)"
                + " FROM ofImGroupMessage x WHERE x.appKey = ofImGroupMember.appKey AND x.groupId = ofImGroupMember.groupId"
                + " AND x.seq > ? AND x.sender = ofImGroupMember.username) WHERE appKey = ? AND groupId = ? AND readSeq < ?")) {
            for (Map.Entry<Long, Long> group : deletedUpToSeq.entrySet()) {
                ps.setLong(1, group.getValue());
                ps.setLong(2, group.getValue());
                ps.setString(3, appKey);
                ps.setLong(4, group.getKey());
                ps.setLong(5, group.getValue());
                ps.executeUpdate();
            }
        }
        return deleted;
    }

    private int deleteBatch(Connection con, String appKey, long cutoffId) throws SQLException {
        TreeSet<ConversationSql.Key> touched = new TreeSet<>();
        long lastId = Long.MIN_VALUE;
        int rows = 0;
        try (PreparedStatement ps = con.prepareStatement("SELECT msgId, userA, userB FROM ofImMessage WHERE appKey = ?"
                + " AND msgId < ? ORDER BY msgId" + type.limit(batchSize))) {
            ps.setString(1, appKey);
            ps.setLong(2, cutoffId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    lastId = rs.getLong(1);
                    touched.add(new ConversationSql.Key(appKey, rs.getString(2), rs.getString(3)));
                }
            }
        }
        if (rows == 0) {
            return 0;
        }
        int deleted;
        try (PreparedStatement ps = con.prepareStatement("DELETE FROM ofImMessage WHERE appKey = ? AND msgId <= ?")) {
            ps.setString(1, appKey);
            ps.setLong(2, lastId);
            deleted = ps.executeUpdate();
        }
        if (deleted == 0) {
            return 0; // another node's sweep deleted them (and brought their conversations up to date) first
        }
        fold.afterDelete(con, touched, lastId, clock.getAsLong());
        return deleted;
    }
}
