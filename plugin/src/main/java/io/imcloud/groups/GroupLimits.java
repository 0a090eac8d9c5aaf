package io.imcloud.groups;

/**
 * The bounds of groups, from the plugin's settings (read per operation, so a changed setting applies at once).
 *
 * @param maxMembers       most members of one group, the owner included; a group's own {@code maxusers} may be lower
 * @param maxGroupsPerUser most groups one user may be a member of (owner, admin or member)
 */
public record GroupLimits(int maxMembers, int maxGroupsPerUser) {

    /** Most members of a group unless set otherwise (Easemob's largest ordinary group). */
    public static final int DEFAULT_MAX_MEMBERS = 3000;
    /** Most groups of one user unless set otherwise. */
    public static final int DEFAULT_MAX_GROUPS_PER_USER = 600;

    /** The defaults. */
    public static GroupLimits defaults() {
        return new GroupLimits(DEFAULT_MAX_MEMBERS, DEFAULT_MAX_GROUPS_PER_USER);
    }
}
