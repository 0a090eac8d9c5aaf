package io.imcloud.xmpp;

import io.imcloud.archive.MessageIds;
import io.imcloud.groups.Group;
import io.imcloud.tenancy.AppKey;
import org.xmpp.packet.JID;

/**
 * The addresses of the groups' rooms on the multi-user chat service that holds them: room {@code {org}#{app}_{groupId}}
 * at {@code conference.{domain}} (or the service the operator chose), Easemob's group JID.
 */
public final class GroupRoomJids {

    /** A group, as a room address names it. */
    public record GroupRef(AppKey appKey, long groupId) {
    }

    private final String serviceDomain;

    /** Rooms on the service {@code serviceDomain}, e.g. {@code conference.example.com}. */
    public GroupRoomJids(String serviceDomain) {
        this.serviceDomain = serviceDomain;
    }

    /** The domain of the service holding the rooms. */
    public String serviceDomain() {
        return serviceDomain;
    }

    /**
     * The group whose room {@code jid} names (with or without an occupant's nickname), or null for any other address.
     * Only the group id as {@link Group#roomNode} writes it names the group: {@code 01234} is another room of the app,
     * not group 1234's.
     */
    public GroupRef groupOf(JID jid) {
        if (jid == null || jid.getNode() == null || !serviceDomain.equals(jid.getDomain())) {
            return null;
        }
        String node = jid.getNode();
        AppKey appKey = AppKey.ofNodePrefix(node).orElse(null);
        if (appKey == null) {
            return null;
        }
        String suffix = node.substring(appKey.org().length() + appKey.app().length() + 2);
        long groupId = MessageIds.parse(suffix);
        return groupId < 0 || !Long.toString(groupId).equals(suffix) ? null : new GroupRef(appKey, groupId);
    }

    /** The bare JID of the room of group {@code groupId} of {@code appKey}. */
    public JID room(AppKey appKey, long groupId) {
        return new JID(Group.roomNode(appKey, groupId), serviceDomain, null);
    }
}
