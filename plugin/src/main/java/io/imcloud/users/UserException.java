package io.imcloud.users;

import io.imcloud.i18n.ErrorText;
import io.imcloud.i18n.LocalizedException;

/** A user operation (registration, password, contacts, blocks) refused for a reason the client can act on; nothing was changed. */
public class UserException extends LocalizedException {

    /** Why the operation was refused. */
    public enum Reason {
        /** A username, password or nickname breaks the rules. */
        ILLEGAL_ARGUMENT,
        /** The username is taken (or appears twice in one batch). */
        DUPLICATE,
        /** No such user. */
        NOT_FOUND,
        /** A limit would be exceeded: the app's users, or a user's contacts or blocked users. */
        QUOTA_EXCEEDED,
        /** The other user does not allow it (e.g. blocks the one asking to become a contact). */
        FORBIDDEN
    }

    private final Reason reason;

    /** Refused for {@code reason}, described by {@code text} with {@code arguments}. */
    public UserException(Reason reason, ErrorText text, Object... arguments) {
        super(text, arguments);
        this.reason = reason;
    }

    /** Why, as the adapters tell it (the REST API's status and error code). */
    public Reason reason() {
        return reason;
    }
}
