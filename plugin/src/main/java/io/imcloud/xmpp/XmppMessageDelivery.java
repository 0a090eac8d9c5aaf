package io.imcloud.xmpp;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.MessageDelivery;
import io.imcloud.tenancy.AppUser;
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
 * <li>{@code <ext xmlns='urn:imcloud:ext'>{JSON}</ext>} when the message has an ext.</li>
 * </ul>
 */
public final class XmppMessageDelivery implements MessageDelivery {

    private final String xmppDomain;
    private final Consumer<Message> router;

    /**
     * @param xmppDomain Openfire's XMPP domain ({@code XMPPServer.getInstance().getServerInfo().getXMPPDomain()})
     * @param router     routes a message ({@code XMPPServer.getInstance().getMessageRouter()::route})
     */
    public XmppMessageDelivery(String xmppDomain, Consumer<Message> router) {
        this.xmppDomain = Objects.requireNonNull(xmppDomain);
        this.router = Objects.requireNonNull(router);
    }

    @Override
    public Prepared prepare(ArchivedMessage message) {
        Message stanza = stanzaOf(message);
        String xml = stanza.toXML();
        return new Prepared() {
            @Override
            public String stanzaXml() {
                return xml;
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
        stanza.setBody(message.body());
        if (message.extJson() != null) {
            stanza.getElement().addElement(MessageArchiver.EXT_ELEMENT, MessageArchiver.EXT_NAMESPACE)
                    .setText(message.extJson());
        }
        StanzaIds.stamp(stanza.getElement(), to.toBareJID(), message.msgId());
        return stanza;
    }

    private JID bareJid(AppUser user) {
        return new JID(user.node(), xmppDomain, null);
    }
}
