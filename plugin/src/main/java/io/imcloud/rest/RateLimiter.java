package io.imcloud.rest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key (an app, a remote address). Rate and burst are passed on every call so that
 * a settings change applies at once. Buckets live in this node's memory: in a cluster each node
 * limits on its own, which still bounds a flood by the number of nodes.
 */
public final class RateLimiter {

    /** Beyond this many keys, idle (full) buckets are dropped, and all of them if that is not enough. */
    static final int MAX_KEYS = 100_000;

    private static final Logger Log = LoggerFactory.getLogger(RateLimiter.class);

    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(Clock clock) {
        this.clock = clock;
    }

    /**
     * Takes {@code cost} tokens (at most {@code burst}) from the bucket of {@code key}.
     *
     * @return 0 when taken; otherwise the milliseconds until they would be there (nothing is taken)
     */
    public long tryAcquire(String key, int cost, double perSecond, int burst) {
        long now = clock.millis();
        if (buckets.size() > MAX_KEYS) {
            evict(now);
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(burst, now)).take(Math.min(cost, burst), now, perSecond, burst);
    }

    /**
     * The milliseconds until the bucket of {@code key} holds {@code cost} tokens, 0 when it does now; takes nothing
     * (to refuse a request before it costs anything, and charge only a failure afterwards).
     */
    public long waitMillis(String key, int cost, double perSecond, int burst) {
        Bucket bucket = buckets.get(key);
        return bucket == null ? 0 : bucket.waitMillis(Math.min(cost, burst), clock.millis(), perSecond, burst);
    }

    /**
     * Bounds memory when keys flood in (say, many remote addresses): forgetting a full bucket
     * changes nothing; forgetting all is the lesser evil against unbounded growth.
     */
    private void evict(long now) {
        buckets.values().removeIf(b -> b.isFullAt(now));
        if (buckets.size() > MAX_KEYS) {
            Log.warn("More than {} busy rate-limit keys: forgetting all of them", MAX_KEYS);
            buckets.clear();
        }
    }

    private static final class Bucket {
        private double tokens;
        private long last;
        private double perSecond;
        private int burst;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.last = now;
            this.burst = burst;
        }

        synchronized long take(int cost, long now, double perSecond, int burst) {
            long wait = waitMillis(cost, now, perSecond, burst);
            if (wait == 0) {
                tokens -= cost;
            }
            return wait;
        }

        synchronized long waitMillis(int cost, long now, double perSecond, int burst) {
            this.perSecond = perSecond;
            this.burst = burst;
            refill(now);
            return tokens >= cost ? 0 : (long) Math.ceil((cost - tokens) * 1000 / perSecond);
        }

        /** True when the bucket, with the rate and burst it was last used with, has refilled completely. */
        synchronized boolean isFullAt(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            if (now > last) {
                tokens += (now - last) * perSecond / 1000;
                last = now;
            }
            tokens = Math.min(tokens, burst);
        }
    }
}
