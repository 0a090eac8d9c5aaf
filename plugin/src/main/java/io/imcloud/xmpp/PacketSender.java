package io.imcloud.xmpp;

import org.xmpp.packet.Packet;

/**
 * Where the XMPP adapters hand packets they originate (XEP-0313 result messages, error replies to
 * remote senders). The plugin passes {@code XMPPServer.getInstance().getPacketRouter()::route};
 * tests pass a list's {@code add}.
 */
@FunctionalInterface
public interface PacketSender {

    /** Routes {@code packet} to its {@code to} address. */
    void send(Packet packet);
}
