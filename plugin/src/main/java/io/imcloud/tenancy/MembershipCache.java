package io.imcloud.tenancy;

/**
 * Where {@link AppMembership} keeps its answers: a bounded map from an XMPP node to whether it is a
 * registered app user. In Openfire it is a cluster-wide cache holding only JDK types, so that a
 * removal on one node reaches all of them and a plugin reload finds no stale class in it.
 */
public interface MembershipCache {

    /** The cached answer for {@code node}, or null when none is cached. */
    Boolean get(String node);

    /** Caches {@code member} as the answer for {@code node}. */
    void put(String node, boolean member);

    /** Drops the answer for {@code node}, on every cluster node. */
    void remove(String node);
}
