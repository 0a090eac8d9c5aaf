package io.imcloud.xmpp;

import io.imcloud.archive.ArchivedMessage;
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
 * Builds one XEP-0313 result message:
 * {@code <message to=requester from=archive><result xmlns='urn:xmpp:mam:2' queryid=.. id={archive id}>
 * <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp=../><message xmlns='jabber:client' ../>
 * </forwarded></result></message>}. The forwarded message is the stanza as archived, or, for messages
 * archived without one (messages archived before stanzas were stored), one rebuilt from sender, receiver,
 * type, body and ext.
 */
final class MamResults {

    private static final Logger Log = LoggerFactory.getLogger(MamResults.class);
    private static final Namespace CLIENT = Namespace.get("jabber:client");
    private static final String FORWARD_NAMESPACE = "urn:xmpp:forward:0";
    private static final String DELAY_NAMESPACE = "urn:xmpp:delay";

    private MamResults() {
    }

    static Message resultMessage(JID requester, JID archiveJid, String queryId, ArchivedMessage archived, String domain) {
        Message message = new Message();
        message.setTo(requester);
        message.setFrom(archiveJid);
        Element result = message.addChildElement("result", MamRequest.NAMESPACE);
        if (queryId != null) {
            result.addAttribute("queryid", queryId);
        }
        result.addAttribute("id", Long.toString(archived.msgId()));
        Element forwarded = result.addElement("forwarded", FORWARD_NAMESPACE);
        forwarded.addElement("delay", DELAY_NAMESPACE)
                .addAttribute("stamp", Instant.ofEpochMilli(archived.sentAt()).toString());
        forwarded.add(originalOrRebuilt(archived, domain));
        return message;
    }

    private static Element originalOrRebuilt(ArchivedMessage archived, String domain) {
        if (archived.stanzaXml() != null) {
            try {
                Element original = DocumentHelper.parseText(archived.stanzaXml()).getRootElement();
                if ("message".equals(original.getName())) {
                    return inClientNamespace(original);
                }
            } catch (DocumentException e) {
                Log.debug("Archived stanza of message {} does not parse; rebuilding it from the body", archived.msgId(), e);
            }
        }
        Element rebuilt = DocumentHelper.createElement(QName.get("message", CLIENT));
        rebuilt.addAttribute("from", new AppUser(archived.appKey(), archived.sender()).node() + "@" + domain);
        rebuilt.addAttribute("to", new AppUser(archived.appKey(), archived.receiver()).node() + "@" + domain);
        rebuilt.addAttribute("type", archived.hasMediaBody() ? "chat" : archived.type());
        if (archived.clientMsgId() != null) {
            rebuilt.addAttribute("id", archived.clientMsgId());
        }
        rebuilt.addElement(QName.get("body", CLIENT)).addText(archived.body());
        if (archived.extJson() != null) {
            rebuilt.addElement(MessageArchiver.EXT_ELEMENT, MessageArchiver.EXT_NAMESPACE).addText(archived.extJson());
        }
        return rebuilt;
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
