package io.imcloud.tenancy;

/**
 * How an {@link AppStore} tells the other cluster nodes' stores that an app changed, so that they drop what they
 * cached of it ({@link AppStore#forget}). In Openfire it is a cluster task run on every other node; a single node
 * has no one to tell ({@link #NONE}).
 */
@FunctionalInterface
public interface AppChanges {

    /** Nobody to tell: a server that is no cluster. */
    AppChanges NONE = key -> { };

    /**
     * Called after a change of app {@code key} was committed; returns once every other node has dropped the app from
     * its cache, or failed to (those then serve what they cached for at most the cache time).
     */
    void changed(AppKey key);
}
