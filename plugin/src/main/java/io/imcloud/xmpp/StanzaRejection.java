package io.imcloud.xmpp;

import org.dom4j.DocumentHelper;
import org.dom4j.Element;
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
    private static final String STANZAS_NAMESPACE = "urn:ietf:params:xml:ns:xmpp-stanzas";
    /** RFC 6120's condition for a stanza over a local policy, e.g. a size limit; Tinder's enum lacks it. */
    private static final String POLICY_VIOLATION = "policy-violation";

    private final PacketError.Condition condition;
    private final String conditionName;
    private final PacketError.Type type;

    /** A rejection answered with {@code condition} of {@code type}, and a human-readable {@code text}. */
    public StanzaRejection(PacketError.Condition condition, PacketError.Type type, String text) {
        this(condition, condition.toXMPP(), type, text);
    }

    private StanzaRejection(PacketError.Condition condition, String conditionName, PacketError.Type type, String text) {
        super(text);
        this.condition = condition;
        this.conditionName = conditionName;
        this.type = type;
    }

    /** A rejection answered with {@code policy-violation} (modify): the stanza breaks a local policy such as a size limit. */
    public static StanzaRejection policyViolation(String text) {
        return new StanzaRejection(null, POLICY_VIOLATION, PacketError.Type.modify, text);
    }

    /**
     * The stanza error for the sender; a fresh copy each time because Openfire adds the returned
     * element to the reply stanza, and a dom4j element has only one parent.
     */
    public PacketError getRejectionError() {
        if (condition != null) {
            return new PacketError(condition, type, getMessage());
        }
        Element error = DocumentHelper.createElement("error");
        error.addAttribute("type", type.toXMPP());
        error.addElement(conditionName, STANZAS_NAMESPACE);
        error.addElement("text", STANZAS_NAMESPACE).setText(getMessage());
        return new PacketError(error);
    }

    /** The error condition (for logs and tests); null for one Tinder has no constant for (see {@link #conditionName()}). */
    public PacketError.Condition condition() {
        return condition;
    }

    /** The error condition's XMPP name, e.g. {@code policy-violation}. */
    public String conditionName() {
        return conditionName;
    }
}
