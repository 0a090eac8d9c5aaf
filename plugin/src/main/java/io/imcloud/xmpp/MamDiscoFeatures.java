package io.imcloud.xmpp;

import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * Advertises {@code urn:xmpp:mam:2} in service discovery to those it is served to, and to no one else:
 * an app user asking about the server (older clients) or about their own bare JID (current XEP-0313).
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

    /** Features for the app users that {@code firewall} recognises on its domain. */
    MamDiscoFeatures(TenantFirewall firewall) {
        this.firewall = firewall;
    }

    /** Adds the MAM feature to {@code result} when it answers an app user about the server or about themselves. */
    void addTo(IQ result, JID receiver) {
        if (result.getType() != IQ.Type.result) {
            return;
        }
        Element query = result.getChildElement();
        if (query == null || !DISCO_INFO_NAMESPACE.equals(query.getNamespaceURI()) || query.attributeValue("node") != null
                || firewall.localAppUser(receiver) == null || !isServerOrSelf(result.getFrom(), receiver)) {
            return;
        }
        for (Element feature : query.elements("feature")) {
            if (MamIqHandler.NAMESPACE.equals(feature.attributeValue("var"))) {
                return;
            }
        }
        query.addElement("feature").addAttribute("var", MamIqHandler.NAMESPACE);
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
