package io.imcloud.xmpp;

import org.jivesoftware.openfire.interceptor.PacketRejectedException;
import org.xmpp.packet.PacketError;

/**
 * A rejection that carries the stanza error Openfire sends back to the sender.
 * <p>
 * Openfire 4.8 and later (5.1.x included) ask {@code PacketRejectedException.getRejectionError()} and
 * put that error into the reply their Message/Presence/IQ routers send to the sender's session.
 * That accessor does not exist in 4.2.0, which we compile against, so this class declares it: on
 * 4.8+ it overrides Openfire's method (same name and descriptor), so the routers see our error.
 */
public final class StanzaRejection extends PacketRejectedException {

    private static final long serialVersionUID = 1L;

    private final PacketError.Condition condition;
    private final PacketError.Type type;

    /** A rejection answered with {@code condition} of {@code type}, and a human-readable {@code text}. */
    public StanzaRejection(PacketError.Condition condition, PacketError.Type type, String text) {
        super(text);
        this.condition = condition;
        this.type = type;
    }

    /**
     * The stanza error for the sender; a fresh copy each time because Openfire adds the returned
     * element to the reply stanza, and a dom4j element has only one parent.
     */
    public PacketError getRejectionError() {
        return new PacketError(condition, type, getMessage());
    }

    /** The error condition (for logs and tests). */
    public PacketError.Condition condition() {
        return condition;
    }
}
