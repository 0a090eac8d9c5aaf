package io.imcloud.archive;

import java.time.Duration;

/**
 * Tuning of the archive writer.
 *
 * @param queueCapacity commands that may wait for the database (1-1,000,000); when full, {@code append} refuses
 * @param batchSize     most commands committed in one transaction (1-10,000)
 * @param maxBackoff    longest pause between retries while the database is down
 * @param closeWait     how long {@code close()} waits for the queue to drain
 * @param conversations true to maintain {@code ofImConversation} (unread counters, conversation list); false
 *                      for an archive-only deployment that uses neither
 * @param foldInterval  how often the fold thread folds archived messages into the counters; the readers add up
 *                      the messages not folded yet, so this bounds their work, not the counters' accuracy
 * @param foldLag       how old a message is before a fold counts it: longer than a message normally waits in
 *                      a writer's queue, so that its batch rarely has to count it itself
 */
public record WriterSettings(int queueCapacity, int batchSize, Duration maxBackoff, Duration closeWait,
                             boolean conversations, Duration foldInterval, Duration foldLag) {

    /** Default {@link #foldInterval}. */
    public static final Duration FOLD_INTERVAL = Duration.ofSeconds(10);
    /** Default {@link #foldLag}. */
    public static final Duration FOLD_LAG = Duration.ofSeconds(5);

    public WriterSettings {
        if (queueCapacity < 1 || queueCapacity > 1_000_000) {
            throw new IllegalArgumentException("queueCapacity must be 1-1000000");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be 1-10000");
        }
        if (maxBackoff.isNegative() || maxBackoff.isZero() || closeWait.isNegative()) {
            throw new IllegalArgumentException("maxBackoff must be positive and closeWait not negative");
        }
        if (foldInterval.isNegative() || foldLag.isNegative()) {
            throw new IllegalArgumentException("foldInterval and foldLag must not be negative");
        }
    }

    /** The given sizes with a 5 s retry cap, a 10 s close wait, conversations maintained, default folding. */
    public static WriterSettings of(int queueCapacity, int batchSize) {
        return new WriterSettings(queueCapacity, batchSize, Duration.ofSeconds(5), Duration.ofSeconds(10), true,
                FOLD_INTERVAL, FOLD_LAG);
    }

    /** The same settings without conversation maintenance. */
    public WriterSettings withoutConversations() {
        return new WriterSettings(queueCapacity, batchSize, maxBackoff, closeWait, false, foldInterval, foldLag);
    }

    /** The same settings with the given folding. */
    public WriterSettings withFolding(Duration interval, Duration lag) {
        return new WriterSettings(queueCapacity, batchSize, maxBackoff, closeWait, conversations, interval, lag);
    }
}
