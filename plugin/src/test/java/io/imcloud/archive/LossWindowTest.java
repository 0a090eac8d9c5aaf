package io.imcloud.archive;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loss-window histogram reports percentiles within its bucket resolution. */
class LossWindowTest {

    @Test
    void percentilesFallInTheRightBuckets() {
        LossWindow w = new LossWindow();
        assertEquals(0, w.percentileMicros(50));
        for (int i = 1; i <= 1000; i++) {
            w.record(i * 1000L); // 1..1000 microseconds
        }
        assertEquals(1000, w.count());
        long p50 = w.percentileMicros(50);
        long p99 = w.percentileMicros(99);
        assertTrue(p50 >= 500 && p50 <= 500 * 1.07, "p50 " + p50);
        assertTrue(p99 >= 990 && p99 <= 990 * 1.07, "p99 " + p99);
        assertEquals(7, w.percentileMicros(0.7), "small values are exact");
        w.record(3_600_000_000_000L);
        assertTrue(w.percentileMicros(100) >= 3_600_000_000L, "an hour still lands in a bucket");
        w.reset();
        assertEquals(0, w.count());
    }
}
