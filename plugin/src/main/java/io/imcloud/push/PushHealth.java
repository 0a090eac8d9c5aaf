package io.imcloud.push;

/**
 * How an app's offline-message callbacks fare, for the console.
 *
 * @param pending   waiting in the queue (due now, or retried later)
 * @param delivered answered with a 2xx status by the app's receiver
 * @param dead      given up after the most attempts (kept 7 days in the queue's dead letters, counted for ever)
 * @param dropped   refused because the app's queue (or this node's intake) was full
 */
public record PushHealth(long pending, long delivered, long dead, long dropped) {

    /** Nothing happened yet. */
    public static final PushHealth NONE = new PushHealth(0, 0, 0, 0);

    /** This health with {@code more} dropped callbacks. */
    public PushHealth plusDropped(long more) {
        return new PushHealth(pending, delivered, dead, dropped + more);
    }
}
