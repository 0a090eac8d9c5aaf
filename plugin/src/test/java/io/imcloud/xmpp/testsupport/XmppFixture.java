package io.imcloud.xmpp.testsupport;

import org.jivesoftware.openfire.session.ClientSession;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Addresses, packets and sessions shared by the xmpp tests. */
public final class XmppFixture {

    /** The XMPP domain of the tests. */
    public static final String DOMAIN = "im.example.com";

    private XmppFixture() {
    }

    /** {@code node@DOMAIN/phone}. */
    public static JID full(String node) {
        return new JID(node, DOMAIN, "phone");
    }

    /** {@code node@DOMAIN}. */
    public static JID bare(String node) {
        return new JID(node, DOMAIN, null);
    }

    /** A client session (Mockito) whose address is {@code address}; open unless told otherwise. */
    public static ClientSession clientSession(JID address) {
        ClientSession session = mock(ClientSession.class);
        when(session.getAddress()).thenReturn(address);
        return session;
    }

    /** A chat message with a body and a client id. */
    public static Message chat(JID from, JID to, String body, String clientId) {
        Message message = new Message();
        message.setType(Message.Type.chat);
        message.setFrom(from);
        message.setTo(to);
        message.setBody(body);
        message.setID(clientId);
        return message;
    }
}
