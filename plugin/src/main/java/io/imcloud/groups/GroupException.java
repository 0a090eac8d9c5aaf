package io.imcloud.groups;

/** A group operation refused for a reason the client can act on; nothing was changed. */
public class GroupException extends RuntimeException {

    /** Why the operation was refused. */
    public enum Reason {
        /** A name, username, size or other value breaks the rules. */
        ILLEGAL_ARGUMENT,
        /** No such group, or no such member of it. */
        NOT_FOUND,
        /** Not allowed on this group or member (e.g. removing the owner). */
        FORBIDDEN,
        /** The group would exceed its member limit, or a user the groups-per-user limit. */
        LIMIT
    }

    private final Reason reason;

    public GroupException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
