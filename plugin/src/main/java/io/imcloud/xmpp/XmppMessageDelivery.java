package io.imcloud.xmpp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.MessageDelivery;
import io.imcloud.tenancy.AppUser;
import org.dom4j.Element;
import org.dom4j.QName;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The XMPP side of server-side sends: builds the {@code chat} stanza of an archived message the way
 * {@link ImcloudPacketInterceptor} expects server-generated messages to look, and routes it.
 * <ul>
 * <li>{@code from} and {@code to} are the bare JIDs {@code {org}#{app}_{username}@{domain}}: with no
 * sender session the interceptor neither archives nor stamps it again;</li>
 * <li>{@code <stanza-id xmlns='urn:xmpp:sid:0' by='{receiver bare JID}' id='{msg_id}'/>}: the
 * interceptor and {@link OfflineStateListener} find it and record DELIVERED or OFFLINE;</li>
 * <li>the stanza's {@code id} attribute is the msg_id too, so a client's receipts and XEP-0333 markers
 * name the archived message;</li>
 * <li>{@code <ext xmlns='urn:imcloud:ext'>{JSON}</ext>} when the message has an ext;</li>
 * <li>for a voice, image or file message: the file's URL as the body and as XEP-0066 out-of-band data
 * ({@code <x xmlns='jabber:x:oob'><url/><desc/></x>}), so unchanged clients play or show it, and Easemob's body
 * object as {@code <media xmlns='urn:imcloud:media'>{JSON}</media>} for the apps' own clients.</li>
 * </ul>
 * A stanza that the sender's or the receiver's privacy or block list keeps from the receiver is
 * {@linkplain Prepared#refused() refused}: Openfire would not deliver it, and would answer the sender with an
 * error for a message the sender's client never sent.
 */
public final class XmppMessageDelivery implements MessageDelivery {

    /** XEP-0066's namespace. */
    public static final String OOB_NAMESPACE = "jabber:x:oob";
    /** The element carrying a voice, image or file message's Easemob body object. */
    public static final String MEDIA_ELEMENT = "media";
    public static final String MEDIA_NAMESPACE = "urn:imcloud:media";
    private static final QName MEDIA = QName.get(MEDIA_ELEMENT, MEDIA_NAMESPACE);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Removes every Easemob body object from a message a client sent: only the server's own sends carry one, and the
     * apps' clients take it for the server's word on the file (its type, size, URL).
     */
    static void removeMediaBodies(Element message) {
        // one look without a list made: a client's message never has one
        for (Element media = message.element(MEDIA); media != null; media = message.element(MEDIA)) {
            message.remove(media);
        }
    }

    private final String xmppDomain;
    private final Consumer<Message> router;
    private final PrivacyLists privacy;

    /**
     * @param xmppDomain Openfire's XMPP domain ({@code XMPPServer.getInstance().getServerInfo().getXMPPDomain()})
     * @param router     routes a message ({@code XMPPServer.getInstance().getMessageRouter()::route})
     * @param privacy    the privacy and block lists a message must pass, asked with no sender session
     */
    public XmppMessageDelivery(String xmppDomain, Consumer<Message> router, PrivacyLists privacy) {
        this.xmppDomain = Objects.requireNonNull(xmppDomain);
        this.router = Objects.requireNonNull(router);
        this.privacy = Objects.requireNonNull(privacy);
    }

    @Override
    public Prepared prepare(ArchivedMessage message) {
        Message stanza = stanzaOf(message);
        String xml = StoredStanza.of(stanza.getElement(), message.body(), message.extJson(), stanza.getTo().toBareJID());
        boolean refused = privacy.blocksDelivery(stanza, null);
        return new Prepared() {
            @Override
            public String stanzaXml() {
                return xml;
            }

            @Override
            public boolean refused() {
                return refused;
            }

            @Override
            public void send() {
                router.accept(stanza);
            }
        };
    }

    /** The stanza of {@code message}, not yet routed. */
    Message stanzaOf(ArchivedMessage message) {
        JID from = bareJid(new AppUser(message.appKey(), message.sender()));
        JID to = bareJid(new AppUser(message.appKey(), message.receiver()));
        Message stanza = new Message();
        stanza.setType(Message.Type.chat);
        stanza.setFrom(from);
        stanza.setTo(to);
        stanza.setID(Long.toString(message.msgId()));
        if (message.hasMediaBody()) {
            addMedia(stanza, message.type(), message.body());
        } else {
            stanza.setBody(message.body());
        }
        if (message.extJson() != null) {
            stanza.getElement().addElement(MessageArchiver.EXT_ELEMENT, MessageArchiver.EXT_NAMESPACE)
                    .setText(message.extJson());
        }
        StanzaIds.stamp(stanza.getElement(), to.toBareJID(), message.msgId());
        return stanza;
    }

    /**
     * Makes {@code stanza} carry a voice, image or file message: the URL of {@code bodyJson} (Easemob's body object) as the
     * body and as XEP-0066 out-of-band data, and the body object itself.
     */
    static void addMedia(Message stanza, String type, String bodyJson) {
        JsonNode body;
        try {
            body = JSON.readTree(bodyJson);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("The body of a " + type + " message is no JSON object", e);
        }
        String url = body.path("url").asText("");
        stanza.setBody(url);
        Element oob = stanza.getElement().addElement("x", OOB_NAMESPACE);
        oob.addElement("url").setText(url);
        if (body.hasNonNull("filename")) {
            oob.addElement("desc").setText(body.get("filename").asText());
        }
        stanza.getElement().addElement(MEDIA_ELEMENT, MEDIA_NAMESPACE).setText(bodyJson);
    }

    private JID bareJid(AppUser user) {
        return new JID(user.node(), xmppDomain, null);
    }
}
