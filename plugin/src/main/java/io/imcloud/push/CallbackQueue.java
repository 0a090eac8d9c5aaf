package io.imcloud.push;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.Transactions;
import io.imcloud.tenancy.AppData;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.StoreException;
import io.imcloud.tenancy.UserData;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The persistent queue of offline-message callbacks, table {@code ofImPushQueue}, and each app's counts in
 * {@code ofImPushStats}. A row is one callback (one message stored offline for a user with a bound device), keyed by
 * the message's archive id, so a message is queued once however often it is reported. A sender {@linkplain #claim
 * claims} a due row with one conditional UPDATE that sets its lease (owner and time): of several cluster nodes, one
 * wins and the others see the lease and leave the row alone until it expires (a node that died while sending). A
 * delivered row is counted and kept a while (state {@value #DELIVERED}), so that a message stored offline once more is
 * not called back again; a failed one is rescheduled, and after the last attempt it stays as a dead letter (state
 * {@value #DEAD}) and is counted. {@link #prune} removes both kinds by age.
 */
public final class CallbackQueue implements UserData, AppData {

    /** State of a callback waiting for its next attempt. */
    static final int PENDING = 0;
    /** State of a callback given up after the most attempts. */
    static final int DEAD = 1;
    /** State of a delivered callback, kept to recognise its message if it is reported again. */
    static final int DELIVERED = 2;
    /** Longest stored error text. */
    static final int MAX_ERROR = 255;

    private final ConnectionProvider db;

    public CallbackQueue(ConnectionProvider db) {
        this.db = db;
    }

    /** A queued callback as a sender sees it. */
    public record Entry(long msgId, AppKey appKey, String username, int attempts, long created) {

        /** The callback's id: {@code {appkey}_{msgId}}, the same for every attempt (Easemob's {@code callId}). */
        public String callId() {
            return appKey + "_" + msgId;
        }
    }

    /** What {@link #enqueue} did: rows queued, callbacks refused (the app's queue full), and the app's pending rows then. */
    public record Enqueued(int queued, int dropped, long pending) {
    }

    /**
     * Queues a callback for each of {@code messages} (archive id to receiver's username, all of {@code app}) as far as
     * the app's pending callbacks stay within {@code maxPending}; the others are refused and counted as dropped. A
     * message queued before is skipped. (Nodes queueing for one app at the same moment may overrun the bound by what
     * each adds at once.)
     */
    public Enqueued enqueue(AppKey app, Map<Long, String> messages, int maxPending, long now) {
        if (messages.isEmpty()) {
            return new Enqueued(0, 0, 0);
        }
        try (Connection con = db.getConnection()) {
            ensureStats(con, app);
            long pending = pending(con, app);
            long room = Math.max(0, maxPending - pending);
            List<Map.Entry<Long, String>> accepted = new ArrayList<>();
            int refused = 0;
            for (Map.Entry<Long, String> m : messages.entrySet()) {
                if (accepted.size() < room) {
                    accepted.add(m);
                } else {
                    refused++;
                }
            }
            int queued = insert(con, app, accepted, now);
            if (refused > 0) {
                addCount(con, app, "dropped", refused);
            }
            return new Enqueued(queued, refused, pending + queued);
        } catch (SQLException e) {
            throw new StoreException("Queueing callbacks of app " + app, e);
        }
    }

    /** Inserts in one transaction; when one row is there already (queued twice), row by row, skipping those. */
    private int insert(Connection con, AppKey app, List<Map.Entry<Long, String>> rows, long now) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        String sql = "INSERT INTO ofImPushQueue (msgId, appKey, username, state, attempts, nextAttempt, leaseOwner,"
                + " leaseUntil, created, lastError) VALUES (?, ?, ?, " + PENDING + ", 0, ?, NULL, 0, ?, NULL)";
        try {
            Transactions.run(con, db.databaseType(), false, c -> {
                try (PreparedStatement ps = con.prepareStatement(sql)) {
                    for (Map.Entry<Long, String> row : rows) {
                        bindRow(ps, app, row, now);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
            return rows.size();
        } catch (SQLException e) {
            if (!StoreException.isDuplicateKey(e)) {
                throw e;
            }
        }
        int inserted = 0;
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            for (Map.Entry<Long, String> row : rows) {
                bindRow(ps, app, row, now);
                try {
                    ps.executeUpdate();
                    inserted++;
                } catch (SQLException e) {
                    if (!StoreException.isDuplicateKey(e)) {
                        throw e;
                    }
                }
            }
        }
        return inserted;
    }

    private static void bindRow(PreparedStatement ps, AppKey app, Map.Entry<Long, String> row, long now) throws SQLException {
        ps.setLong(1, row.getKey());
        ps.setString(2, app.toString());
        ps.setString(3, row.getValue());
        ps.setLong(4, now);
        ps.setLong(5, now);
    }

    /**
     * Up to {@code limit} pending callbacks due at {@code now} and claimed by nobody (or by a lease that ran out), the
     * longest due first, none of the apps in {@code excluded} (those this node sends as many of as it may at once).
     */
    public List<Entry> due(long now, int limit, Collection<AppKey> excluded) {
        StringBuilder sql = new StringBuilder("SELECT msgId, appKey, username, attempts, created FROM ofImPushQueue"
                + " WHERE state = " + PENDING + " AND nextAttempt <= ? AND leaseUntil <= ?");
        if (!excluded.isEmpty()) {
            sql.append(" AND appKey NOT IN (").append(String.join(", ", Collections.nCopies(excluded.size(), "?"))).append(')');
        }
        sql.append(" ORDER BY nextAttempt").append(db.databaseType().limit(limit));
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql.toString())) {
            ps.setLong(1, now);
            ps.setLong(2, now);
            int i = 3;
            for (AppKey app : excluded) {
                ps.setString(i++, app.toString());
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Entry> entries = new ArrayList<>();
                while (rs.next()) {
                    entries.add(new Entry(rs.getLong(1), AppKey.parse(rs.getString(2)), rs.getString(3), rs.getInt(4), rs.getLong(5)));
                }
                return entries;
            }
        } catch (SQLException e) {
            throw new StoreException("Reading due callbacks", e);
        }
    }

    /**
     * Claims a due callback for {@code owner} until {@code leaseUntil}: true when this call got it, false when it is no
     * longer pending, not due, or another sender holds it.
     */
    public boolean claim(Entry entry, String owner, long now, long leaseUntil) {
        return !claim(List.of(entry), owner, now, leaseUntil).isEmpty();
    }

    /**
     * Claims due callbacks for {@code owner} until {@code leaseUntil}, each with a conditional UPDATE of its row (found
     * by its key), all in one transaction; returns those this call got (not those no longer pending or due, or held by
     * another sender).
     */
    public List<Entry> claim(List<Entry> entries, String owner, long now, long leaseUntil) {
        if (entries.isEmpty()) {
            return List.of();
        }
        String sql = "UPDATE ofImPushQueue SET leaseOwner = ?, leaseUntil = ? WHERE msgId = ? AND state = " + PENDING
                + " AND nextAttempt <= ? AND leaseUntil <= ?";
        try (Connection con = db.getConnection()) {
            return Transactions.run(con, db.databaseType(), false, c -> {
                List<Entry> got = new ArrayList<>();
                try (PreparedStatement ps = con.prepareStatement(sql)) {
                    for (Entry e : entries) {
                        ps.setString(1, owner);
                        ps.setLong(2, leaseUntil);
                        ps.setLong(3, e.msgId());
                        ps.setLong(4, now);
                        ps.setLong(5, now);
                        if (ps.executeUpdate() == 1) {
                            got.add(e);
                        }
                    }
                }
                return got;
            });
        } catch (SQLException e) {
            throw new StoreException("Claiming " + entries.size() + " callbacks", e);
        }
    }

    /**
     * The receiver took the callback at {@code now}: the row is kept as delivered (until {@link #prune}) and the app's
     * delivered count rises (false: the lease was lost).
     */
    public boolean delivered(Entry entry, String owner, long now) {
        return delivered(List.of(entry), owner, now) == 1;
    }

    /** {@link #delivered(Entry, String, long)} of several callbacks in one transaction; how many were still held. */
    public int delivered(List<Entry> entries, String owner, long now) {
        String sql = "UPDATE ofImPushQueue SET state = " + DELIVERED + ", attempts = attempts + 1, nextAttempt = ?,"
                + " leaseOwner = NULL, leaseUntil = 0, lastError = NULL WHERE msgId = ? AND leaseOwner = ?";
        try (Connection con = db.getConnection()) {
            return Transactions.run(con, db.databaseType(), false, c -> {
                Map<AppKey, Integer> perApp = new HashMap<>();
                try (PreparedStatement ps = con.prepareStatement(sql)) {
                    for (Entry e : entries) {
                        ps.setLong(1, now);
                        ps.setLong(2, e.msgId());
                        ps.setString(3, owner);
                        if (ps.executeUpdate() == 1) {
                            perApp.merge(e.appKey(), 1, Integer::sum);
                        }
                    }
                }
                for (Map.Entry<AppKey, Integer> app : perApp.entrySet()) {
                    addCount(con, app.getKey(), "delivered", app.getValue());
                }
                return perApp.values().stream().mapToInt(Integer::intValue).sum();
            });
        } catch (SQLException e) {
            throw new StoreException("Recording " + entries.size() + " delivered callbacks", e);
        }
    }

    /** An attempt failed: {@code attempts} made so far, the next one not before {@code nextAttempt}. */
    public boolean retry(Entry entry, String owner, int attempts, long nextAttempt, String error) {
        String sql = "UPDATE ofImPushQueue SET attempts = ?, nextAttempt = ?, leaseOwner = NULL, leaseUntil = 0, lastError = ?"
                + " WHERE msgId = ? AND leaseOwner = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setInt(1, attempts);
            ps.setLong(2, nextAttempt);
            ps.setString(3, truncate(error));
            ps.setLong(4, entry.msgId());
            ps.setString(5, owner);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("Rescheduling callback " + entry.callId(), e);
        }
    }

    /** The last attempt failed: the row becomes a dead letter (dated {@code now}) and the app's dead count rises. */
    public boolean dead(Entry entry, String owner, int attempts, String error, long now) {
        String sql = "UPDATE ofImPushQueue SET state = " + DEAD + ", attempts = ?, nextAttempt = ?, leaseOwner = NULL,"
                + " leaseUntil = 0, lastError = ? WHERE msgId = ? AND leaseOwner = ?";
        try (Connection con = db.getConnection()) {
            return Transactions.run(con, db.databaseType(), false, c -> {
                try (PreparedStatement ps = con.prepareStatement(sql)) {
                    ps.setInt(1, attempts);
                    ps.setLong(2, now);
                    ps.setString(3, truncate(error));
                    ps.setLong(4, entry.msgId());
                    ps.setString(5, owner);
                    if (ps.executeUpdate() != 1) {
                        return false;
                    }
                }
                addCount(con, entry.appKey(), "dead", 1);
                return true;
            });
        } catch (SQLException e) {
            throw new StoreException("Recording dead callback " + entry.callId(), e);
        }
    }

    /** Nothing to send any more (the message, the devices or the app's callback are gone): the row goes, uncounted. */
    public boolean discard(Entry entry, String owner) {
        try (Connection con = db.getConnection()) {
            return deleteClaimed(con, entry, owner);
        } catch (SQLException e) {
            throw new StoreException("Discarding callback " + entry.callId(), e);
        }
    }

    /** Gives a claimed callback back, due again at {@code nextAttempt}, without counting an attempt. */
    public boolean defer(Entry entry, String owner, long nextAttempt) {
        String sql = "UPDATE ofImPushQueue SET nextAttempt = ?, leaseOwner = NULL, leaseUntil = 0 WHERE msgId = ? AND leaseOwner = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setLong(1, nextAttempt);
            ps.setLong(2, entry.msgId());
            ps.setString(3, owner);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("Deferring callback " + entry.callId(), e);
        }
    }

    /** Gives back every callback {@code owner} holds (a sender stopping), due at once for any node; how many. */
    public int release(String owner) {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "UPDATE ofImPushQueue SET leaseOwner = NULL, leaseUntil = 0 WHERE leaseOwner = ?")) {
            ps.setString(1, owner);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Releasing the callbacks of a stopping sender", e);
        }
    }

    /** Counts {@code count} callbacks of {@code app} refused before they reached the queue (this node's intake full). */
    public void addDropped(AppKey app, long count) {
        try (Connection con = db.getConnection()) {
            ensureStats(con, app);
            addCount(con, app, "dropped", count);
        } catch (SQLException e) {
            throw new StoreException("Counting dropped callbacks of app " + app, e);
        }
    }

    /** Deletes delivered callbacks delivered before {@code deliveredBefore} and dead letters dead before {@code deadBefore}. */
    public int prune(long deliveredBefore, long deadBefore) {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "DELETE FROM ofImPushQueue WHERE state = ? AND nextAttempt < ?")) {
            ps.setInt(1, DELIVERED);
            ps.setLong(2, deliveredBefore);
            int pruned = ps.executeUpdate();
            ps.setInt(1, DEAD);
            ps.setLong(2, deadBefore);
            return pruned + ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Pruning delivered and dead callbacks", e);
        }
    }

    /** Every app's callback health that has any (pending, delivered, dead, dropped). */
    public Map<AppKey, PushHealth> health() {
        Map<AppKey, PushHealth> health = new HashMap<>();
        try (Connection con = db.getConnection()) {
            try (PreparedStatement ps = con.prepareStatement("SELECT appKey, delivered, dead, dropped FROM ofImPushStats");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    health.put(AppKey.parse(rs.getString(1)), new PushHealth(0, rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            try (PreparedStatement ps = con.prepareStatement(
                    "SELECT appKey, COUNT(*) FROM ofImPushQueue WHERE state = " + PENDING + " GROUP BY appKey");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    PushHealth h = health.getOrDefault(AppKey.parse(rs.getString(1)), PushHealth.NONE);
                    health.put(AppKey.parse(rs.getString(1)), new PushHealth(rs.getLong(2), h.delivered(), h.dead(), h.dropped()));
                }
            }
            return health;
        } catch (SQLException e) {
            throw new StoreException("Reading callback health", e);
        }
    }

    /** One app's callback health. */
    public PushHealth health(AppKey app) {
        try (Connection con = db.getConnection()) {
            long pending = pending(con, app);
            try (PreparedStatement ps = con.prepareStatement("SELECT delivered, dead, dropped FROM ofImPushStats WHERE appKey = ?")) {
                ps.setString(1, app.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new PushHealth(pending, rs.getLong(1), rs.getLong(2), rs.getLong(3))
                            : new PushHealth(pending, 0, 0, 0);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("Reading the callback health of app " + app, e);
        }
    }

    /** The user's queued callbacks and dead letters go with the user. */
    @Override
    public long deleteUser(AppUser user) {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "DELETE FROM ofImPushQueue WHERE appKey = ? AND username = ?")) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Deleting the callbacks of " + user.node(), e);
        }
    }

    @Override
    public String kind() {
        return "push_callbacks";
    }

    @Override
    public long deleteAll(AppKey appKey) {
        try (Connection con = db.getConnection()) {
            long removed;
            try (PreparedStatement ps = con.prepareStatement("DELETE FROM ofImPushQueue WHERE appKey = ?")) {
                ps.setString(1, appKey.toString());
                removed = ps.executeUpdate();
            }
            try (PreparedStatement ps = con.prepareStatement("DELETE FROM ofImPushStats WHERE appKey = ?")) {
                ps.setString(1, appKey.toString());
                ps.executeUpdate();
            }
            return removed;
        } catch (SQLException e) {
            throw new StoreException("Deleting the callbacks of app " + appKey, e);
        }
    }

    private static long pending(Connection con, AppKey app) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(
                "SELECT COUNT(*) FROM ofImPushQueue WHERE appKey = ? AND state = " + PENDING)) {
            ps.setString(1, app.toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean deleteClaimed(Connection con, Entry entry, String owner) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("DELETE FROM ofImPushQueue WHERE msgId = ? AND leaseOwner = ?")) {
            ps.setLong(1, entry.msgId());
            ps.setString(2, owner);
            return ps.executeUpdate() == 1;
        }
    }

    /** The app's counts row, made once (outside any transaction: a lost insert race is no failure then). */
    private static void ensureStats(Connection con, AppKey app) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT 1 FROM ofImPushStats WHERE appKey = ?")) {
            ps.setString(1, app.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = con.prepareStatement(
                "INSERT INTO ofImPushStats (appKey, delivered, dead, dropped) VALUES (?, 0, 0, 0)")) {
            ps.setString(1, app.toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!StoreException.isDuplicateKey(e)) {
                throw e;
            }
        }
    }

    /** Adds to one of the app's counts ({@code column} is one of ours, never a caller's text). */
    private static void addCount(Connection con, AppKey app, String column, long count) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(
                "UPDATE ofImPushStats SET " + column + " = " + column + " + ? WHERE appKey = ?")) {
            ps.setLong(1, count);
            ps.setString(2, app.toString());
            ps.executeUpdate();
        }
    }

    private static String truncate(String error) {
        return error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
    }
}
