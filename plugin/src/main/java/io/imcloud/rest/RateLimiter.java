package io.imcloud.rest;

/**
 * Token buckets by key (an app, a remote address, a username): a bucket holds up to {@code burst} tokens and
 * refills at {@code perSecond}; a request takes {@code cost} of them or is refused. Rate and burst are passed on
 * every call so that a settings change applies at once. The plugin's buckets ({@link SqlRateLimiter}) are shared by
 * every cluster node.
 */
public interface RateLimiter {

    /**
     * Takes {@code cost} tokens from the bucket of {@code key}; a cost above {@code burst} needs a full bucket and leaves
     * it owing the rest, so that later requests wait for all of it.
     *
     * @return 0 when taken; otherwise the milliseconds until they would be there (nothing is taken)
     */
    long tryAcquire(String key, int cost, double perSecond, int burst);

    /**
     * The milliseconds until the bucket of {@code key} holds {@code cost} tokens, 0 when it does now; takes nothing
     * (to refuse a request before it costs anything, and charge only a failure afterwards).
     */
    long waitMillis(String key, int cost, double perSecond, int burst);
}
