package io.imcloud.openfire;

import io.imcloud.tenancy.MembershipCache;
import org.jivesoftware.util.cache.Cache;

import java.time.Duration;

/**
 * {@link MembershipCache} in an Openfire cache: cluster-wide when Openfire is clustered (a removal on
 * one node reaches every node), bounded in size, and holding only {@code String} keys and
 * {@code Boolean} values, so that it survives a reload of the plugin's classes.
 * <p>
 * Its size and entry lifetime are the usual Openfire cache properties
 * ({@code cache.imcloudAppMembership.size}, {@code cache.imcloudAppMembership.maxLifetime}, shown on the
 * console's cache page); the plugin sets them on first start unless the operator already has. The
 * lifetime bounds how long an answer read just before a concurrent registration or deletion, and
 * cached just after its invalidation, can outlive that change.
 */
public final class OpenfireMembershipCache implements MembershipCache, AutoCloseable {

    /** The cache's name on Openfire's cache page. */
    static final String NAME = "imcloud App Membership";
    /** About 50 bytes an entry: room for some 80,000 users' answers. */
    private static final long DEFAULT_SIZE_BYTES = 4L * 1024 * 1024;
    private static final long DEFAULT_LIFETIME_MILLIS = Duration.ofHours(1).toMillis();

    private final Cache<String, Boolean> cache;

    /** Membership answers in {@code cache} (the plugin uses {@link #create()}; benchmarks hand in a local cache). */
    public OpenfireMembershipCache(Cache<String, Boolean> cache) {
        this.cache = cache;
    }

    /** The plugin's membership cache, created (or found, after a reload) in Openfire's cache factory. */
    static OpenfireMembershipCache create() {
        Cache<String, Boolean> cache = OpenfireCaches.named(NAME, DEFAULT_SIZE_BYTES, DEFAULT_LIFETIME_MILLIS);
        return new OpenfireMembershipCache(cache);
    }

    @Override
    public Boolean get(String node) {
        return cache.get(node);
    }

    @Override
    public void put(String node, boolean member) {
        cache.put(node, member);
    }

    @Override
    public void remove(String node) {
        cache.remove(node);
    }

    /**
     * Forgets every answer: while the plugin is unloaded, accounts can be deleted in Openfire's console
     * without this cache hearing of it.
     */
    @Override
    public void close() {
        cache.clear();
    }
}
