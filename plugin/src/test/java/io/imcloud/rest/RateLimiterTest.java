package io.imcloud.rest;

import io.imcloud.testsupport.RestHarnessStack.MovableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Token buckets: burst, refill, per key, cost capped at the burst. */
class RateLimiterTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RateLimiter limiter = new RateLimiter(clock);

    @Test
    void burstThenRate() {
        assertEquals(0, limiter.tryAcquire("k", 3, 2, 4));
        assertEquals(0, limiter.tryAcquire("k", 1, 2, 4));
        assertEquals(1000, limiter.tryAcquire("k", 2, 2, 4), "2 tokens at 2/s: one second");
        assertEquals(0, limiter.tryAcquire("other", 4, 2, 4), "buckets are per key");
        clock.advance(Duration.ofMillis(500));
        assertEquals(0, limiter.tryAcquire("k", 1, 2, 4));
        assertEquals(500, limiter.tryAcquire("k", 1, 2, 4));
        clock.advance(Duration.ofSeconds(60));
        assertEquals(0, limiter.tryAcquire("k", 100, 2, 4), "cost above the burst takes the whole burst");
        assertEquals(500, limiter.tryAcquire("k", 1, 2, 4));
    }

    @Test
    void ipv6AddressesShareTheirSlash64() {
        assertEquals(UserRoutes.addressKey("2001:db8:1:2:aaaa::1"), UserRoutes.addressKey("[2001:db8:1:2:bbbb::7]"));
        assertEquals("20010db800010002::/64", UserRoutes.addressKey("2001:db8:1:2::9"));
        assertEquals("192.0.2.7", UserRoutes.addressKey("192.0.2.7"));
        assertEquals("not-an-address:x", UserRoutes.addressKey("not-an-address:x"));
    }

    /** A flood of distinct keys cannot grow the map without bound. */
    @Test
    void floodOfKeysIsBounded() {
        for (int i = 0; i < RateLimiter.MAX_KEYS; i++) {
            limiter.tryAcquire("ip:" + i, 1, 1, 1);
        }
        assertEquals(1000, limiter.tryAcquire("ip:0", 1, 1, 1), "still remembered while within the bound");
        limiter.tryAcquire("ip:new", 1, 1, 1);
        assertEquals(0, limiter.tryAcquire("ip:0", 1, 1, 1), "busy buckets beyond the bound are forgotten");
    }
}
