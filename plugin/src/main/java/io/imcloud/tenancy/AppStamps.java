package io.imcloud.tenancy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each app's stamp: a number that {@link #changed} replaces after every committed change of the app, so that an
 * {@link AppStore} trusts what it cached of an app only while the stamp it read before reading the app is still the
 * current one. In Openfire the stamps are a cluster-wide cache, so a change on one node is seen by every node's next
 * read of the stamp; a single node keeps them in memory ({@link #local()}).
 * <p>
 * An app without a stamp (never changed since the stamps were emptied, or its stamp was evicted) has stamp
 * {@link #UNSTAMPED}; losing a stamp costs at most a reload, as {@link #changed} never makes that value.
 */
public interface AppStamps {

    /** The stamp of an app that has none. */
    long UNSTAMPED = 0;

    /** The app's current stamp, {@link #UNSTAMPED} when it has none. */
    long current(AppKey key);

    /**
     * Called after a change of app {@code key} committed: gives the app a new stamp (never {@link #UNSTAMPED}), seen
     * by every later {@link #current} (on every cluster node) once this returns.
     */
    void changed(AppKey key);

    /** Stamps in this node's memory: for a server that is no cluster, and for tests (stores sharing one stand for a cluster). */
    static AppStamps local() {
        Map<AppKey, Long> stamps = new ConcurrentHashMap<>();
        AtomicLong last = new AtomicLong(UNSTAMPED);
        return new AppStamps() {
            @Override
            public long current(AppKey key) {
                return stamps.getOrDefault(key, UNSTAMPED);
            }

            @Override
            public void changed(AppKey key) {
                stamps.put(key, last.incrementAndGet());
            }
        };
    }
}
