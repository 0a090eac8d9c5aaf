package io.imcloud.xmpp;

import io.imcloud.groups.GroupMembership;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.StoreException;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

/**
 * Keeps a group's room what the group says it is. A group's members and settings change only through the app's REST
 * API, which changes the database and the room together; a client could change the room alone, and Openfire would let an
 * owner or admin do so: affiliations and roles ({@code muc#admin}), the configuration, such as members-only, and
 * destruction ({@code muc#owner}), and invitations ({@code muc#user}, which in a members-only room make the invitee a
 * member). Such stanzas a client sends to a group's room are refused with {@code not-allowed}; queries ({@code get})
 * stay allowed. And only a member may enter a group's room: Openfire would let anyone create a room at an address of a
 * group that does not exist (yet), which would then stand in the group's way; a user's presence to a group's room is
 * refused unless the database has them as a member (one indexed read per joining presence), and a member enters under
 * their username as nickname, never another member's.
 */
public final class GroupRoomGuard {

    private final GroupRoomJids rooms;
    private final GroupMembership members;

    /** A guard of the rooms at {@code rooms}, with {@code members} telling who may enter them. */
    public GroupRoomGuard(GroupRoomJids rooms, GroupMembership members) {
        this.rooms = rooms;
        this.members = members;
    }

    /**
     * Refuses a client's change to a group's room, and a non-member's entry; {@code from} and {@code to} are the
     * packet's addresses.
     *
     * @throws StanzaRejection {@code not-allowed} for an affiliation, role or configuration change or an invitation,
     *                         {@code registration-required} (as Openfire answers for a members-only room) for a user who
     *                         is no member entering
     */
    void check(Packet packet, JID from, JID to) throws StanzaRejection {
        GroupRoomJids.GroupRef group = rooms.groupOf(to);
        if (group == null) {
            return;
        }
        if (packet instanceof Presence presence && presence.getType() == null) {
            checkEntry(group, from, to);
            return;
        }
        if (packet instanceof IQ iq && iq.getType() == IQ.Type.set && iq.getChildElement() != null) {
            String namespace = iq.getChildElement().getNamespaceURI();
            if (TenantFirewall.MUC_ADMIN_NAMESPACE.equals(namespace) || TenantFirewall.MUC_OWNER_NAMESPACE.equals(namespace)) {
                throw refusal();
            }
        } else if (packet instanceof Message message) {
            Element x = message.getChildElement("x", TenantFirewall.MUC_USER_NAMESPACE);
            if (x != null && x.element("invite") != null) {
                throw refusal();
            }
        }
    }

    /**
     * A member enters, or changes their nickname, under their username only: the room's messages tell their sender by
     * nickname, and those the app sends through REST carry the sender's username there.
     */
    private void checkEntry(GroupRoomJids.GroupRef group, JID from, JID to) throws StanzaRejection {
        AppUser user = from == null ? null : AppUser.fromNode(from.getNode()).orElse(null);
        boolean member;
        try {
            member = user != null && members.isMember(group.appKey(), group.groupId(), user.username());
        } catch (StoreException e) {
            // fail closed, as the tenant firewall does; the outage is reported by the archive writer, not once per stanza
            throw TenantFirewall.Refusal.MEMBERSHIP_UNKNOWN.rejection();
        }
        if (!member) {
            throw new StanzaRejection(PacketError.Condition.registration_required, PacketError.Type.auth,
                    "Only members of the group may enter its room");
        }
        if (!user.username().equals(to.getResource())) {
            throw new StanzaRejection(PacketError.Condition.not_acceptable, PacketError.Type.cancel,
                    "In a group's room a member's nickname is their username: " + user.username());
        }
    }

    private static StanzaRejection refusal() {
        return new StanzaRejection(PacketError.Condition.not_allowed, PacketError.Type.cancel,
                "A group's members and settings change through its app's REST API");
    }
}
