package io.imcloud.groups;

/**
 * One member of a group.
 *
 * @param username the member's username
 * @param role     owner, admin or member
 * @param joined   epoch milliseconds of joining (or of the group's creation)
 */
public record GroupMember(String username, GroupRole role, long joined) {
}
