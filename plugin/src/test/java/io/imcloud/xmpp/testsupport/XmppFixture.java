package io.imcloud.xmpp.testsupport;

import io.imcloud.tenancy.AppMembership;
import io.imcloud.testsupport.TestMembership;
import io.imcloud.xmpp.TenantFirewall;
import org.jivesoftware.openfire.session.ClientSession;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Addresses, packets and sessions shared by the xmpp tests. */
public final class XmppFixture {

    /** The XMPP domain of the tests. */
    public static final String DOMAIN = "im.example.com";
    /** The multi-user chat service of the tests. */
    public static final String MUC_SERVICE = "conference." + DOMAIN;

    private XmppFixture() {
    }

    /**
     * A firewall on {@link #DOMAIN} that takes every well-formed app node for a registered user and opens no
     * service: for tests about other things than membership ({@code TenantIsolationTest} registers its users).
     */
    public static TenantFirewall firewallOfRegisteredShapes() {
        return new TenantFirewall(DOMAIN, new AppMembership(user -> true, new TestMembership()), service -> false,
                MUC_SERVICE::equals);
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
