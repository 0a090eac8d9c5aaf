package io.imcloud.users;

/** A user operation (registration, password, contacts, blocks) refused for a reason the client can act on; nothing was changed. */
public class UserException extends RuntimeException {

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

    public UserException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
