package io.imcloud.openfire;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppStamps;
import org.jivesoftware.util.cache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Random;

/**
 * {@link AppStamps} in an Openfire cache: cluster-wide when Openfire is clustered, so a stamp put by the node that
 * changed an app (a synchronous put, done before that node's request answers) is what every node reads next. The
 * cache maps the app key's text ({@code org#app}) to a random {@code Long}: only JDK types, so nothing in it belongs
 * to the plugin's class loader and a plugin reload finds it usable.
 * <p>
 * Its size and entry lifetime are the usual Openfire cache properties ({@code cache.imcloudAppStamps.size},
 * {@code cache.imcloudAppStamps.maxLifetime}, shown on the console's cache page); the plugin sets them on first start
 * unless the operator already has. A stamp evicted or expired only makes each node read the app once more; the
 * lifetime should stay well above the app cache time (one second). The stamps need no clearing when the plugin stops:
 * a restarted plugin's app store starts with nothing cached, so any stamp it then reads is as good as none.
 */
final class OpenfireAppStamps implements AppStamps {

    private static final Logger Log = LoggerFactory.getLogger(OpenfireAppStamps.class);
    /** The cache's name on Openfire's cache page. */
    static final String NAME = "imcloud App Stamps";
    /** About 100 bytes an entry: room for some 10,000 apps' stamps. */
    private static final long DEFAULT_SIZE_BYTES = 1024L * 1024;
    private static final long DEFAULT_LIFETIME_MILLIS = Duration.ofDays(1).toMillis();

    private final Cache<String, Long> cache;
    private final Random random = new SecureRandom();

    private OpenfireAppStamps(Cache<String, Long> cache) {
        this.cache = cache;
    }

    /** The plugin's app stamps, created (or found, after a reload) in Openfire's cache factory. */
    static OpenfireAppStamps create() {
        Cache<String, Long> cache = OpenfireCaches.named(NAME, DEFAULT_SIZE_BYTES, DEFAULT_LIFETIME_MILLIS);
        return new OpenfireAppStamps(cache);
    }

    @Override
    public long current(AppKey key) {
        Long stamp = cache.get(key.toString());
        return stamp == null ? UNSTAMPED : stamp;
    }

    /**
     * Puts a new random stamp. Should the cache refuse it (the cluster in trouble), the change stands and is logged:
     * the other nodes then use what they read of the app for at most the app cache time.
     */
    @Override
    public void changed(AppKey key) {
        long stamp;
        do {
            stamp = random.nextLong();
        } while (stamp == UNSTAMPED);
        try {
            cache.put(key.toString(), stamp);
        } catch (RuntimeException e) {
            Log.warn("imcloud: could not stamp the change of app {}; other cluster nodes see it within the app cache time: {}",
                    key, e.toString());
        }
    }
}
