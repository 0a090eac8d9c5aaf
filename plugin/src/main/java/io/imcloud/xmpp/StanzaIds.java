package io.imcloud.xmpp;

import io.imcloud.archive.MessageIds;
import org.dom4j.Element;
import org.dom4j.QName;

import java.util.Iterator;

/**
 * XEP-0359 {@code <stanza-id xmlns='urn:xmpp:sid:0' by='..' id='..'/>} on message elements: the
 * archive id we stamp for the receiver, and the forged ones we strip. Works on the dom4j element of
 * a Tinder packet, iterating children without copying.
 */
final class StanzaIds {

    static final String NAMESPACE = "urn:xmpp:sid:0";
    static final String ELEMENT = "stanza-id";
    /** Built once: naming the element by its parts looks its qualified name up in dom4j's shared cache each time. */
    private static final QName STANZA_ID = QName.get(ELEMENT, NAMESPACE);
    /** Attribute names built once too: naming one by a string looks it up in that cache, a synchronized map. */
    private static final QName BY = QName.get("by");
    private static final QName ID = QName.get("id");

    private StanzaIds() {
    }

    /** Adds {@code <stanza-id by='{by}' id='{id}'/>}. */
    static void stamp(Element message, String by, long id) {
        message.addElement(STANZA_ID)
                .addAttribute(BY, by)
                .addAttribute(ID, Long.toString(id));
    }

    /**
     * Removes every stanza-id whose {@code by} is our server or one of its users: only this server may
     * assert ids for its own addresses. A {@code by} of another server (or a component) is kept.
     *
     * @return how many were removed
     */
    static int stripLocal(Element message, String domain) {
        int removed = 0;
        for (Iterator<Element> it = message.elementIterator(); it.hasNext(); ) {
            Element child = it.next();
            if (isStanzaId(child) && isLocal(child.attributeValue("by"), domain)) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    /** The archive id of the stanza-id {@code by} {@code bareJid}, or -1 when there is none (or it is no number). */
    static long find(Element message, String bareJid) {
        for (Iterator<Element> it = message.elementIterator(); it.hasNext(); ) {
            Element child = it.next();
            if (isStanzaId(child) && bareJid.equals(child.attributeValue("by"))) {
                return MessageIds.parse(child.attributeValue("id"));
            }
        }
        return -1;
    }

    private static boolean isStanzaId(Element element) {
        return ELEMENT.equals(element.getName()) && NAMESPACE.equals(element.getNamespaceURI());
    }

    private static boolean isLocal(String by, String domain) {
        if (by == null) {
            return false;
        }
        int slash = by.indexOf('/');
        String bare = slash < 0 ? by : by.substring(0, slash);
        int at = bare.indexOf('@');
        String byDomain = at < 0 ? bare : bare.substring(at + 1);
        return byDomain.equalsIgnoreCase(domain);
    }
}
