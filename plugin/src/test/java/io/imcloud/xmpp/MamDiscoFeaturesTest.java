package io.imcloud.xmpp;

import io.imcloud.archive.Archive;
import io.imcloud.archive.GroupArchive;
import io.imcloud.attachments.FileUseRecorder;
import org.dom4j.Element;
import org.jivesoftware.openfire.interceptor.PacketRejectedException;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

import java.util.ArrayList;
import java.util.List;

import static io.imcloud.xmpp.testsupport.XmppFixture.DOMAIN;
import static io.imcloud.xmpp.testsupport.XmppFixture.bare;
import static io.imcloud.xmpp.testsupport.XmppFixture.clientSession;
import static io.imcloud.xmpp.testsupport.XmppFixture.firewallOfRegisteredShapes;
import static io.imcloud.xmpp.testsupport.XmppFixture.full;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;

/**
 * urn:xmpp:mam:2 in service discovery: added to the disco#info answers an app user gets about the
 * server, their own account or a room of their app's groups, and to no one else's (plain users would be refused the
 * queries).
 */
class MamDiscoFeaturesTest {

    static final String ALICE = "acme#chat_alice";

    final List<String> none = new ArrayList<>();

    @Test
    void anAppUserLearnsOfMamAndStanzaIdsOnTheServerAndOnTheirOwnAccount() throws Exception {
        assertEquals(List.of(MamIqHandler.NAMESPACE, StanzaIds.NAMESPACE), features(answer(new JID(DOMAIN), full(ALICE), null), true));
        assertEquals(List.of(MamIqHandler.NAMESPACE, StanzaIds.NAMESPACE), features(answer(bare(ALICE), full(ALICE), null), true));
    }

    @Test
    void plainUsersOtherAccountsNodesAndServicesAreLeftAlone() throws Exception {
        assertEquals(none, features(answer(new JID(DOMAIN), full("plainuser"), null), true), "a plain user");
        assertEquals(none, features(answer(bare("acme#chat_bob"), full(ALICE), null), true), "someone else's account");
        assertEquals(none, features(answer(full(ALICE), full(ALICE), null), true), "a resource, not the account");
        assertEquals(none, features(answer(new JID(DOMAIN), full(ALICE), "http://jabber.org/protocol/commands"), true),
                "a node of the server");
        assertEquals(none, features(answer(new JID("conference." + DOMAIN), full(ALICE), null), true), "a service");
    }

    @Test
    void anAppUserLearnsOfMamOnTheRoomsOfTheirAppsGroupsOnly() throws Exception {
        String service = "conference." + DOMAIN;
        assertEquals(List.of(MamIqHandler.NAMESPACE), features(answer(new JID("acme#chat_42", service, null), full(ALICE), null), true));
        assertEquals(none, features(answer(new JID("acme#other_42", service, null), full(ALICE), null), true), "another app's room");
        assertEquals(none, features(answer(new JID("acme#chat_42", service, "bob"), full(ALICE), null), true), "an occupant");
        assertEquals(none, features(answer(new JID("lobby", service, null), full(ALICE), null), true), "a plain room");
        assertEquals(none, features(answer(new JID("acme#chat_42", "other." + DOMAIN, null), full(ALICE), null), true),
                "a room of another service");
    }

    @Test
    void nothingIsAdvertisedWhenAnotherPluginServesMam() throws Exception {
        assertEquals(none, features(answer(bare(ALICE), full(ALICE), null), false));
    }

    @Test
    void theFeaturesAreNotListedTwice() throws Exception {
        IQ answer = answer(new JID(DOMAIN), full(ALICE), null);
        answer.getChildElement().addElement("feature").addAttribute("var", MamIqHandler.NAMESPACE);
        answer.getChildElement().addElement("feature").addAttribute("var", StanzaIds.NAMESPACE);
        assertEquals(List.of(MamIqHandler.NAMESPACE, StanzaIds.NAMESPACE), features(answer, true));
    }

    /** A disco#info result from {@code about} to {@code receiver}, listing one unrelated feature. */
    private static IQ answer(JID about, JID receiver, String node) {
        IQ result = new IQ(IQ.Type.result, "disco1");
        result.setFrom(about);
        result.setTo(receiver);
        Element query = result.setChildElement("query", MamDiscoFeatures.DISCO_INFO_NAMESPACE);
        if (node != null) {
            query.addAttribute("node", node);
        }
        query.addElement("feature").addAttribute("var", "jabber:iq:version");
        return result;
    }

    /** The MAM and stanza-id features of {@code answer} after it went through the interceptor to its receiver's session. */
    private static List<String> features(IQ answer, boolean servesMam) throws PacketRejectedException {
        TenantFirewall firewall = firewallOfRegisteredShapes();
        GroupMessageArchiver groups = new GroupMessageArchiver(mock(GroupArchive.class), firewall,
                new GroupRoomJids("conference." + DOMAIN), () -> MessageLimits.DEFAULTS, FileUseRecorder.NONE);
        ImcloudPacketInterceptor interceptor = new ImcloudPacketInterceptor(firewall,
                new MessageArchiver(mock(Archive.class), firewall, () -> MessageLimits.DEFAULTS, PrivacyLists.NONE, FileUseRecorder.NONE), groups,
                new GroupRoomGuard(groups.rooms(), (app, id, user) -> true), servesMam, p -> { });
        interceptor.interceptPacket(answer, clientSession(answer.getTo()), false, false);
        List<String> found = new ArrayList<>();
        for (Element feature : answer.getChildElement().elements("feature")) {
            if (List.of(MamIqHandler.NAMESPACE, StanzaIds.NAMESPACE).contains(feature.attributeValue("var"))) {
                found.add(feature.attributeValue("var"));
            }
        }
        return found;
    }
}
