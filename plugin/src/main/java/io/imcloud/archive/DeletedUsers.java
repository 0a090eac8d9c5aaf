package io.imcloud.archive;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Users deleted on this node a short while ago, each with an archive id fence: a message of that user with an id
 * below the fence belongs to the deleted user and is dropped by the writer instead of written, so that a message
 * still queued (or appended by a packet thread that checked the user a moment before the deletion) cannot come
 * back after the purge. Ids above the fence are issued after the deletion and belong to a new user of the name.
 * A fence is kept for {@link #KEEP_MILLIS}, far longer than a message waits in a healthy queue.
 */
final class DeletedUsers {

    /** How long a fence stays. */
    static final long KEEP_MILLIS = 10 * 60_000L;

    private record Fence(long beforeId, long expiresAt) {
    }

    /** A user as the archive rows name them (no username validation on the writer thread). */
    private record Name(AppKey appKey, String username) {
    }

    private final Map<Name, Fence> fences = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    /** Fences timed by {@code clock} (epoch milliseconds). */
    DeletedUsers(LongSupplier clock) {
        this.clock = clock;
    }

    /** From now on drops {@code user}'s messages with an id below {@code beforeId}; forgets expired fences. */
    void fence(AppUser user, long beforeId) {
        long now = clock.getAsLong();
        fences.values().removeIf(f -> f.expiresAt() <= now);
        fences.put(new Name(user.appKey(), user.username()), new Fence(beforeId, now + KEEP_MILLIS));
    }

    /** True when {@code message} was sent by or to a deleted user before their fence. */
    boolean discards(ArchivedMessage message) {
        if (fences.isEmpty()) { // the common case: one read, no lookups on the writer thread
            return false;
        }
        return below(new Name(message.appKey(), message.sender()), message.msgId())
                || below(new Name(message.appKey(), message.receiver()), message.msgId());
    }

    private boolean below(Name user, long msgId) {
        Fence f = fences.get(user);
        return f != null && msgId < f.beforeId();
    }
}
