package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppData;
import io.imcloud.tenancy.AppKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Removes a deleted app's archive: its messages, oldest first in transactions of a bounded size,
 * then its conversation rows (unread counters and the conversation list).
 */
public final class ArchivePurge implements AppData {

    private static final int BATCH = 1000;

    private final ConnectionProvider db;

    /** Purges from the archive tables of {@code db}. */
    public ArchivePurge(ConnectionProvider db) {
        this.db = db;
    }

    @Override
    public String kind() {
        return "messages";
    }

    @Override
    public long deleteAll(AppKey appKey) {
        String app = appKey.toString();
        try (Connection con = db.getConnection()) {
            long deleted = 0;
            int batch;
            while ((batch = deleteOldest(con, app)) > 0) {
                deleted += batch;
            }
            // under the fold lock: a fold that read the app's last messages before they went must not recreate rows after
            Transactions.readCommitted(con, db.databaseType(), c -> {
                new CounterFold(db.databaseType()).lockFolded(c, System.currentTimeMillis());
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM ofImConversation WHERE appKey = ?")) {
                    ps.setString(1, app);
                    return ps.executeUpdate();
                }
            });
            return deleted;
        } catch (SQLException e) {
            throw new ArchiveException("Purging the archive of deleted app " + app + " failed", e);
        }
    }

    /** Deletes up to {@value #BATCH} of the app's oldest messages; returns how many. */
    private int deleteOldest(Connection con, String app) throws SQLException {
        long lastId;
        try (PreparedStatement ps = con.prepareStatement("SELECT msgId FROM ofImMessage WHERE appKey = ? ORDER BY msgId"
                + db.databaseType().limit(BATCH))) {
            ps.setString(1, app);
            try (ResultSet rs = ps.executeQuery()) {
                lastId = Long.MIN_VALUE;
                while (rs.next()) {
                    lastId = rs.getLong(1);
                }
            }
        }
        if (lastId == Long.MIN_VALUE) {
            return 0;
        }
        try (PreparedStatement ps = con.prepareStatement("DELETE FROM ofImMessage WHERE appKey = ? AND msgId <= ?")) {
            ps.setString(1, app);
            ps.setLong(2, lastId);
            return ps.executeUpdate();
        }
    }
}
