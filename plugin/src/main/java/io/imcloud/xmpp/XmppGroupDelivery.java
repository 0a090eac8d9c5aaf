package io.imcloud.xmpp;

import io.imcloud.archive.GroupDelivery;
import io.imcloud.archive.GroupMessage;
import io.imcloud.archive.MessageDelivery;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import java.util.function.Consumer;

/**
 * The XMPP side of server-side sends to groups: builds the {@code groupchat} stanza of an archived group message as the
 * room sends its members' messages, and hands it to the room to broadcast to its occupants.
 * <ul>
 * <li>{@code from} is {@code {room}/{sender's username}}: the sender as an occupant of the room, whether or not they
 * are in it;</li>
 * <li>{@code <stanza-id xmlns='urn:xmpp:sid:0' by='{room bare JID}' id='{msg_id}'/>}, and the stanza's {@code id} is
 * the msg_id too, so that displayed markers and XEP-0313 paging name the archived message;</li>
 * <li>{@code <ext xmlns='urn:imcloud:ext'>} and, for voice, image and file messages, the URL and out-of-band data as
 * in {@link XmppMessageDelivery}.</li>
 * </ul>
 */
public final class XmppGroupDelivery implements GroupDelivery {

    private final GroupRoomJids rooms;
    private final Consumer<Message> broadcaster;

    /**
     * @param rooms       the addresses of the groups' rooms
     * @param broadcaster broadcasts a message from a room ({@code from} names it) to the room's occupants
     */
    public XmppGroupDelivery(GroupRoomJids rooms, Consumer<Message> broadcaster) {
        this.rooms = rooms;
        this.broadcaster = broadcaster;
    }

    @Override
    public MessageDelivery.Prepared prepare(GroupMessage message) {
        Message stanza = stanzaOf(message);
        String xml = StoredStanza.of(stanza.getElement(), message.body(), message.extJson(), stanza.getTo().toBareJID());
        return new MessageDelivery.Prepared() {
            @Override
            public String stanzaXml() {
                return xml;
            }

            /** A room delivers to its occupants itself (their own privacy lists apply there): nothing is refused here. */
            @Override
            public boolean refused() {
                return false;
            }

            @Override
            public void send() {
                broadcaster.accept(stanza);
            }
        };
    }

    /** The room's stanza of {@code message}, not yet broadcast. */
    Message stanzaOf(GroupMessage message) {
        JID room = rooms.room(message.appKey(), message.groupId());
        Message stanza = new Message();
        stanza.setType(Message.Type.groupchat);
        stanza.setFrom(new JID(room.getNode(), room.getDomain(), message.sender()));
        stanza.setTo(room);
        stanza.setID(Long.toString(message.msgId()));
        if (message.hasMediaBody()) {
            XmppMessageDelivery.addMedia(stanza, message.type(), message.body());
        } else {
            stanza.setBody(message.body());
        }
        if (message.extJson() != null) {
            stanza.getElement().addElement(MessageArchiver.EXT_ELEMENT, MessageArchiver.EXT_NAMESPACE).setText(message.extJson());
        }
        StanzaIds.stamp(stanza.getElement(), room.toBareJID(), message.msgId());
        return stanza;
    }
}
