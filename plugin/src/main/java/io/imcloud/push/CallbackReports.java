package io.imcloud.push;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * Reads {@link CallbackReport}s for the console: an app's callback counts ({@link CallbackDispatcher#health(AppKey)}),
 * and from the queue ({@code ofImPushQueue}) its failures: how many wait for a retry, the one due first, and the dead
 * letter that gave up last. Only an app whose counts show waiting or dead callbacks costs more than the counts.
 */
public final class CallbackReports {

    private final ConnectionProvider db;
    private final Function<AppKey, PushHealth> health;

    /**
     * @param db     the database of the queue
     * @param health an app's callback counts (the dispatcher's, which adds the drops this node has not written yet)
     */
    public CallbackReports(ConnectionProvider db, Function<AppKey, PushHealth> health) {
        this.db = db;
        this.health = health;
    }

    /** The report of {@code app}'s callbacks. */
    public CallbackReport of(AppKey app) {
        PushHealth counts = health.apply(app);
        if (counts.pending() == 0 && counts.dead() == 0) {
            return new CallbackReport(counts, 0, null, null);
        }
        try (Connection con = db.getConnection()) {
            long retrying = 0;
            CallbackReport.Failure next = null;
            if (counts.pending() > 0) {
                try (PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImPushQueue WHERE appKey = ? AND state = "
                        + CallbackQueue.PENDING + " AND attempts > 0")) {
                    ps.setString(1, app.toString());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        retrying = rs.getLong(1);
                    }
                }
                next = retrying == 0 ? null : first(con, app, CallbackQueue.PENDING, " AND attempts > 0 ORDER BY nextAttempt");
            }
            CallbackReport.Failure dead = counts.dead() == 0 ? null
                    : first(con, app, CallbackQueue.DEAD, " ORDER BY nextAttempt DESC");
            return new CallbackReport(counts, retrying, next, dead);
        } catch (SQLException e) {
            throw new StoreException("Reading the callback failures of app " + app, e);
        }
    }

    /** The first row of {@code app} in {@code state}, with {@code conditionAndOrder} after it; null when none. */
    private CallbackReport.Failure first(Connection con, AppKey app, int state, String conditionAndOrder) throws SQLException {
        String sql = "SELECT nextAttempt, attempts, lastError FROM ofImPushQueue WHERE appKey = ? AND state = " + state
                + conditionAndOrder + db.databaseType().limit(1);
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, app.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new CallbackReport.Failure(rs.getLong(1), rs.getInt(2), rs.getString(3)) : null;
            }
        }
    }
}
