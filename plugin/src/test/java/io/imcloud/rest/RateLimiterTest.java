package io.imcloud.rest;

import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarnessStack.MovableClock;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token buckets: burst, refill, per key, a cost above the burst charged in full; the database's buckets answer as the in-memory
 * ones do, and are one set of buckets for every cluster node.
 */
class RateLimiterTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void burstThenRateInMemory() {
        assertBurstThenRate(new MemoryRateLimiter(clock));
    }

    @AllDatabases
    void burstThenRateInTheDatabase(TestDatabase db) {
        assertBurstThenRate(new SqlRateLimiter(db, clock));
    }

    private void assertBurstThenRate(RateLimiter limiter) {
        assertEquals(0, limiter.tryAcquire("k", 3, 2, 4));
        assertEquals(0, limiter.tryAcquire("k", 1, 2, 4));
        assertEquals(1000, limiter.waitMillis("k", 2, 2, 4), "asking takes nothing");
        assertEquals(1000, limiter.tryAcquire("k", 2, 2, 4), "2 tokens at 2/s: one second");
        assertEquals(0, limiter.tryAcquire("other", 4, 2, 4), "buckets are per key");
        assertEquals(0, limiter.waitMillis("unknown", 4, 2, 4));
        clock.advance(Duration.ofMillis(500));
        assertEquals(0, limiter.tryAcquire("k", 1, 2, 4));
        assertEquals(500, limiter.tryAcquire("k", 1, 2, 4));
        clock.advance(Duration.ofSeconds(60));
        assertEquals(0, limiter.tryAcquire("k", 100, 2, 4), "a cost above the burst passes on a full bucket");
        assertEquals(48_500, limiter.tryAcquire("k", 1, 2, 4), "and is charged in full: 97 tokens owed at 2/s");
        assertEquals(0, limiter.tryAcquire("slow", 10, 10 / 900.0, 10), "10 per 15 minutes");
        assertEquals(90_000, limiter.tryAcquire("slow", 1, 10 / 900.0, 10));
    }

    /** What one node takes, another node cannot take again: the buckets are rows of the shared database. */
    @AllDatabases
    void twoNodesDrawOnOneBucket(TestDatabase db) {
        RateLimiter nodeA = new SqlRateLimiter(db, clock);
        RateLimiter nodeB = new SqlRateLimiter(db, clock);
        String key = "password:acme#chat_bob";
        for (int i = 0; i < 10; i++) {
            assertEquals(0, (i % 2 == 0 ? nodeA : nodeB).tryAcquire(key, 1, 10 / 60.0, 10));
        }
        assertEquals(6000, nodeA.tryAcquire(key, 1, 10 / 60.0, 10));
        assertEquals(6000, nodeB.tryAcquire(key, 1, 10 / 60.0, 10), "the burst was taken on both nodes together");
        assertEquals(6000, nodeB.waitMillis(key, 1, 10 / 60.0, 10));
    }

    /** Requests racing on two nodes for one bucket at one instant: exactly the burst is granted, each token once. */
    @AllDatabases
    void racingRequestsOnTwoNodesGetExactlyTheBurst(TestDatabase db) throws Exception {
        List<RateLimiter> nodes = List.of(new SqlRateLimiter(db, clock), new SqlRateLimiter(db, clock));
        int burst = 25;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                RateLimiter node = nodes.get(i % 2);
                Callable<Long> request = () -> node.tryAcquire("send:acme#chat", 1, 1, burst);
                answers.add(pool.submit(request));
            }
            int granted = 0;
            for (Future<Long> answer : answers) {
                long wait = answer.get();
                if (wait == 0) {
                    granted++;
                } else {
                    assertTrue(wait <= 1000, "a refusal waits for the next token: " + wait);
                }
            }
            assertEquals(burst, granted);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A key longer than the column is stored as its digest: still one bucket per key. */
    @AllDatabases
    void longKeysKeepTheirOwnBuckets(TestDatabase db) {
        RateLimiter limiter = new SqlRateLimiter(db, clock);
        String one = "admin-login-user:" + "a".repeat(300);
        String other = "admin-login-user:" + "a".repeat(299) + "b";
        assertEquals(0, limiter.tryAcquire(one, 1, 1, 1));
        assertEquals(0, limiter.tryAcquire(other, 1, 1, 1));
        assertEquals(1000, limiter.tryAcquire(one, 1, 1, 1));
        assertEquals(SqlRateLimiter.MAX_KEY_LENGTH, SqlRateLimiter.storedKey("x".repeat(SqlRateLimiter.MAX_KEY_LENGTH)).length());
        assertTrue(SqlRateLimiter.storedKey(one).startsWith("sha256:"));
    }

    /** Rows of full buckets go once a minute, when a new key makes a row; a bucket still filling stays. */
    @AllDatabases
    void fullBucketsAreDeletedWhenNewKeysArrive(TestDatabase db) throws Exception {
        RateLimiter limiter = new SqlRateLimiter(db, clock);
        limiter.tryAcquire("ip:192.0.2.1", 1, 1, 10);
        limiter.tryAcquire("slow", 1, 1 / 120.0, 1);
        clock.advance(Duration.ofSeconds(61));
        limiter.tryAcquire("ip:192.0.2.2", 1, 1, 10);
        assertEquals(2, db.count("ofImRateLimit"), "192.0.2.1's full bucket went; the slow one refills for another minute");
        assertEquals(59_000, limiter.waitMillis("slow", 1, 1 / 120.0, 1));
        limiter.tryAcquire("ip:192.0.2.3", 1, 1, 10);
        assertEquals(3, db.count("ofImRateLimit"), "not again within the minute");
    }

    @Test
    void ipv6AddressesShareTheirSlash64() {
        assertEquals(UserRoutes.addressKey("2001:db8:1:2:aaaa::1"), UserRoutes.addressKey("[2001:db8:1:2:bbbb::7]"));
        assertEquals("20010db800010002::/64", UserRoutes.addressKey("2001:db8:1:2::9"));
        assertEquals("192.0.2.7", UserRoutes.addressKey("192.0.2.7"));
        assertEquals("not-an-address:x", UserRoutes.addressKey("not-an-address:x"));
    }
}
