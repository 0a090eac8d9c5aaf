package io.imcloud.openfire;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppStamps;
import org.jivesoftware.util.cache.Cache;
import org.jivesoftware.util.cache.CacheFactory;
import org.jivesoftware.util.cache.DefaultCache;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;

/**
 * {@link OpenfireAppStamps}: the stamps live in one Openfire cache, keyed by the app key's text and holding JDK
 * {@code Long}s only (what the Hazelcast plugin stores without a warning about plugin classes), so a stamp put through
 * one node's instance is what another node's instance reads. Openfire's cache factory needs a running server, so it is
 * mocked here and hands out a local Openfire cache.
 */
class OpenfireAppStampsTest {

    private static final AppKey APP = AppKey.of("acme", "chat");

    @Test
    void aChangeThroughOneNodeIsTheStampEveryNodeReads() {
        Cache<String, Long> shared = new DefaultCache<>(OpenfireAppStamps.NAME, 1024 * 1024, -1);
        AppStamps nodeA = withCache(shared);
        AppStamps nodeB = withCache(shared);
        assertEquals(AppStamps.UNSTAMPED, nodeB.current(APP), "never changed");

        nodeA.changed(APP);
        long first = nodeB.current(APP);
        assertNotEquals(AppStamps.UNSTAMPED, first);
        nodeB.changed(APP);
        assertNotEquals(first, nodeA.current(APP), "every change a new stamp");
        assertEquals(AppStamps.UNSTAMPED, nodeA.current(AppKey.of("acme", "other")), "stamps are per app");

        Object value = shared.get(APP.toString());
        assertEquals(Long.class, value.getClass());
        assertNull(value.getClass().getClassLoader(), "a JDK class: the cache holds nothing of the plugin's class loader");
        shared.remove(APP.toString());
        assertEquals(AppStamps.UNSTAMPED, nodeA.current(APP), "an evicted stamp reads as none");
    }

    @Test
    void setsTheCacheSizeAndLifetimeUnlessTheOperatorDid() {
        try (MockedStatic<CacheFactory> factory = mockStatic(CacheFactory.class)) {
            factory.when(() -> CacheFactory.createCache(OpenfireAppStamps.NAME))
                    .thenReturn(new DefaultCache<>(OpenfireAppStamps.NAME, 1024 * 1024, -1));
            OpenfireAppStamps.create();
            factory.verify(() -> CacheFactory.setMaxSizeProperty(eq(OpenfireAppStamps.NAME), anyLong()));
            factory.verify(() -> CacheFactory.setMaxLifetimeProperty(OpenfireAppStamps.NAME, Duration.ofDays(1).toMillis()));
        }
        try (MockedStatic<CacheFactory> factory = mockStatic(CacheFactory.class)) {
            factory.when(() -> CacheFactory.hasMaxSizeFromProperty(OpenfireAppStamps.NAME)).thenReturn(true);
            factory.when(() -> CacheFactory.hasMaxLifetimeFromProperty(OpenfireAppStamps.NAME)).thenReturn(true);
            factory.when(() -> CacheFactory.createCache(OpenfireAppStamps.NAME))
                    .thenReturn(new DefaultCache<>(OpenfireAppStamps.NAME, 1024 * 1024, -1));
            OpenfireAppStamps.create();
            factory.verify(() -> CacheFactory.setMaxSizeProperty(any(), anyLong()), never());
            factory.verify(() -> CacheFactory.setMaxLifetimeProperty(any(), anyLong()), never());
        }
    }

    /** A put the cluster refuses leaves the committed change standing: logged, not thrown at the request. */
    @Test
    @SuppressWarnings("unchecked")
    void aStampTheCacheRefusesIsNoFailureOfTheChange() {
        Cache<String, Long> refusing = mock(Cache.class);
        doThrow(new IllegalStateException("cluster member left")).when(refusing).put(eq(APP.toString()), any());
        withCache(refusing).changed(APP);
    }

    private static AppStamps withCache(Cache<String, Long> cache) {
        try (MockedStatic<CacheFactory> factory = mockStatic(CacheFactory.class)) {
            factory.when(() -> CacheFactory.createCache(OpenfireAppStamps.NAME)).thenReturn(cache);
            return OpenfireAppStamps.create();
        }
    }
}
