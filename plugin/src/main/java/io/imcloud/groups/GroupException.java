package io.imcloud.groups;

import io.imcloud.i18n.ErrorText;
import io.imcloud.i18n.LocalizedException;

/** A group operation refused for a reason the client can act on; nothing was changed. */
public class GroupException extends LocalizedException {

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

    /** Refused for {@code reason}, described by {@code text} with {@code arguments}. */
    public GroupException(Reason reason, ErrorText text, Object... arguments) {
        super(text, arguments);
        this.reason = reason;
    }

    /** Why, as the adapters tell it (the REST API's status and error code). */
    public Reason reason() {
        return reason;
    }
}
