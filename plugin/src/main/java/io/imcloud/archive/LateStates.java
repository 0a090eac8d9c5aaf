package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.sql.Transactions;
import io.imcloud.tenancy.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Delivery states that cannot be lost whatever order cluster nodes commit in. States only move forward
 * ({@link DeliveryState}: pending, offline, delivered), so a change applied late or twice ends the same. A change
 * whose message is not in the database yet (its sender's node has not committed it: the receiver's node got the
 * stanza first) is kept in {@code ofImLateState}, one row per message holding the highest state reported; the
 * batch that inserts the message applies and deletes it, and {@link #reconcile} applies what both transactions missed
 * (each ran before the other committed) and drops rows whose message was never archived after {@link #MAX_AGE}.
 * Every step decides by the row counts the database returns, and is safe on any number of nodes at once.
 */
final class LateStates {

    /** How long a late state waits for its message before it is dropped. */
    static final Duration MAX_AGE = Duration.ofDays(1);

    private static final String RAISE = "UPDATE ofImMessage SET state = ? WHERE msgId = ? AND appKey = ? AND state < ?";
    private static final String RAISE_LATE = "UPDATE ofImLateState SET state = ? WHERE msgId = ? AND appKey = ? AND state < ?";
    private static final String DELETE_LATE = "DELETE FROM ofImLateState WHERE msgId = ? AND appKey = ? AND state <= ?";

    private final DatabaseType type;

    LateStates(DatabaseType type) {
        this.type = type;
    }

    /**
     * Moves each message of {@code changes} forward to its state (never back) in the caller's transaction; a change
     * whose message is not in the database is recorded as late, dated {@code now}.
     */
    void apply(Connection con, List<WriteCommand.StateChange> changes, long now) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        int[] counts;
        try (PreparedStatement ps = con.prepareStatement(RAISE)) {
            for (WriteCommand.StateChange s : changes) {
                bindRaise(ps, s.state().code(), s.msgId(), s.appKey().toString());
                ps.addBatch();
            }
            counts = ps.executeBatch();
        } catch (SQLException e) {
            throw new SQLException("Cannot change the delivery state of " + changes.size() + " messages: " + e.getMessage(),
                    e.getSQLState(), e);
        }
        for (int i = 0; i < changes.size(); i++) {
            // 0: the message is missing or already that far; anything but 1 (a driver's "no info"): look
            if (counts[i] != 1) {
                settle(con, changes.get(i), now);
            }
        }
    }

    /** A change the UPDATE did not report as applied: applied now if the message exists (its row never goes back), else late. */
    private void settle(Connection con, WriteCommand.StateChange s, long now) throws SQLException {
        String appKey = s.appKey().toString();
        if (messageExists(con, s.msgId(), appKey)) {
            raise(con, RAISE, s.state().code(), s.msgId(), appKey);
            return;
        }
        if (raise(con, RAISE_LATE, s.state().code(), s.msgId(), appKey) || lateExists(con, s.msgId(), appKey)) {
            return;
        }
        // Another node may insert the same late row at once: its duplicate key must not end this transaction.
        Savepoint beforeInsert = con.setSavepoint();
        try (PreparedStatement ps = con.prepareStatement(
                "INSERT INTO ofImLateState (msgId, appKey, state, createdAt) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, s.msgId());
            ps.setString(2, appKey);
            ps.setInt(3, s.state().code());
            ps.setLong(4, now);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!StoreException.isDuplicateKey(e)) {
                throw new SQLException("Cannot record the late delivery state of message " + s.msgId() + ": " + e.getMessage(),
                        e.getSQLState(), e);
            }
            con.rollback(beforeInsert);
            raise(con, RAISE_LATE, s.state().code(), s.msgId(), appKey);
        }
    }

    /**
     * After {@code inserted} went into {@code ofImMessage} in the caller's transaction: applies the late states recorded
     * for them and deletes those rows (a row raised meanwhile by another node stays for {@link #reconcile}).
     */
    void claim(Connection con, List<ArchivedMessage> inserted) throws SQLException {
        if (inserted.isEmpty()) {
            return;
        }
        long low = Long.MAX_VALUE;
        long high = Long.MIN_VALUE;
        for (ArchivedMessage m : inserted) {
            low = Math.min(low, m.msgId());
            high = Math.max(high, m.msgId());
        }
        List<Late> inRange = new ArrayList<>();
        try (PreparedStatement ps = con.prepareStatement(
                "SELECT msgId, appKey, state FROM ofImLateState WHERE msgId >= ? AND msgId <= ?")) {
            ps.setLong(1, low);
            ps.setLong(2, high);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inRange.add(new Late(rs.getLong(1), rs.getString(2), rs.getInt(3), 0, true));
                }
            }
        }
        if (inRange.isEmpty()) {
            return; // the common case: the table is normally empty
        }
        Set<String> keys = new HashSet<>();
        for (ArchivedMessage m : inserted) {
            keys.add(m.msgId() + "/" + m.appKey());
        }
        for (Late late : inRange) {
            if (keys.contains(late.msgId() + "/" + late.appKey())) {
                raise(con, RAISE, late.state(), late.msgId(), late.appKey());
                delete(con, late);
            }
        }
    }

    /**
     * One pass over the late states, at most {@code maxRows} of them, {@code batchSize} per transaction: those whose
     * message exists now are applied and deleted, those older than {@link #MAX_AGE} (at {@code now}) whose message does
     * not are dropped. Cheap when there are none: one indexed read.
     *
     * @throws ArchiveException when the database fails
     */
    Reconciled reconcile(ConnectionProvider db, long now, int batchSize, int maxRows) {
        Reconciled total = new Reconciled(0, 0);
        try (Connection con = db.getConnection()) {
            Late after = null;
            for (int seen = 0; seen < maxRows; ) {
                Late from = after;
                List<Late> page = Transactions.readCommitted(con, type, c -> page(c, from, batchSize));
                if (page.isEmpty()) {
                    break;
                }
                Reconciled done = Transactions.readCommitted(con, type, c -> settlePage(c, page, now));
                total = new Reconciled(total.applied() + done.applied(), total.dropped() + done.dropped());
                seen += page.size();
                after = page.get(page.size() - 1);
                if (page.size() < batchSize) {
                    break;
                }
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot apply the late delivery states", e);
        }
        return total;
    }

    private static Reconciled settlePage(Connection con, List<Late> page, long now) throws SQLException {
        int applied = 0;
        int dropped = 0;
        for (Late late : page) {
            if (late.messageExists()) {
                raise(con, RAISE, late.state(), late.msgId(), late.appKey());
                applied += delete(con, late);
            } else if (late.createdAt() < now - MAX_AGE.toMillis()) {
                dropped += delete(con, late);
            }
        }
        return new Reconciled(applied, dropped);
    }

    /** What one {@link #reconcile} pass did. */
    record Reconciled(int applied, int dropped) {
    }

    /**
     * Up to {@code limit} late states after {@code after} (null: from the first) in key order, each with whether its
     * message exists.
     */
    private List<Late> page(Connection con, Late after, int limit) throws SQLException {
        String sql = "SELECT l.msgId, l.appKey, l.state, l.createdAt, m.msgId FROM ofImLateState l LEFT JOIN ofImMessage m"
                + " ON m.msgId = l.msgId AND m.appKey = l.appKey"
                + (after == null ? "" : " WHERE l.msgId > ? OR (l.msgId = ? AND l.appKey > ?)")
                + " ORDER BY l.msgId, l.appKey" + type.limit(limit);
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            if (after != null) {
                ps.setLong(1, after.msgId());
                ps.setLong(2, after.msgId());
                ps.setString(3, after.appKey());
            }
            List<Late> page = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean messageExists = rs.getObject(5) != null;
                    page.add(new Late(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getLong(4), messageExists));
                }
            }
            return page;
        }
    }

    private static boolean raise(Connection con, String sql, int state, long msgId, String appKey) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            bindRaise(ps, state, msgId, appKey);
            return ps.executeUpdate() == 1;
        }
    }

    private static void bindRaise(PreparedStatement ps, int state, long msgId, String appKey) throws SQLException {
        ps.setInt(1, state);
        ps.setLong(2, msgId);
        ps.setString(3, appKey);
        ps.setInt(4, state);
    }

    /** Deletes the late row unless another node raised it past what was read; returns the rows deleted. */
    private static int delete(Connection con, Late late) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(DELETE_LATE)) {
            ps.setLong(1, late.msgId());
            ps.setString(2, late.appKey());
            ps.setInt(3, late.state());
            return ps.executeUpdate();
        }
    }

    private static boolean messageExists(Connection con, long msgId, String appKey) throws SQLException {
        return exists(con, "SELECT 1 FROM ofImMessage WHERE msgId = ? AND appKey = ?", msgId, appKey);
    }

    private static boolean lateExists(Connection con, long msgId, String appKey) throws SQLException {
        return exists(con, "SELECT 1 FROM ofImLateState WHERE msgId = ? AND appKey = ?", msgId, appKey);
    }

    private static boolean exists(Connection con, String sql, long msgId, String appKey) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setLong(1, msgId);
            ps.setString(2, appKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A late state as read, with whether its message exists ({@link #claim} reads only those whose message it inserted). */
    private record Late(long msgId, String appKey, int state, long createdAt, boolean messageExists) {
    }
}
