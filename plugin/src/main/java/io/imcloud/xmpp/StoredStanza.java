package io.imcloud.xmpp;

import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.Node;
import org.dom4j.QName;

import java.util.Iterator;

/**
 * The form in which the archive keeps a message's stanza: its XML without what the archive's own columns hold, the
 * body, the Easemob {@code ext} and the stanza-id that carries the archive id; {@link #restore} puts them back when
 * the stanza is forwarded (XEP-0313). A body and an ext are left out only when they are the message's one such
 * element, without attributes, and hold exactly the column's text; otherwise the stored stanza keeps them, and
 * {@code restore}, finding them there, adds nothing. A stanza stored whole (before this form, or kept whole by those
 * rules) is restored unchanged.
 * <p>
 * A client's typical chat stanza then stores a third less text, one with nothing but a body half (the body was
 * written twice, the stanza-id is some 90 characters): the archive and its database files are smaller.
 * The restored stanza holds the same elements, though not always in their order: the body comes first, the ext and the
 * stanza-id last, which no XMPP extension gives a meaning.
 */
final class StoredStanza {

    private static final String BODY = "body";
    private static final String CLIENT_NAMESPACE = "jabber:client";
    private static final QName EXT = MessageArchiver.QNames.EXT;
    private static final QName STANZA_ID = QName.get(StanzaIds.ELEMENT, StanzaIds.NAMESPACE);

    private StoredStanza() {
    }

    /**
     * The text to archive of {@code message}, whose body is {@code body}, whose ext is {@code extJson} (or null) and whose
     * stanza-id {@code by} {@code archivedBy} carries the archive id.
     */
    static String of(Element message, String body, String extJson, String archivedBy) {
        return split(message, body, extJson, archivedBy).xml();
    }

    /**
     * A stanza's stored text ({@link #of}) with the texts left out of it: the body and the ext, each null when the text
     * keeps it (or there is none). Together they are the stanza's content, each counted once.
     */
    record Split(String xml, String leftOutBody, String leftOutExt) {

        /** True when the stanza's content (its stored text, body and ext) takes more than {@code maxBytes} in UTF-8. */
        boolean exceeds(int maxBytes) {
            return MessageLimits.exceeds(maxBytes, xml, leftOutBody, leftOutExt);
        }
    }

    /** {@link #of} with what it left out. */
    static Split split(Element message, String body, String extJson, String archivedBy) {
        Element bodyElement = single(message, BODY, body);
        Element extElement = extJson == null ? null : single(message, EXT, extJson);
        Element stanzaId = stanzaId(message, archivedBy);
        return new Split(StanzaXml.without(message, bodyElement, extElement, stanzaId),
                bodyElement == null ? null : body, extElement == null ? null : extJson);
    }

    /**
     * Puts back into the archived {@code message} (parsed, in {@code jabber:client}) what {@link #of} left out: the
     * body {@code body}, the ext {@code extJson} (when not null) and the stanza-id {@code by} {@code archivedBy} with
     * {@code msgId}; each only when the stanza has none. Returns {@code message}.
     */
    static Element restore(Element message, String body, String extJson, String archivedBy, long msgId) {
        if (message.element(BODY) == null) {
            Element restored = DocumentHelper.createElement(QName.get(BODY, message.getNamespace()));
            message.content().add(0, body.isEmpty() ? restored : restored.addText(body));
        }
        if (extJson != null && message.element(EXT) == null) {
            message.addElement(EXT).addText(extJson);
        }
        if (stanzaId(message, archivedBy) == null) {
            StanzaIds.stamp(message, archivedBy, msgId);
        }
        return message;
    }

    /** The element named {@code name} when it is the only one, has no attributes and holds exactly {@code text}; else null. */
    private static Element single(Element message, String name, String text) {
        Element found = null;
        for (Iterator<Element> it = message.elementIterator(); it.hasNext(); ) {
            Element child = it.next();
            if (child.getName().equals(name)) {
                if (found != null) {
                    return null;
                }
                found = child;
            }
        }
        return isPlain(found, text) && isClientNamespace(found) ? found : null;
    }

    private static Element single(Element message, QName name, String text) {
        Element found = null;
        for (Iterator<Element> it = message.elementIterator(name); it.hasNext(); ) {
            if (found != null) {
                return null;
            }
            found = it.next();
        }
        return isPlain(found, text) ? found : null;
    }

    /** No attributes, no child elements, and its text (however many text nodes hold it) is {@code text}. */
    private static boolean isPlain(Element element, String text) {
        if (element == null || element.attributeCount() > 0) {
            return false;
        }
        for (int i = 0, count = element.nodeCount(); i < count; i++) {
            if (element.node(i).getNodeType() == Node.ELEMENT_NODE) {
                return false;
            }
        }
        return text.equals(element.getText());
    }

    private static boolean isClientNamespace(Element element) {
        String uri = element.getNamespaceURI();
        return uri.isEmpty() || uri.equals(CLIENT_NAMESPACE);
    }

    private static Element stanzaId(Element message, String by) {
        for (Iterator<Element> it = message.elementIterator(STANZA_ID); it.hasNext(); ) {
            Element child = it.next();
            if (by.equals(child.attributeValue("by"))) {
                return child;
            }
        }
        return null;
    }
}
