package io.imcloud.rest;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key (an app, a remote address). Rate and burst are passed on every call so that
 * a settings change applies at once. Buckets live in this node's memory: in a cluster each node
 * limits on its own, which still bounds a flood by the number of nodes.
 */
public final class RateLimiter {

    /** Beyond this many keys, idle (full) buckets are dropped; bounds memory under address floods. */
    static final int MAX_KEYS = 100_000;

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
            buckets.values().removeIf(b -> b.isFullAt(now, perSecond, burst));
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(burst, now)).take(Math.min(cost, burst), now, perSecond, burst);
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.last = now;
        }

        synchronized long take(int cost, long now, double perSecond, int burst) {
            refill(now, perSecond, burst);
            if (tokens >= cost) {
                tokens -= cost;
                return 0;
            }
            return (long) Math.ceil((cost - tokens) * 1000 / perSecond);
        }

        synchronized boolean isFullAt(long now, double perSecond, int burst) {
            refill(now, perSecond, burst);
            return tokens >= burst;
        }

        private void refill(long now, double perSecond, int burst) {
            if (now > last) {
                tokens = Math.min(burst, tokens + (now - last) * perSecond / 1000);
                last = now;
            }
            tokens = Math.min(tokens, burst);
        }
    }
}
