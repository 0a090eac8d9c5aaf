package io.imcloud.tenancy;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether an XMPP node is a user of an app. Membership is a fact of the database (a row of
 * {@code ofImUser}, which only the app's REST registration creates), never of a node's shape: an
 * Openfire account named {@code org#app_x} that has no row (made through in-band registration, or
 * left behind) is no member of anything. Answers, yes and no, are kept in a {@link MembershipCache}
 * and dropped by {@link #forget} whenever a user is registered or deleted.
 */
public final class AppMembership {

    /** The database's answer: whether the user has its registration row. */
    @FunctionalInterface
    public interface Registry {
        /** True when {@code user} is registered with its app. */
        boolean isRegistered(AppUser user);
    }

    /** Longer than a membership read takes, however loaded the database. */
    private static final Executor AGAIN_LATER = CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS);

    private final Registry registry;
    private final MembershipCache cache;
    private final ParsedNodes parsed = new ParsedNodes();

    /** Membership read from {@code registry}, with answers kept in {@code cache}. */
    public AppMembership(Registry registry, MembershipCache cache) {
        this.registry = registry;
        this.cache = cache;
    }

    /**
     * The app whose registered user has the XMPP node {@code node}; empty for a plain node (no
     * {@code #}), a node that breaks the naming rules, or one without a registration.
     *
     * @throws StoreException when the answer is not cached and the database cannot give it
     */
    public Optional<AppKey> appOf(String node) {
        AppUser user = userOf(node);
        return user != null && isMember(user, node) ? Optional.of(user.appKey()) : Optional.empty();
    }

    /**
     * The app user {@code node} names by its shape alone ({@link AppUser#fromNode}), or null; whether it is registered
     * is {@link #isMember}'s question. Answers for recent nodes are kept, as every stanza's addresses come here.
     */
    public AppUser userOf(String node) {
        return node == null ? null : parsed.userOf(node);
    }

    /**
     * True when {@code user} is registered with its app.
     *
     * @throws StoreException when the answer is not cached and the database cannot give it
     */
    public boolean isMember(AppUser user) {
        return isMember(user, user.node());
    }

    /** {@link #isMember(AppUser)} of {@code user}, whose node {@code node} is at hand. */
    private boolean isMember(AppUser user, String node) {
        Boolean cached = cache.get(node);
        if (cached != null) {
            return cached;
        }
        boolean member = registry.isRegistered(user);
        cache.put(node, member);
        return member;
    }

    /**
     * Drops what is known about {@code user}: call after its registration row was inserted or deleted. Dropped again a
     * moment later: a reader on any cluster node that read the row just before the change may cache its answer just
     * after the first drop, and would otherwise keep it for the cache's lifetime.
     */
    public void forget(AppUser user) {
        String node = user.node();
        cache.remove(node);
        AGAIN_LATER.execute(() -> cache.remove(node));
    }
}
