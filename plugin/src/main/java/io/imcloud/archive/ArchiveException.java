package io.imcloud.archive;

/** A read of the archive (or the conversation tables) failed in the database; the message says which. */
public class ArchiveException extends RuntimeException {

    public ArchiveException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
