package io.imcloud.xmpp;

import io.imcloud.archive.ArchiveQuery;
import io.imcloud.archive.SqlArchive;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.xmpp.testsupport.TestArchives;
import org.dom4j.Element;
import org.jivesoftware.openfire.interceptor.PacketRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

import java.util.ArrayList;
import java.util.List;

import static io.imcloud.xmpp.testsupport.XmppFixture.DOMAIN;
import static io.imcloud.xmpp.testsupport.XmppFixture.bare;
import static io.imcloud.xmpp.testsupport.XmppFixture.chat;
import static io.imcloud.xmpp.testsupport.XmppFixture.full;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tenant isolation through the interceptor, in every direction, with real Tinder packets, on every available database. */
@ParameterizedClass(name = "{0}")
@MethodSource("io.imcloud.testsupport.TestDatabase#available")
class TenantIsolationTest {

    static final String ALICE = "acme#chat_alice";
    static final String BOB = "acme#chat_bob";
    static final String CAROL = "acme#other_carol";
    static final String PLAIN = "admin";
    static final JID REMOTE = new JID("eve", "remote.org", "laptop");

    @Parameter
    DatabaseType databaseType;
    TestDatabase db;
    SqlArchive archive;
    List<Packet> sent;
    ImcloudPacketInterceptor interceptor;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create(databaseType);
        archive = TestArchives.open(db);
        sent = new ArrayList<>();
        interceptor = new ImcloudPacketInterceptor(archive, DOMAIN, true, packet -> {
            try { // Openfire's routers run the interceptors on every packet they route, our own replies too
                interceptor.interceptPacket(packet, null, true, false);
            } catch (PacketRejectedException e) {
                throw new AssertionError("the interceptor rejected its own reply: " + e.getMessage(), e);
            }
            sent.add(packet);
        });
    }

    @AfterEach
    void tearDown() {
        TestArchives.close(archive, db);
    }

    void read(Packet packet) throws PacketRejectedException {
        ImcloudPacketInterceptorTest.readFromClient(interceptor, packet);
    }

    void assertRejected(Packet packet) {
        StanzaRejection rejection = assertThrows(StanzaRejection.class, () -> read(packet), packet.toXML());
        PacketError error = rejection.getRejectionError();
        assertEquals(PacketError.Condition.not_allowed, error.getCondition());
        assertEquals(PacketError.Type.cancel, error.getType());
    }

    static Presence presence(JID from, JID to, Presence.Type type) {
        Presence presence = new Presence(type);
        presence.setFrom(from);
        presence.setTo(to);
        return presence;
    }

    static IQ vcardGet(JID from, JID to) {
        IQ iq = new IQ(IQ.Type.get);
        iq.setFrom(from);
        iq.setTo(to);
        iq.setChildElement("vCard", "vcard-temp");
        return iq;
    }

    static IQ rosterSet(JID from, String itemJid, String subscription) {
        IQ iq = new IQ(IQ.Type.set);
        iq.setFrom(from);
        Element item = iq.setChildElement("query", TenantFirewall.ROSTER_NAMESPACE).addElement("item").addAttribute("jid", itemJid);
        if (subscription != null) {
            item.addAttribute("subscription", subscription);
        }
        return iq;
    }

    @Test
    void appToOtherAppIsRejectedForEveryStanzaKindAndNothingIsArchived() throws Exception {
        assertRejected(chat(full(ALICE), bare(CAROL), "hi carol", null));
        assertRejected(chat(full(CAROL), full(ALICE), "hi alice", null));
        assertRejected(presence(full(ALICE), bare(CAROL), Presence.Type.subscribe));
        assertRejected(presence(full(CAROL), bare(ALICE), Presence.Type.subscribed));
        assertRejected(presence(full(ALICE), full(CAROL), null)); // directed presence
        assertRejected(vcardGet(full(ALICE), bare(CAROL)));
        assertRejected(vcardGet(full(CAROL), full(ALICE)));
        assertRejected(rosterSet(full(ALICE), CAROL + "@" + DOMAIN, null));
        archive.flush();
        assertTrue(archive.query(new ArchiveQuery(AppUser.of(AppKey.of("acme", "chat"), "alice"),
                null, null, null, null, null, false, 10)).messages().isEmpty());
        assertEquals(0, db.count("ofImMessage"), "no app's archive got a row");
        assertEquals(0, db.count("ofImConversation"), "no unread counter moved");

        read(chat(full(ALICE), bare(BOB), "hi bob", null));
        archive.flush();
        assertEquals(1, db.count("ofImMessage"), "within the app the same path archives");
    }

    @Test
    void appAndPlainUsersAreKeptApartBothWays() {
        assertRejected(chat(full(ALICE), bare(PLAIN), "hi admin", null));
        assertRejected(chat(full(PLAIN), bare(ALICE), "hi alice", null));
        assertRejected(presence(full(PLAIN), bare(ALICE), Presence.Type.subscribe));
        assertRejected(vcardGet(full(ALICE), bare(PLAIN)));
        assertRejected(rosterSet(full(ALICE), PLAIN + "@" + DOMAIN, null));
        assertRejected(rosterSet(full(PLAIN), ALICE + "@" + DOMAIN, "both"));
    }

    @Test
    void appUsersCannotReachRemoteUsers() {
        assertRejected(chat(full(ALICE), REMOTE, "hi eve", null));
        assertRejected(presence(full(ALICE), REMOTE.asBareJID(), Presence.Type.subscribe));
        assertRejected(vcardGet(full(ALICE), new JID("remote.org")));
        assertRejected(rosterSet(full(ALICE), REMOTE.toBareJID(), null));
        assertTrue(sent.isEmpty());
    }

    @Test
    void remoteUsersCannotReachAppUsersAndGetTheErrorFromUs() throws Exception {
        // Stanzas from a server link have no session in the routers: the interceptor answers itself.
        Message fromRemote = chat(REMOTE, bare(ALICE), "hi alice", "r-1");
        StanzaRejection rejection = assertThrows(StanzaRejection.class,
                () -> interceptor.interceptPacket(fromRemote, null, true, false));
        assertEquals(PacketError.Condition.not_allowed, rejection.condition());
        assertEquals(1, sent.size());
        Message reply = (Message) sent.get(0);
        assertEquals(Message.Type.error, reply.getType());
        assertEquals(REMOTE, reply.getTo());
        assertEquals(bare(ALICE), reply.getFrom());
        assertEquals("r-1", reply.getID());
        assertEquals(PacketError.Condition.not_allowed, reply.getError().getCondition());

        IQ iq = vcardGet(REMOTE, bare(ALICE));
        assertThrows(StanzaRejection.class, () -> interceptor.interceptPacket(iq, null, true, false));
        IQ iqReply = (IQ) sent.get(1);
        assertEquals(IQ.Type.error, iqReply.getType());
        assertEquals(iq.getID(), iqReply.getID());

        Message remoteError = chat(REMOTE, bare(ALICE), null, "r-2");
        remoteError.setType(Message.Type.error);
        assertThrows(StanzaRejection.class, () -> interceptor.interceptPacket(remoteError, null, true, false));
        assertEquals(2, sent.size(), "an error is never answered with an error");
    }

    @Test
    void serverOwnAddressComponentsAndTheSameAppStayAllowed() {
        assertDoesNotThrow(() -> read(vcardGet(full(ALICE), new JID(DOMAIN))));
        assertDoesNotThrow(() -> read(vcardGet(full(ALICE), bare(ALICE))));
        assertDoesNotThrow(() -> read(vcardGet(full(ALICE), null)));
        assertDoesNotThrow(() -> read(chat(full(ALICE), new JID("room", "conference." + DOMAIN, null), "to a room", null)));
        assertDoesNotThrow(() -> read(presence(full(ALICE), new JID("room", "conference." + DOMAIN, "alice"), null)));
        assertDoesNotThrow(() -> read(chat(new JID("room", "conference." + DOMAIN, "bob"), full(ALICE), "from a room", null)));
        assertDoesNotThrow(() -> read(chat(new JID(DOMAIN), full(ALICE), "from the server", null)));
        assertDoesNotThrow(() -> read(presence(full(ALICE), bare(BOB), Presence.Type.subscribe)));
        assertDoesNotThrow(() -> read(vcardGet(full(ALICE), bare(BOB))));
        assertDoesNotThrow(() -> read(rosterSet(full(ALICE), BOB + "@" + DOMAIN, null)));
        assertDoesNotThrow(() -> read(presence(full(ALICE), null, null)));
    }

    @Test
    void removingAnotherTenantFromTheRosterStaysAllowed() {
        assertDoesNotThrow(() -> read(rosterSet(full(ALICE), CAROL + "@" + DOMAIN, "remove")));
    }

    @Test
    void plainAndRemoteUsersKeepOpenfireBehaviour() {
        assertDoesNotThrow(() -> read(chat(full(PLAIN), bare("operator"), "hi", null)));
        assertDoesNotThrow(() -> read(chat(full(PLAIN), REMOTE, "hi", null)));
        assertDoesNotThrow(() -> read(rosterSet(full(PLAIN), REMOTE.toBareJID(), null)));
        assertDoesNotThrow(() -> interceptor.interceptPacket(chat(REMOTE, bare(PLAIN), "hi", null), null, true, false));
    }

    @Test
    void aNodeWithHashThatIsNoAppUserReachesNoUser() {
        assertRejected(chat(full("acme#BAD"), bare(ALICE), "hi", null));
        assertRejected(chat(full("acme#bad"), bare(PLAIN), "hi", null));
        assertRejected(chat(full(ALICE), bare("x#y"), "hi", null));
        assertDoesNotThrow(() -> read(vcardGet(full("x#y"), new JID(DOMAIN))));
    }
}
