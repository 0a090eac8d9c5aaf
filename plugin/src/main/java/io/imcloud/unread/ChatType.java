package io.imcloud.unread;

/** Whether a conversation is with one user or a chat group (Easemob's {@code chat_type}). */
public enum ChatType {
    CHAT("chat"), GROUPCHAT("groupchat");

    private final String label;

    ChatType(String label) {
        this.label = label;
    }

    /** Easemob's name: {@code chat} or {@code groupchat}. */
    public String label() {
        return label;
    }
}
