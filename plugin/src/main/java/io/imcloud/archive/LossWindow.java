package io.imcloud.archive;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The archive's loss window: how long a message waits between {@code append()} and the commit that makes
 * it durable (what a crash in between would lose). A log-linear histogram of microseconds, 16 sub-buckets
 * per power of two (about 6% resolution), recorded by the writer thread and readable from any thread.
 */
public final class LossWindow {

    private static final int SUB_BITS = 4;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;
    private final AtomicLongArray counts = new AtomicLongArray(64 * SUB_BUCKETS);

    /** Records one message that waited {@code nanos}. */
    void record(long nanos) {
        counts.incrementAndGet(bucketOf(Math.max(0, nanos / 1000)));
    }

    /** Messages recorded so far. */
    public long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The wait (microseconds, upper edge of its bucket) that {@code percent}% of the messages did not exceed; 0 when empty. */
    public long percentileMicros(double percent) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * percent / 100.0);
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return upperEdge(i);
            }
        }
        return upperEdge(counts.length() - 1);
    }

    /** Forgets everything recorded (e.g. after a benchmark's warm-up). */
    public void reset() {
        for (int i = 0; i < counts.length(); i++) {
            counts.set(i, 0);
        }
    }

    private static int bucketOf(long micros) {
        if (micros < SUB_BUCKETS) {
            return (int) micros;
        }
        int magnitude = 63 - Long.numberOfLeadingZeros(micros); // >= SUB_BITS
        int shift = magnitude - SUB_BITS;
        return (shift + 1) * SUB_BUCKETS + (int) ((micros >>> shift) - SUB_BUCKETS);
    }

    private static long upperEdge(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int shift = bucket / SUB_BUCKETS - 1;
        long sub = bucket % SUB_BUCKETS + SUB_BUCKETS;
        return ((sub + 1) << shift) - 1;
    }
}
