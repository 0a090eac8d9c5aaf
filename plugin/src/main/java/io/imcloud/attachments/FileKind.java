package io.imcloud.attachments;

/** What an attachment is, as Easemob's message bodies name it ({@code audio}, {@code img}, {@code file}). */
public enum FileKind {
    AUDIO("audio"),
    IMAGE("img"),
    FILE("file");

    private final String bodyType;

    FileKind(String bodyType) {
        this.bodyType = bodyType;
    }

    /** The {@code type} of an Easemob message body carrying such a file. */
    public String bodyType() {
        return bodyType;
    }

    /** The kind stored under {@link #name()}. */
    static FileKind stored(String name) {
        return valueOf(name);
    }
}
