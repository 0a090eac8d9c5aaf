package io.imcloud.rest;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RateLimiter} as token buckets in this JVM's memory: what a single node would need, and the reference the
 * shared {@link SqlRateLimiter} is checked against ({@code RateLimiterTest}).
 */
final class MemoryRateLimiter implements RateLimiter {

    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    MemoryRateLimiter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public long tryAcquire(String key, int cost, double perSecond, int burst) {
        long now = clock.millis();
        return buckets.computeIfAbsent(key, k -> new Bucket(burst, now)).take(cost, now, perSecond, burst);
    }

    @Override
    public long waitMillis(String key, int cost, double perSecond, int burst) {
        Bucket bucket = buckets.get(key);
        return bucket == null ? 0 : bucket.waitMillis(cost, clock.millis(), perSecond, burst);
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.last = now;
        }

        synchronized long take(int cost, long now, double perSecond, int burst) {
            long wait = waitMillis(cost, now, perSecond, burst);
            if (wait == 0) {
                tokens -= cost;
            }
            return wait;
        }

        synchronized long waitMillis(int cost, long now, double perSecond, int burst) {
            if (now > last) {
                tokens += (now - last) * perSecond / 1000;
                last = now;
            }
            tokens = Math.min(tokens, burst);
            // a cost above the burst needs a full bucket, and takes it below zero
            int needed = Math.min(cost, burst);
            return tokens >= needed ? 0 : (long) Math.ceil((needed - tokens) * 1000 / perSecond);
        }
    }
}
