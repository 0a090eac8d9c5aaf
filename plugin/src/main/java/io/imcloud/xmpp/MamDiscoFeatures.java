package io.imcloud.xmpp;

import io.imcloud.tenancy.AppUser;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * Advertises {@code urn:xmpp:mam:2} in service discovery to those it is served to, and to no one else:
 * an app user asking about the server (older clients), about their own bare JID (current XEP-0313), or about the room
 * of a group of their app (XEP-0313 addressed to a room).
 * <p>
 * Openfire's feature registry cannot say that: its server features go to everyone, and its
 * {@code UserFeaturesProvider} is not told which user is asked about. A plain user who was offered
 * the feature got {@code feature-not-implemented} for every query. So nothing is registered with
 * Openfire; instead the feature is added to the {@code disco#info} result on its way to the app
 * user's session ({@link ImcloudPacketInterceptor}).
 */
final class MamDiscoFeatures {

    static final String DISCO_INFO_NAMESPACE = "http://jabber.org/protocol/disco#info";

    private final TenantFirewall firewall;
    private final GroupRoomJids rooms;

    /**
     * Features for the app users that {@code firewall} recognises on its domain, about the server, themselves and (unless
     * {@code rooms} is null) the rooms of their app's groups.
     */
    MamDiscoFeatures(TenantFirewall firewall, GroupRoomJids rooms) {
        this.firewall = firewall;
        this.rooms = rooms;
    }

    /** Adds the MAM feature to {@code result} when it answers an app user about the server or about themselves. */
    void addTo(IQ result, JID receiver) {
        if (result.getType() != IQ.Type.result) {
            return;
        }
        Element query = result.getChildElement();
        AppUser user = firewall.localAppUser(receiver);
        if (query == null || !DISCO_INFO_NAMESPACE.equals(query.getNamespaceURI()) || query.attributeValue("node") != null
                || user == null || !isServerOrSelf(result.getFrom(), receiver) && !isOwnAppsRoom(result.getFrom(), user)) {
            return;
        }
        for (Element feature : query.elements("feature")) {
            if (MamIqHandler.NAMESPACE.equals(feature.attributeValue("var"))) {
                return;
            }
        }
        query.addElement("feature").addAttribute("var", MamIqHandler.NAMESPACE);
    }

    /** True for the bare JID of a room of a group of {@code user}'s app, whose archive members query (XEP-0313 on a room). */
    private boolean isOwnAppsRoom(JID about, AppUser user) {
        if (rooms == null || about == null || about.getResource() != null) {
            return false;
        }
        GroupRoomJids.GroupRef group = rooms.groupOf(about);
        return group != null && group.appKey().equals(user.appKey());
    }

    private boolean isServerOrSelf(JID about, JID receiver) {
        if (about == null) {
            return true;
        }
        if (about.getResource() != null || !firewall.domain().equals(about.getDomain())) {
            return false;
        }
        return about.getNode() == null || about.getNode().equals(receiver.getNode());
    }
}
