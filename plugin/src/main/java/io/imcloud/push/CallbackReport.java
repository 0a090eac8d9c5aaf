package io.imcloud.push;

/**
 * What the console shows of an app's offline-message callbacks: the counts and, while callbacks fail, the failures
 * the queue keeps.
 *
 * @param counts     waiting, delivered, dead and dropped callbacks
 * @param retrying   of the waiting callbacks, those that failed at least once and wait for a retry
 * @param nextRetry  the retrying callback due first, or null when none is retrying
 * @param latestDead the dead letter that gave up last, of those kept ({@link CallbackDispatcher#DEAD_KEEP_MILLIS}), or
 *                   null when none is kept
 */
public record CallbackReport(PushHealth counts, long retrying, Failure nextRetry, Failure latestDead) {

    /**
     * A callback that failed.
     *
     * @param at       for a retrying callback when it is tried next, for a dead letter when it gave up (epoch ms)
     * @param attempts the attempts made
     * @param error    the last attempt's error: an HTTP status or why no answer came
     */
    public record Failure(long at, int attempts, String error) {
    }
}
