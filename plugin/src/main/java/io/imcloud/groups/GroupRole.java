package io.imcloud.groups;

/**
 * A member's standing in a group; each is the XEP-0045 affiliation of the same name in the group's room. A group has
 * exactly one owner; admins and the owner manage members.
 */
public enum GroupRole {
    OWNER(0, "owner"), ADMIN(1, "admin"), MEMBER(2, "member");

    private final int code;
    private final String label;

    GroupRole(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The value of {@code ofImGroupMember.memberRole}. */
    public int code() {
        return code;
    }

    /** Easemob's and XEP-0045's name of the role: {@code owner}, {@code admin}, {@code member}. */
    public String label() {
        return label;
    }

    /** The role stored as {@code code}. */
    public static GroupRole ofCode(int code) {
        for (GroupRole role : values()) {
            if (role.code == code) {
                return role;
            }
        }
        throw new IllegalArgumentException("No group role has the code " + code);
    }
}
