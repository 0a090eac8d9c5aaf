package io.imcloud.xmpp;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.GroupMessage;
import io.imcloud.tenancy.AppUser;
import org.dom4j.Attribute;
import org.dom4j.DocumentException;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.Node;
import org.dom4j.QName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import java.time.Instant;

/**
 * Builds one XEP-0313 result message (of a user's archive or a group's):
 * {@code <message to=requester from=archive><result xmlns='urn:xmpp:mam:2' queryid=.. id={archive id}>
 * <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp=../><message xmlns='jabber:client' ../>
 * </forwarded></result></message>}. The forwarded message is the stanza as archived, with what the archive keeps in
 * its own fields put back ({@link StoredStanza}), or, for messages archived without one (messages archived before
 * stanzas were stored), one rebuilt from sender, receiver, type, body and ext.
 */
final class MamResults {

    private static final Logger Log = LoggerFactory.getLogger(MamResults.class);
    private static final Namespace CLIENT = Namespace.get("jabber:client");
    private static final String FORWARD_NAMESPACE = "urn:xmpp:forward:0";
    private static final String DELAY_NAMESPACE = "urn:xmpp:delay";

    private MamResults() {
    }

    /** The result message of archived message {@code msgId} sent at {@code sentAt}, forwarding {@code forwardedMessage}. */
    static Message resultMessage(JID requester, JID archiveJid, String queryId, long msgId, long sentAt, Element forwardedMessage) {
        Message message = new Message();
        message.setTo(requester);
        message.setFrom(archiveJid);
        Element result = message.addChildElement("result", MamRequest.NAMESPACE);
        if (queryId != null) {
            result.addAttribute("queryid", queryId);
        }
        result.addAttribute("id", Long.toString(msgId));
        Element forwarded = result.addElement("forwarded", FORWARD_NAMESPACE);
        forwarded.addElement("delay", DELAY_NAMESPACE)
                .addAttribute("stamp", Instant.ofEpochMilli(sentAt).toString());
        forwarded.add(forwardedMessage);
        return message;
    }

    /** The 1:1 message to forward: the stanza as archived (restored), or one rebuilt from the archive's fields. */
    static Element forwarded(ArchivedMessage archived, String domain) {
        String receiver = new AppUser(archived.appKey(), archived.receiver()).node() + "@" + domain;
        Element original = original(archived.stanzaXml(), archived.msgId());
        if (original == null) {
            original = DocumentHelper.createElement(QName.get("message", CLIENT));
            original.addAttribute("from", new AppUser(archived.appKey(), archived.sender()).node() + "@" + domain);
            original.addAttribute("to", receiver);
            original.addAttribute("type", archived.hasMediaBody() ? "chat" : archived.type());
            if (archived.clientMsgId() != null) {
                original.addAttribute("id", archived.clientMsgId());
            }
        }
        return StoredStanza.restore(original, archived.body(), archived.extJson(), receiver, archived.msgId());
    }

    /**
     * The group message to forward: the stanza as the members got it from the room (restored), or one rebuilt from the archive's
     * fields ({@code from} the sender's nickname in the room, {@code groupchat}).
     */
    static Element forwarded(GroupMessage archived, JID room) {
        Element original = original(archived.stanzaXml(), archived.msgId());
        if (original == null) {
            original = DocumentHelper.createElement(QName.get("message", CLIENT));
            original.addAttribute("from", new JID(room.getNode(), room.getDomain(), archived.sender()).toString());
            original.addAttribute("to", room.toBareJID());
            original.addAttribute("type", "groupchat");
            if (archived.clientMsgId() != null) {
                original.addAttribute("id", archived.clientMsgId());
            }
        }
        return StoredStanza.restore(original, archived.body(), archived.extJson(), room.toBareJID(), archived.msgId());
    }

    /** The archived stanza {@code xml} as a message element in {@code jabber:client}, or null when there is none or it does not parse. */
    private static Element original(String xml, long msgId) {
        if (xml == null) {
            return null;
        }
        try {
            Element original = DocumentHelper.parseText(xml).getRootElement();
            if ("message".equals(original.getName())) {
                return inClientNamespace(original);
            }
        } catch (DocumentException e) {
            Log.debug("Archived stanza of message {} does not parse; rebuilding it from the body", msgId, e);
        }
        return null;
    }

    /**
     * A detached copy with every element that has no namespace moved into {@code jabber:client}: a
     * stanza serialised by Tinder carries none, and inside {@code <forwarded/>} it would otherwise
     * land in the forwarding namespace.
     */
    private static Element inClientNamespace(Element source) {
        if (!source.getNamespaceURI().isEmpty()) {
            return source.createCopy();
        }
        Element copy = DocumentHelper.createElement(QName.get(source.getName(), CLIENT));
        for (Attribute attribute : source.attributes()) {
            copy.addAttribute(attribute.getQName(), attribute.getValue());
        }
        for (Node node : source.content()) {
            if (node instanceof Element child) {
                copy.add(inClientNamespace(child));
            } else if (node.getNodeType() == Node.TEXT_NODE || node.getNodeType() == Node.CDATA_SECTION_NODE) {
                copy.addText(node.getText());
            }
        }
        return copy;
    }
}
