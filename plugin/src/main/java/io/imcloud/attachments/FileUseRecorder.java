package io.imcloud.attachments;

/** Where the message path notes that a message uses a chat file (retention counts from a file's last use). */
@FunctionalInterface
public interface FileUseRecorder {

    /** Notes nothing. */
    FileUseRecorder NONE = (link, at) -> { };

    /** Notes that a message sent at {@code at} (epoch milliseconds) uses the file {@code link} names. Never blocks. */
    void record(ChatfileLink link, long at);
}
