package io.imcloud.groups;

import io.imcloud.tenancy.AppKey;

/** Removes the archived messages of a deleted group (the archive's purge in the plugin). */
@FunctionalInterface
public interface GroupMessagePurge {

    /** Deletes every archived message of group {@code groupId} of {@code appKey} in bounded steps; returns how many went. */
    long deleteGroupMessages(AppKey appKey, long groupId);
}
