package io.imcloud.openfire;

import org.jivesoftware.util.cache.Cache;
import org.jivesoftware.util.cache.CacheFactory;

/** The plugin's caches in Openfire's cache factory: cluster-wide when Openfire is clustered, sized like Openfire's own. */
final class OpenfireCaches {

    private OpenfireCaches() {
    }

    /**
     * The cache {@code name}, created (or found, after a reload), with {@code defaultSizeBytes} and
     * {@code defaultLifetimeMillis} as its {@code cache.*.size} and {@code cache.*.maxLifetime} properties unless the
     * operator has set them.
     */
    static <K, V> Cache<K, V> named(String name, long defaultSizeBytes, long defaultLifetimeMillis) {
        if (!CacheFactory.hasMaxSizeFromProperty(name)) {
            CacheFactory.setMaxSizeProperty(name, defaultSizeBytes);
        }
        if (!CacheFactory.hasMaxLifetimeFromProperty(name)) {
            CacheFactory.setMaxLifetimeProperty(name, defaultLifetimeMillis);
        }
        return CacheFactory.createCache(name);
    }
}
