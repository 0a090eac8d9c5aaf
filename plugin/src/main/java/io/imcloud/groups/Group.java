package io.imcloud.groups;

import io.imcloud.tenancy.AppKey;

/**
 * One chat group of an app: a row of {@code ofImGroup}, and the persistent, members-only room
 * {@code {org}#{app}_{groupId}} on the multi-user chat service.
 *
 * @param appKey      the app the group belongs to
 * @param groupId     made by the server, unique and increasing in time (Easemob's {@code groupid})
 * @param name        the group's name ({@code groupname})
 * @param description the group's description, or null
 * @param isPublic    whether the group is listed as public (Easemob's {@code public}); it is members-only either way
 * @param maxUsers    most members, the owner included
 * @param owner       the owner's username
 * @param memberCount members, the owner included
 * @param created     epoch milliseconds
 * @param modified    epoch milliseconds of the last change of the group or its members
 */
public record Group(AppKey appKey, long groupId, String name, String description, boolean isPublic, int maxUsers,
                    String owner, int memberCount, long created, long modified) {

    /** The XMPP node of the group's room: {@code {org}#{app}_{groupId}}, Easemob's group JID. */
    public String roomNode() {
        return roomNode(appKey, groupId);
    }

    /** The XMPP node of the room of group {@code groupId} of {@code appKey}. */
    public static String roomNode(AppKey appKey, long groupId) {
        return appKey + "_" + groupId;
    }
}
