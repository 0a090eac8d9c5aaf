package io.imcloud.archive;

/**
 * A read or write of the archive (or the conversation and node-lease tables) failed in the database, or the
 * database's state forbids it; the message says which.
 */
public class ArchiveException extends RuntimeException {

    /** A failure the database did not raise itself, such as every cluster node id being taken. */
    public ArchiveException(String message) {
        super(message);
    }

    /** A database failure, with what was being done. */
    public ArchiveException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
