package io.imcloud.users;

/** A user operation refused for a reason the client can act on; nothing was changed. */
public class UserException extends RuntimeException {

    /** Why the operation was refused. */
    public enum Reason {
        /** A username, password or nickname breaks the rules. */
        ILLEGAL_ARGUMENT,
        /** The username is taken (or appears twice in one batch). */
        DUPLICATE,
        /** No such user. */
        NOT_FOUND,
        /** The app would exceed its user limit. */
        QUOTA_EXCEEDED
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
