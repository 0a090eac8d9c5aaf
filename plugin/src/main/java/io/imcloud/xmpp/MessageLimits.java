package io.imcloud.xmpp;

/**
 * Size limits of a message that is archived (a 1:1 chat or normal message with a body between users of one app),
 * in UTF-8 bytes; a larger one is refused with {@code policy-violation} before it is archived or routed, so that
 * one user cannot fill the archive queue or the database with Openfire's 1 MiB stanzas.
 *
 * @param maxBodyBytes   largest {@code <body/>} text
 * @param maxStanzaBytes largest whole stanza, as archived: the text stored of it, its body and its ext, each counted once
 *                       (the stanza-id we add is not counted)
 */
public record MessageLimits(int maxBodyBytes, int maxStanzaBytes) {

    /** Default {@link #maxBodyBytes}: 5 KiB, the REST API's message limit (Easemob's 5 KB). */
    public static final int DEFAULT_MAX_BODY_BYTES = 5 * 1024;
    /** Default {@link #maxStanzaBytes}: room for a full body, a 16 KiB {@code ext} and the usual extensions. */
    public static final int DEFAULT_MAX_STANZA_BYTES = 64 * 1024;
    /** The defaults. */
    public static final MessageLimits DEFAULTS = new MessageLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_STANZA_BYTES);

    /** Checks that both limits are positive. */
    public MessageLimits {
        if (maxBodyBytes < 1 || maxStanzaBytes < 1) {
            throw new IllegalArgumentException("message size limits must be positive");
        }
    }

    /**
     * True when {@code text} takes more than {@code maxBytes} bytes in UTF-8; counts the bytes only when the
     * length alone cannot tell (a character takes one to three bytes, a surrogate pair four).
     */
    static boolean exceeds(String text, int maxBytes) {
        return exceeds(maxBytes, text);
    }

    /** True when {@code texts} (nulls count for nothing) take more than {@code maxBytes} bytes in UTF-8 together. */
    static boolean exceeds(int maxBytes, String... texts) {
        long chars = 0;
        for (String text : texts) {
            chars += text == null ? 0 : text.length();
        }
        if (chars > maxBytes) {
            return true;
        }
        if (chars * 3 <= maxBytes) {
            return false;
        }
        long bytes = 0;
        for (String text : texts) {
            for (int i = 0, length = text == null ? 0 : text.length(); i < length; i++) {
                char c = text.charAt(i);
                bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
            }
        }
        return bytes > maxBytes;
    }
}
