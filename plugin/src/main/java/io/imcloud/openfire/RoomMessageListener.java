package io.imcloud.openfire;

import io.imcloud.xmpp.GroupMessageArchiver;
import org.jivesoftware.openfire.muc.MUCEventListener;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

/**
 * Hands the messages Openfire's rooms accept and broadcast to the group archive ({@code messageReceived}, fired once per
 * message on the node that processed it, after the broadcast). The other events are of no interest.
 *
 * <p>{@code MUCEventListener} differs between Openfire 4.2.0, which the plugin compiles against, and 5.x, which calls
 * it: 5.x added room ids to the room events and a nickname to {@code occupantLeft}, and added
 * {@code roomClearChatHistory} and {@code occupantNickKicked}. Every method of both is implemented here (those of 5.x
 * without {@code @Override}, as 4.2.0 does not declare them), so that neither calls a method this class lacks.
 */
final class RoomMessageListener implements MUCEventListener {

    private final GroupMessageArchiver groups;

    RoomMessageListener(GroupMessageArchiver groups) {
        this.groups = groups;
    }

    @Override
    public void messageReceived(JID roomJID, JID user, String nickname, Message message) {
        groups.onBroadcast(roomJID, user, message);
    }

    @Override
    public void roomCreated(JID roomJID) {
        // Openfire 4.x
    }

    public void roomCreated(long roomID, JID roomJID) {
        // Openfire 5.x
    }

    @Override
    public void roomDestroyed(JID roomJID) {
        // Openfire 4.x
    }

    public void roomDestroyed(long roomID, JID roomJID) {
        // Openfire 5.x
    }

    public void roomClearChatHistory(long roomID, JID roomJID) {
        // Openfire 5.x: the room's own history, not imcloud's archive
    }

    @Override
    public void occupantJoined(JID roomJID, JID user, String nickname) {
        // presence only
    }

    @Override
    public void occupantLeft(JID roomJID, JID user) {
        // Openfire 4.x
    }

    public void occupantLeft(JID roomJID, JID user, String nickname) {
        // Openfire 5.x
    }

    public void occupantNickKicked(JID roomJID, String nickname) {
        // Openfire 5.x
    }

    @Override
    public void nicknameChanged(JID roomJID, JID user, String oldNickname, String newNickname) {
        // presence only
    }

    @Override
    public void privateMessageRecieved(JID toJID, JID fromJID, Message message) {
        // between two occupants: not the group's message
    }

    @Override
    public void roomSubjectChanged(JID roomJID, JID user, String newSubject) {
        // not a message of the group's archive
    }
}
