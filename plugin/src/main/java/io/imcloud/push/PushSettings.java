package io.imcloud.push;

import java.time.Duration;

/**
 * How offline-message callbacks are sent.
 *
 * @param timeout        longest wait for a connection, and then for the receiver's answer, of one attempt
 * @param maxAttempts    attempts of one callback before it goes to the dead letters
 * @param firstRetry     wait after the first failed attempt; it doubles after each further one
 * @param maxRetry       longest wait between two attempts
 * @param queuePerApp    most callbacks of one app waiting in the queue; more are refused and counted as dropped
 * @param inFlightPerApp most callbacks of one app being sent at once from this node (a slow receiver holds only these)
 * @param inFlight       most callbacks being sent at once from this node
 * @param intakeCapacity messages stored offline that may wait in memory for the queue (read at start); more are
 *                       counted as dropped
 * @param poll           how often the queue is looked at when nothing woke the sender (rows of other nodes, retries)
 */
public record PushSettings(Duration timeout, int maxAttempts, Duration firstRetry, Duration maxRetry, int queuePerApp,
                           int inFlightPerApp, int inFlight, int intakeCapacity, Duration poll) {

    /** 5 s timeouts, 8 attempts over about 20 minutes (10 s doubling to 10 minutes), 10,000 queued per app. */
    public static final PushSettings DEFAULTS = new PushSettings(Duration.ofSeconds(5), 8, Duration.ofSeconds(10),
            Duration.ofMinutes(10), 10_000, 8, 64, 10_000, Duration.ofSeconds(1));

    public PushSettings {
        if (timeout.isNegative() || timeout.isZero() || maxAttempts < 1 || firstRetry.isNegative() || maxRetry.compareTo(firstRetry) < 0
                || queuePerApp < 1 || inFlightPerApp < 1 || inFlight < inFlightPerApp || intakeCapacity < 1
                || poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("Invalid push settings: " + this);
        }
    }

    /** These settings with another timeout, attempt count and queue bound (the operator's settings). */
    public PushSettings with(Duration newTimeout, int newMaxAttempts, int newQueuePerApp) {
        return new PushSettings(newTimeout, newMaxAttempts, firstRetry, maxRetry, newQueuePerApp, inFlightPerApp, inFlight,
                intakeCapacity, poll);
    }

    /** How long to wait before the attempt after {@code failedAttempts} failures (1 or more). */
    public Duration retryAfter(int failedAttempts) {
        Duration wait = firstRetry;
        for (int i = 1; i < failedAttempts && wait.compareTo(maxRetry) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxRetry) > 0 ? maxRetry : wait;
    }
}
