package io.imcloud.archive;

import java.time.Duration;

/**
 * Tuning of the archive writer.
 *
 * @param queueCapacity commands that may wait for the database (1-{@value #MAX_QUEUE_CAPACITY}); when full,
 *                      {@code append} refuses
 * @param queueMaxBytes memory the queued messages may hold ({@value #MIN_QUEUE_BYTES}-{@value #MAX_QUEUE_BYTES}
 *                      bytes, estimated: two bytes a character of their texts plus a fixed overhead); when
 *                      reached, {@code append} refuses as when the queue is full
 * @param queueWait     how long {@code append} waits for room in a full queue while the database takes the writer's
 *                      batches (0-{@value #MAX_QUEUE_WAIT_MILLIS} ms): a burst faster than the database then slows its
 *                      senders instead of bouncing their messages; while the database is down it refuses at once
 * @param batchSize     most commands committed in one transaction (1-{@value #MAX_BATCH_SIZE})
 * @param batchLinger   longest the writer, woken by a command while few wait ({@code ArchiveWriter}), lets more
 *                      arrive before it writes them (0-{@value #MAX_BATCH_LINGER_MILLIS} ms): one transaction and one
 *                      wake-up for them all, and more delivery states written with their messages' inserts; a commit
 *                      comes up to that much later, unless a read or a mark-read waits for it
 * @param maxBackoff    longest pause between retries while the database is down
 * @param closeWait     how long {@code close()} waits for the queue to drain
 * @param conversations true to maintain {@code ofImConversation} (unread counters, conversation list); false
 *                      for an archive-only deployment that uses neither
 * @param foldInterval  how often the maintenance thread folds archived messages into the counters (and applies late
 *                      delivery states); the readers add up the messages not folded yet, so this bounds their
 *                      work, not the counters' accuracy
 * @param foldLag       how old a message is before a fold counts it: longer than a message normally waits in
 *                      a writer's queue, so that its batch rarely has to count it itself
 */
public record WriterSettings(int queueCapacity, long queueMaxBytes, Duration queueWait, int batchSize, Duration batchLinger,
                             Duration maxBackoff, Duration closeWait, boolean conversations, Duration foldInterval,
                             Duration foldLag) {

    /** Default {@link #foldInterval}. */
    public static final Duration FOLD_INTERVAL = Duration.ofSeconds(10);
    /** Default {@link #foldLag}. */
    public static final Duration FOLD_LAG = Duration.ofSeconds(5);
    /** Largest {@link #queueCapacity}; the plugin's setting shares it. */
    public static final int MAX_QUEUE_CAPACITY = 1_000_000;
    /** Largest {@link #batchSize}; the plugin's setting shares it. */
    public static final int MAX_BATCH_SIZE = 10_000;
    /** Smallest {@link #queueMaxBytes}: room for several of the largest stanzas Openfire accepts (1 MiB). */
    public static final int MIN_QUEUE_BYTES = 4 * 1024 * 1024;
    /** Largest {@link #queueMaxBytes}. */
    public static final int MAX_QUEUE_BYTES = 1024 * 1024 * 1024;
    /** Default {@link #queueMaxBytes}. */
    public static final int DEFAULT_QUEUE_BYTES = 64 * 1024 * 1024;
    /** Largest {@link #queueWait} in milliseconds: longer would stall an Openfire packet thread for too long. */
    public static final int MAX_QUEUE_WAIT_MILLIS = 5_000;
    /**
     * Default {@link #queueWait}: many of the writer's batches, and a database's brief stalls (a checkpoint's flush), so
     * that a burst waits for them rather than being refused, while a stalled database stalls no sender for long.
     */
    public static final Duration QUEUE_WAIT = Duration.ofSeconds(1);
    /** Largest {@link #batchLinger} in milliseconds. */
    public static final int MAX_BATCH_LINGER_MILLIS = 100;
    /**
     * Default {@link #batchLinger}: long enough that a moderate load (a thousand messages a second) is written tens at a
     * time: a batch costs the writer its wake-ups and round trips whatever it holds, and with batches of five (a 5 ms
     * linger) these were most of its cost. Reads and mark-reads cut the linger ({@code Archive.awaitQueued}), so it
     * delays no answer; a crash of the JVM loses what was queued within it, and within the commit.
     */
    public static final Duration BATCH_LINGER = Duration.ofMillis(50);

    /** Checks the bounds. */
    public WriterSettings {
        if (queueCapacity < 1 || queueCapacity > MAX_QUEUE_CAPACITY) {
            throw new IllegalArgumentException("queueCapacity must be 1-" + MAX_QUEUE_CAPACITY);
        }
        if (queueMaxBytes < MIN_QUEUE_BYTES || queueMaxBytes > MAX_QUEUE_BYTES) {
            throw new IllegalArgumentException("queueMaxBytes must be " + MIN_QUEUE_BYTES + "-" + MAX_QUEUE_BYTES);
        }
        if (queueWait.isNegative() || queueWait.toMillis() > MAX_QUEUE_WAIT_MILLIS) {
            throw new IllegalArgumentException("queueWait must be 0-" + MAX_QUEUE_WAIT_MILLIS + " ms");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batchSize must be 1-" + MAX_BATCH_SIZE);
        }
        if (batchLinger.isNegative() || batchLinger.toMillis() > MAX_BATCH_LINGER_MILLIS) {
            throw new IllegalArgumentException("batchLinger must be 0-" + MAX_BATCH_LINGER_MILLIS + " ms");
        }
        if (maxBackoff.isNegative() || maxBackoff.isZero() || closeWait.isNegative()) {
            throw new IllegalArgumentException("maxBackoff must be positive and closeWait not negative");
        }
        if (foldInterval.isNegative() || foldLag.isNegative()) {
            throw new IllegalArgumentException("foldInterval and foldLag must not be negative");
        }
    }

    /**
     * The given sizes with the default byte bound, wait for room and batch linger, a 5 s retry cap, a 10 s close wait,
     * conversations maintained, default folding.
     */
    public static WriterSettings of(int queueCapacity, int batchSize) {
        return new WriterSettings(queueCapacity, DEFAULT_QUEUE_BYTES, QUEUE_WAIT, batchSize, BATCH_LINGER, Duration.ofSeconds(5),
                Duration.ofSeconds(10), true, FOLD_INTERVAL, FOLD_LAG);
    }

    /** The same settings without conversation maintenance. */
    public WriterSettings withoutConversations() {
        return new WriterSettings(queueCapacity, queueMaxBytes, queueWait, batchSize, batchLinger, maxBackoff, closeWait, false, foldInterval, foldLag);
    }

    /** The same settings with the queue bounded to {@code bytes}. */
    public WriterSettings withQueueMaxBytes(long bytes) {
        return new WriterSettings(queueCapacity, bytes, queueWait, batchSize, batchLinger, maxBackoff, closeWait, conversations, foldInterval, foldLag);
    }

    /** The same settings with {@link #queueWait} {@code wait}. */
    public WriterSettings withQueueWait(Duration wait) {
        return new WriterSettings(queueCapacity, queueMaxBytes, wait, batchSize, batchLinger, maxBackoff, closeWait, conversations, foldInterval, foldLag);
    }

    /** The same settings with {@link #batchLinger} {@code linger}. */
    public WriterSettings withBatchLinger(Duration linger) {
        return new WriterSettings(queueCapacity, queueMaxBytes, queueWait, batchSize, linger, maxBackoff, closeWait, conversations,
                foldInterval, foldLag);
    }

    /** The same settings with the given folding. */
    public WriterSettings withFolding(Duration interval, Duration lag) {
        return new WriterSettings(queueCapacity, queueMaxBytes, queueWait, batchSize, batchLinger, maxBackoff, closeWait, conversations, interval, lag);
    }
}
