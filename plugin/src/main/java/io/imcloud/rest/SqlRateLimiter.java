package io.imcloud.rest;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link RateLimiter} in table {@code ofImRateLimit}, so that every cluster node draws on the same buckets. A bucket
 * is one number, its theoretical arrival time ({@code tat}, epoch microseconds: when it would be full again; the
 * generic cell rate algorithm, equivalent to a token bucket): taking {@code cost} tokens is allowed while
 * {@code tat <= now + (burst - cost) * interval} and moves it to {@code max(tat, now) + cost * interval}. That is one
 * conditional UPDATE, whose row count tells whether the tokens were taken; a refusal reads the row for the wait.
 * A missing row is a full bucket; rows of full buckets are deleted at most once a minute per node, after a request
 * made a new row (only new keys make the table grow). The nodes' clocks must agree to well within the intervals
 * (milliseconds for the fastest limits), as an Openfire cluster's do.
 */
public final class SqlRateLimiter implements RateLimiter {

    /** Longer keys (a username from a Basic header may be anything) are stored as their SHA-256. */
    static final int MAX_KEY_LENGTH = 160;

    private static final Logger Log = LoggerFactory.getLogger(SqlRateLimiter.class);
    private static final long PRUNE_INTERVAL_MICROS = 60_000_000L;
    /** Each failed attempt means another node's request changed the bucket first; this many are not expected. */
    private static final int MAX_ATTEMPTS = 10;

    private final ConnectionProvider db;
    private final Clock clock;
    private final AtomicLong nextPrune = new AtomicLong();

    /** Buckets in {@code db}, timed by {@code clock}. */
    public SqlRateLimiter(ConnectionProvider db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public long tryAcquire(String key, int cost, double perSecond, int burst) {
        String stored = storedKey(key);
        long now = micros(clock.instant());
        long interval = intervalMicros(perSecond);
        long latest = latest(now, cost, interval, burst);
        try (Connection con = db.getConnection()) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                if (take(con, stored, now, cost * interval, latest)) {
                    return 0;
                }
                Long tat = tat(con, stored);
                if (tat == null) {
                    if (insert(con, stored, now + cost * interval)) {
                        pruneNowAndThen(con, now);
                        return 0;
                    }
                } else if (tat > latest) {
                    return millisUp(tat - latest);
                }
                // another node made or refilled the bucket in between: ask again
            }
        } catch (SQLException e) {
            throw new StoreException("Taking " + cost + " from rate limit " + key, e);
        }
        Log.warn("Rate limit {} changed under {} attempts in a row; refusing this request", key, MAX_ATTEMPTS);
        return 1000;
    }

    @Override
    public long waitMillis(String key, int cost, double perSecond, int burst) {
        long now = micros(clock.instant());
        long latest = latest(now, cost, intervalMicros(perSecond), burst);
        try (Connection con = db.getConnection()) {
            Long tat = tat(con, storedKey(key));
            return tat == null || tat <= latest ? 0 : millisUp(tat - latest);
        } catch (SQLException e) {
            throw new StoreException("Reading rate limit " + key, e);
        }
    }

    /**
     * The latest theoretical arrival time at which {@code cost} tokens may be taken: a cost above the burst needs a full
     * bucket, and takes all of its cost (the bucket owes the rest), so that a large batch is charged in full.
     */
    private static long latest(long now, int cost, long interval, int burst) {
        return now + Math.max(0, burst - cost) * interval;
    }

    private static boolean take(Connection con, String key, long now, long increment, long latest) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImRateLimit SET tat = CASE WHEN tat > ? THEN tat ELSE ? END + ?"
                + " WHERE limitKey = ? AND tat <= ?")) {
            ps.setLong(1, now);
            ps.setLong(2, now);
            ps.setLong(3, increment);
            ps.setString(4, key);
            ps.setLong(5, latest);
            return ps.executeUpdate() == 1;
        }
    }

    private static Long tat(Connection con, String key) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT tat FROM ofImRateLimit WHERE limitKey = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Makes the bucket's row; false when another node made it first. */
    private static boolean insert(Connection con, String key, long tat) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImRateLimit (limitKey, tat) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setLong(2, tat);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (StoreException.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Prunes when this node has not for a minute; a failure is logged, the request goes on. */
    private void pruneNowAndThen(Connection con, long now) {
        long due = nextPrune.get();
        if (now < due || !nextPrune.compareAndSet(due, now + PRUNE_INTERVAL_MICROS)) {
            return;
        }
        try {
            int pruned = prune(con, now);
            Log.debug("Deleted {} full rate-limit buckets", pruned);
        } catch (SQLException e) {
            Log.warn("Could not delete full rate-limit buckets; trying again in a minute: {}", e.toString());
        }
    }

    private static int prune(Connection con, long now) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("DELETE FROM ofImRateLimit WHERE tat < ?")) {
            ps.setLong(1, now);
            return ps.executeUpdate();
        }
    }

    /** The key as stored: itself, or {@code sha256:} and its hex digest when longer than {@value #MAX_KEY_LENGTH}. */
    static String storedKey(String key) {
        if (key.length() <= MAX_KEY_LENGTH) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    private static long intervalMicros(double perSecond) {
        return Math.max(1, Math.round(1_000_000 / perSecond));
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    private static long millisUp(long micros) {
        return (micros + 999) / 1000;
    }
}
