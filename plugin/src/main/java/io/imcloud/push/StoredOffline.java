package io.imcloud.push;

import io.imcloud.tenancy.AppUser;

/** Told of each archived message Openfire stored offline for its receiver; must not block (packet threads call it). */
@FunctionalInterface
public interface StoredOffline {

    /** Told nothing. */
    StoredOffline NONE = (receiver, msgId) -> { };

    /** Archived message {@code msgId} was stored offline for {@code receiver}. */
    void messageStoredOffline(AppUser receiver, long msgId);
}
