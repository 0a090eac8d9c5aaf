package io.imcloud.groups;

import io.imcloud.tenancy.AppKey;

/** Who is a member of which group, as the XMPP handlers ask it (the {@link GroupService} in the plugin). */
@FunctionalInterface
public interface GroupMembership {

    /** True when {@code username} is the owner, an admin or a member of group {@code groupId} of {@code appKey}. */
    boolean isMember(AppKey appKey, long groupId, String username);
}
