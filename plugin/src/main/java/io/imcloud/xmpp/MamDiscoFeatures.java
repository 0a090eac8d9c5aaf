package io.imcloud.xmpp;

import io.imcloud.tenancy.AppUser;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * Advertises {@code urn:xmpp:mam:2} in service discovery to those it is served to, and to no one else:
 * an app user asking about the server (older clients), about their own bare JID (current XEP-0313), or about the room
 * of a group of their app (XEP-0313 addressed to a room). With it, about the server and their own bare JID,
 * {@code urn:xmpp:sid:0} (XEP-0359): the archive ids their messages carry are the server's, which clients such as
 * Conversations trust only when it is advertised (a room's is advertised by Openfire's chat service).
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

    /**
     * Adds the MAM and stanza-id features to {@code result} when it answers an app user about the server or about
     * themselves, the MAM feature when it answers about a room of their app's groups.
     */
    void addTo(IQ result, JID receiver) {
        if (result.getType() != IQ.Type.result) {
            return;
        }
        Element query = result.getChildElement();
        AppUser user = firewall.localAppUser(receiver);
        if (query == null || !DISCO_INFO_NAMESPACE.equals(query.getNamespaceURI()) || query.attributeValue("node") != null
                || user == null) {
            return;
        }
        if (isServerOrSelf(result.getFrom(), receiver)) {
            addFeature(query, MamIqHandler.NAMESPACE);
            addFeature(query, StanzaIds.NAMESPACE);
        } else if (isOwnAppsRoom(result.getFrom(), user)) {
            addFeature(query, MamIqHandler.NAMESPACE);
        }
    }

    private static void addFeature(Element query, String feature) {
        for (Element present : query.elements("feature")) {
            if (feature.equals(present.attributeValue("var"))) {
                return;
            }
        }
        query.addElement("feature").addAttribute("var", feature);
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
