package io.imcloud.groups;

import java.util.List;

/**
 * The rooms of groups on the multi-user chat service (Openfire's MUC in the plugin, a recorder in tests): a group is
 * one persistent, members-only room whose affiliations are the group's roles. Every method changes the room at once
 * and tells the users concerned as XEP-0045 does (affiliation changes to occupants, a removed member is removed from
 * the room); it throws {@link IllegalStateException} when the service refuses or is missing.
 */
public interface GroupRooms {

    /** Creates the room of {@code group} with {@code members} (the owner among them) as its affiliations. */
    void create(Group group, List<GroupMember> members);

    /** Applies the group's name, description and size to its room. */
    void update(Group group);

    /** Destroys the room of {@code group}; its occupants are told. */
    void destroy(Group group);

    /** Gives {@code username} the affiliation of {@code role} in the room of {@code group}. */
    void affiliate(Group group, String username, GroupRole role);

    /** Takes every affiliation of {@code username} away: a member of no more, removed from the room if present. */
    void remove(Group group, String username);

    /** Invites {@code username} to the room (XEP-0045 mediated invitation, with XEP-0249's element). */
    void invite(Group group, String username);
}
