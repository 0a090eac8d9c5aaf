package io.imcloud.xmpp;

import io.imcloud.archive.ArchiveQuery;
import io.imcloud.archive.SqlArchive;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.testsupport.ScramUserDirectory;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.testsupport.TestMembership;
import io.imcloud.users.NewUser;
import io.imcloud.users.UserService;
import io.imcloud.xmpp.testsupport.XmppFixture;
import io.imcloud.xmpp.testsupport.TestArchives;
import org.dom4j.Element;
import org.jivesoftware.openfire.interceptor.PacketRejectedException;
import org.jivesoftware.openfire.session.ClientSession;
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

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.imcloud.xmpp.testsupport.XmppFixture.DOMAIN;
import static io.imcloud.xmpp.testsupport.XmppFixture.bare;
import static io.imcloud.xmpp.testsupport.XmppFixture.chat;
import static io.imcloud.xmpp.testsupport.XmppFixture.full;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.verify;

/** Tenant isolation through the interceptor, in every direction, with real Tinder packets, on every available database. */
@ParameterizedClass(name = "{0}")
@MethodSource("io.imcloud.testsupport.TestDatabase#available")
class TenantIsolationTest {

    static final String ALICE = "acme#chat_alice";
    static final String BOB = "acme#chat_bob";
    static final String CAROL = "acme#other_carol";
    static final String PLAIN = "admin";
    static final JID REMOTE = new JID("eve", "remote.org", "laptop");

    static final AppKey CHAT = AppKey.of("acme", "chat");
    static final AppKey OTHER = AppKey.of("acme", "other");
    static final String MUC = XmppFixture.MUC_SERVICE;
    /** A second multi-user chat service. */
    static final String ROOMS = "rooms." + DOMAIN;
    static final JID CHAT_ROOM = new JID("acme#chat_g1", MUC, null);
    static final JID OTHER_ROOM = new JID("acme#other_g1", MUC, null);
    static final JID PLAIN_ROOM = new JID("lobby", MUC, null);

    @Parameter
    DatabaseType databaseType;
    TestDatabase db;
    AppMembership membership;
    UserService users;
    final Set<String> openServices = new HashSet<>();
    SqlArchive archive;
    List<Packet> sent;
    ImcloudPacketInterceptor interceptor;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create(databaseType);
        archive = TestArchives.open(db);
        sent = new ArrayList<>();
        membership = TestMembership.on(db);
        users = new UserService(db, new ScramUserDirectory(db), Clock.systemUTC(), membership);
        users.register(CHAT, List.of(new NewUser("alice", "pw", null), new NewUser("bob", "pw", null)), 0);
        users.register(OTHER, List.of(new NewUser("carol", "pw", null)), 0);
        interceptor = new ImcloudPacketInterceptor(archive, new TenantFirewall(DOMAIN, membership, openServices::contains,
                Set.of(MUC, ROOMS)::contains), true, packet -> {
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
    void serverOwnAddressOwnAppsRoomsAndTheSameAppStayAllowed() {
        assertDoesNotThrow(() -> read(vcardGet(full(ALICE), new JID(DOMAIN))));
        assertDoesNotThrow(() -> read(vcardGet(full(ALICE), bare(ALICE))));
        assertDoesNotThrow(() -> read(vcardGet(full(ALICE), null)));
        assertDoesNotThrow(() -> read(chat(new JID(DOMAIN), full(ALICE), "from the server", null)));
        assertDoesNotThrow(() -> read(presence(full(ALICE), bare(BOB), Presence.Type.subscribe)));
        assertDoesNotThrow(() -> read(vcardGet(full(ALICE), bare(BOB))));
        assertDoesNotThrow(() -> read(rosterSet(full(ALICE), BOB + "@" + DOMAIN, null)));
        assertDoesNotThrow(() -> read(presence(full(ALICE), null, null)));
    }

    @Test
    void appUsersUseTheirOwnAppsRoomsOnAnyChatService() {
        assertDoesNotThrow(() -> read(presence(full(ALICE), occupant(CHAT_ROOM, "alice"), null)));
        assertDoesNotThrow(() -> read(groupchat(full(ALICE), CHAT_ROOM)));
        assertDoesNotThrow(() -> read(chat(full(ALICE), occupant(CHAT_ROOM, "bob"), "private via the room", null)));
        assertDoesNotThrow(() -> read(presence(full(ALICE), new JID("acme#chat_g2", ROOMS, "alice"), null)));
        assertDoesNotThrow(() -> fromService(groupchat(occupant(CHAT_ROOM, "bob"), full(ALICE))));
        assertDoesNotThrow(() -> fromService(presence(occupant(CHAT_ROOM, "bob"), full(ALICE), null)));
        assertDoesNotThrow(() -> fromService(groupchat(CHAT_ROOM, full(BOB))));
    }

    @Test
    void appUsersReachNoOtherAppsRoomNoPlainRoomAndNoOtherService() {
        assertRejected(presence(full(ALICE), occupant(OTHER_ROOM, "alice"), null));
        assertRejected(groupchat(full(ALICE), OTHER_ROOM));
        assertRejected(presence(full(ALICE), occupant(PLAIN_ROOM, "alice"), null));
        assertRejected(chat(full(ALICE), occupant(PLAIN_ROOM, "admin"), "private", null));
        assertRejected(discoItems(full(ALICE), new JID(MUC)));
        assertRejected(vcardGet(full(ALICE), new JID("search." + DOMAIN)));
        assertRejected(pubsubPublish(full(ALICE), new JID("pubsub." + DOMAIN)));
        assertRejected(presence(full(CAROL), occupant(CHAT_ROOM, "carol"), null));
    }

    /**
     * An address shaped like an app's room is that app's room only on a multi-user chat service: on pubsub or search it
     * is the component's (which answers from it), and a subdomain with no component is no room either.
     */
    @Test
    void aRoomShapedAddressIsARoomOnlyOnAChatService() {
        JID pubsubNode = new JID("acme#chat_x", "pubsub." + DOMAIN, null);
        assertRejected(pubsubPublish(full(ALICE), pubsubNode));
        IQ items = pubsubPublish(full(ALICE), pubsubNode);
        items.setType(IQ.Type.get);
        items.getChildElement().clearContent();
        items.getChildElement().addElement("items").addAttribute("node", "n");
        assertRejected(items);
        IQ search = new IQ(IQ.Type.set);
        search.setFrom(full(ALICE));
        search.setTo(new JID("acme#chat_x", "search." + DOMAIN, null));
        search.setChildElement("query", "jabber:iq:search").addElement("nick").setText("*");
        assertRejected(search);
        assertRejectedFromService(chat(pubsubNode, full(ALICE), "an event", null));
        assertRejected(chat(full(ALICE), new JID("acme#chat_x", "nothing-here." + DOMAIN, null), "hi", null));

        openServices.add("pubsub." + DOMAIN); // the operator's choice still opens the whole component
        assertDoesNotThrow(() -> read(pubsubPublish(full(ALICE), pubsubNode)));
    }

    @Test
    void servicesReachAppUsersOnlyFromTheirOwnAppsRooms() {
        assertRejectedFromService(groupchat(occupant(OTHER_ROOM, "carol"), full(ALICE)));
        assertRejectedFromService(groupchat(occupant(PLAIN_ROOM, "admin"), full(ALICE)));
        assertRejectedFromService(chat(new JID("pubsub." + DOMAIN), full(ALICE), "an event", null));
        assertRejectedFromService(groupchat(occupant(CHAT_ROOM, "x"), full(CAROL)));
        assertRejectedFromService(groupchat(occupant(CHAT_ROOM, "x"), full(PLAIN)));
        assertRejectedFromService(groupchat(occupant(CHAT_ROOM, "x"), REMOTE));
    }

    @Test
    void clientsDiscoverWhatAServiceIsButNotItsRooms() {
        IQ info = discoInfo(full(ALICE), new JID(MUC));
        assertDoesNotThrow(() -> read(info));
        IQ answer = IQ.createResultIQ(info);
        answer.setChildElement("query", TenantFirewall.DISCO_INFO_NAMESPACE).addElement("identity").addAttribute("category", "conference");
        assertDoesNotThrow(() -> fromService(answer));
        assertRejected(discoInfo(full(ALICE), new JID("lobby", MUC, null)));
        IQ nodeInfo = discoInfo(full(ALICE), new JID("pubsub." + DOMAIN));
        nodeInfo.getChildElement().addAttribute("node", "someones-node"); // a pubsub node's form names its owners
        assertRejected(nodeInfo);
    }

    @Test
    void theOperatorOpensAServiceButNeverAnotherAppsRoom() {
        openServices.add(MUC);
        assertDoesNotThrow(() -> read(presence(full(ALICE), occupant(PLAIN_ROOM, "alice"), null)));
        assertDoesNotThrow(() -> read(discoItems(full(ALICE), new JID(MUC))));
        assertDoesNotThrow(() -> fromService(groupchat(occupant(PLAIN_ROOM, "admin"), full(ALICE))));
        assertRejected(presence(full(ALICE), occupant(OTHER_ROOM, "alice"), null));
        assertRejectedFromService(groupchat(occupant(OTHER_ROOM, "carol"), full(ALICE)));
        assertRejected(pubsubPublish(full(ALICE), new JID("pubsub." + DOMAIN)));
    }

    @Test
    void appRoomsTakeNoPlainOrRemoteOccupantWhilePlainUsersKeepPlainRooms() {
        assertRejected(presence(full(PLAIN), occupant(CHAT_ROOM, "admin"), null));
        assertRejected(groupchat(full(PLAIN), CHAT_ROOM));
        StanzaRejection fromRemote = assertThrows(StanzaRejection.class,
                () -> interceptor.interceptPacket(presence(REMOTE, occupant(CHAT_ROOM, "eve"), null), null, true, false));
        assertEquals(PacketError.Condition.not_allowed, fromRemote.condition());
        assertDoesNotThrow(() -> read(presence(full(PLAIN), occupant(PLAIN_ROOM, "admin"), null)));
        assertDoesNotThrow(() -> read(discoItems(full(PLAIN), new JID(MUC))));
        assertDoesNotThrow(() -> fromService(groupchat(occupant(PLAIN_ROOM, "bob"), full(PLAIN))));
    }

    @Test
    void invitationsToAnAppRoomNameOnlyItsAppsUsers() {
        assertDoesNotThrow(() -> read(invite(full(ALICE), CHAT_ROOM, BOB + "@" + DOMAIN)));
        assertRoomMemberRefused(invite(full(ALICE), CHAT_ROOM, CAROL + "@" + DOMAIN));
        assertRoomMemberRefused(invite(full(ALICE), CHAT_ROOM, PLAIN + "@" + DOMAIN));
        assertRoomMemberRefused(invite(full(ALICE), CHAT_ROOM, REMOTE.toBareJID()));
        assertRoomMemberRefused(invite(full(ALICE), CHAT_ROOM, "acme#chat_nobody@" + DOMAIN));
        // A plain user's mediated invitation through a plain room reaches no app user: the room's message is refused.
        assertDoesNotThrow(() -> read(invite(full(PLAIN), PLAIN_ROOM, ALICE + "@" + DOMAIN)));
        Message forwarded = invite(PLAIN_ROOM, full(ALICE), null);
        assertRejectedFromService(forwarded);
    }

    @Test
    void affiliationAndRoleChangesInAnAppRoomNameOnlyItsAppsUsers() {
        assertDoesNotThrow(() -> read(roomItems(full(ALICE), CHAT_ROOM, TenantFirewall.MUC_ADMIN_NAMESPACE, BOB + "@" + DOMAIN)));
        assertRoomMemberRefused(roomItems(full(ALICE), CHAT_ROOM, TenantFirewall.MUC_ADMIN_NAMESPACE, CAROL + "@" + DOMAIN));
        assertRoomMemberRefused(roomItems(full(ALICE), CHAT_ROOM, TenantFirewall.MUC_ADMIN_NAMESPACE, PLAIN + "@" + DOMAIN));
        assertRoomMemberRefused(roomItems(full(ALICE), CHAT_ROOM, TenantFirewall.MUC_OWNER_NAMESPACE, REMOTE.toBareJID()));

        IQ config = new IQ(IQ.Type.set);
        config.setFrom(full(ALICE));
        config.setTo(CHAT_ROOM);
        Element form = config.setChildElement("query", TenantFirewall.MUC_OWNER_NAMESPACE).addElement("x", "jabber:x:data")
                .addAttribute("type", "submit");
        Element admins = form.addElement("field").addAttribute("var", "muc#roomconfig_roomadmins");
        admins.addElement("value").setText(BOB + "@" + DOMAIN);
        assertDoesNotThrow(() -> read(config.createCopy()));
        admins.addElement("value").setText(PLAIN + "@" + DOMAIN);
        assertRoomMemberRefused(config);
        // Occupants by nick are app users already: such items pass.
        IQ kick = roomItems(full(ALICE), CHAT_ROOM, TenantFirewall.MUC_ADMIN_NAMESPACE, null);
        kick.getChildElement().element("item").addAttribute("nick", "bob").addAttribute("role", "none");
        assertDoesNotThrow(() -> read(kick));
    }

    @Test
    void inBandRegistrationOfAnAppUsersNameIsRefusedWhateverTheForm() {
        JID unauthenticated = new JID(null, DOMAIN, "stream-1234", true); // Openfire's address of a session before login
        assertRegistrationRefused(register(unauthenticated, "acme#chat_eve"));
        assertRegistrationRefused(register(unauthenticated, "ACME#chat_Eve"));
        assertRegistrationRefused(register(unauthenticated, "acme\uFF03chat_eve")); // nodeprep folds U+FF03 into '#'
        assertRegistrationRefused(register(unauthenticated, "x#y"));
        assertRegistrationRefused(registerByForm(unauthenticated, "acme#chat_eve"));
        assertRegistrationRefused(register(full(PLAIN), "acme#chat_eve")); // an account made by a logged-in user

        IQ remove = new IQ(IQ.Type.set);
        remove.setFrom(full(ALICE));
        remove.setChildElement("query", TenantFirewall.REGISTER_NAMESPACE).addElement("remove");
        assertRegistrationRefused(remove);
        assertRegistrationRefused(register(full(ALICE), ALICE)); // a password change goes through the app
        // Openfire's router answers an IQ to any bare JID of the domain as the server: registration there too
        IQ toAUser = register(unauthenticated, "acme#chat_eve");
        toAUser.setTo(bare(ALICE));
        assertRegistrationRefused(toAUser);
        IQ removeToSelf = remove.createCopy();
        removeToSelf.setTo(bare(ALICE));
        assertRegistrationRefused(removeToSelf);
        IQ byPlainToSelf = register(full(PLAIN), "acme#chat_eve");
        byPlainToSelf.setTo(bare(PLAIN));
        assertRegistrationRefused(byPlainToSelf);
        assertTrue(membership.isMember(AppUser.of(CHAT, "alice")), "alice is still registered");

        assertDoesNotThrow(() -> read(register(unauthenticated, "dave")));
        assertDoesNotThrow(() -> read(registerByForm(unauthenticated, "dave")));
        IQ form = register(unauthenticated, null);
        form.setType(IQ.Type.get);
        assertDoesNotThrow(() -> read(form), "asking for the form is Openfire's business");
    }

    @Test
    void anAccountThatLooksLikeAnAppUserButIsNotRegisteredIsRefusedAndItsSessionClosed() throws Exception {
        Message fromSquatter = chat(full("acme#chat_eve"), bare(ALICE), "hi", null);
        ClientSession squatter = XmppFixture.clientSession(fromSquatter.getFrom());
        StanzaRejection rejection = assertThrows(StanzaRejection.class,
                () -> interceptor.interceptPacket(fromSquatter, squatter, true, false));
        assertEquals(PacketError.Condition.not_authorized, rejection.condition());
        verify(squatter).close();

        IQ vcardOfServer = vcardGet(full("acme#chat_eve"), new JID(DOMAIN));
        assertThrows(StanzaRejection.class, () -> read(vcardOfServer), "not even the server is reachable");
        assertRejected(chat(full(ALICE), bare("acme#chat_eve"), "hi eve", null));
        assertRejected(chat(full(PLAIN), bare("acme#chat_eve"), "hi eve", null));
        assertDoesNotThrow(() -> read(chat(new JID(DOMAIN), bare("acme#chat_eve"), "server notice", null)));
        archive.flush();
        assertEquals(0, db.count("ofImMessage"));
    }

    /**
     * A REST send that names no sender comes from the app's back-end as {@code admin}, who has no account: the server
     * routes it without a session, and it reaches the app's users. A session of that name, or the server's own send as
     * another unregistered name or to another app, stays refused.
     */
    @Test
    void theServersOwnSendAsTheAppsAdminReachesTheAppsUsersOnly() throws Exception {
        JID admin = bare("acme#chat_admin");
        assertDoesNotThrow(() -> fromService(chat(admin, bare(ALICE), "from the back-end", null)));
        assertThrows(StanzaRejection.class, () -> fromService(chat(admin, bare(CAROL), "to another app", null)));
        assertThrows(StanzaRejection.class, () -> fromService(chat(bare("acme#chat_eve"), bare(ALICE), "not the app's sender", null)));
        Message fromSession = chat(full("acme#chat_admin"), bare(ALICE), "a squatter named admin", null);
        StanzaRejection squatter = assertThrows(StanzaRejection.class,
                () -> interceptor.interceptPacket(fromSession, XmppFixture.clientSession(fromSession.getFrom()), true, false));
        assertEquals(PacketError.Condition.not_authorized, squatter.condition());
    }

    @Test
    void membershipFollowsRegistrationAndDeletion() {
        assertRejected(chat(full(ALICE), bare("acme#chat_dave"), "before dave exists", null));
        users.register(CHAT, List.of(new NewUser("dave", "pw", null)), 0);
        assertDoesNotThrow(() -> read(chat(full(ALICE), bare("acme#chat_dave"), "dave exists", null)));

        users.delete(AppUser.of(CHAT, "bob"));
        assertRejected(chat(full(ALICE), bare(BOB), "bob is gone", null));
        assertThrows(StanzaRejection.class, () -> read(chat(full(BOB), bare(ALICE), "from bob's old session", null)));

        users.deleteAll(OTHER);
        assertThrows(StanzaRejection.class, () -> read(presence(full(CAROL), null, null)), "carol's app is gone");
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
        assertRejected(chat(full(ALICE), bare("x#y"), "hi", null));
        assertRejected(chat(full(PLAIN), bare("acme#BAD"), "hi", null));
        StanzaRejection fromMalformed = assertThrows(StanzaRejection.class,
                () -> read(vcardGet(full("x#y"), new JID(DOMAIN))));
        assertEquals(PacketError.Condition.not_authorized, fromMalformed.condition());
    }

    // --- packets --------------------------------------------------------------------------------------------

    void fromService(Packet packet) throws PacketRejectedException {
        interceptor.interceptPacket(packet, null, true, false); // components' packets reach the routers without a session
    }

    void assertRejectedFromService(Packet packet) {
        StanzaRejection rejection = assertThrows(StanzaRejection.class, () -> fromService(packet), packet.toXML());
        assertEquals(PacketError.Condition.not_allowed, rejection.condition());
    }

    void assertRoomMemberRefused(Packet packet) {
        StanzaRejection rejection = assertThrows(StanzaRejection.class, () -> read(packet), packet.toXML());
        assertEquals(PacketError.Condition.not_allowed, rejection.condition());
        assertTrue(rejection.getMessage().contains("room's own app"), rejection.getMessage());
    }

    void assertRegistrationRefused(IQ iq) {
        StanzaRejection rejection = assertThrows(StanzaRejection.class, () -> read(iq), iq.toXML());
        assertEquals(PacketError.Condition.not_allowed, rejection.condition());
        assertTrue(rejection.getRejectionError().getText().contains("in-band registration"), rejection.getMessage());
    }

    static JID occupant(JID room, String nick) {
        return new JID(room.getNode(), room.getDomain(), nick);
    }

    static Message groupchat(JID from, JID to) {
        Message message = new Message();
        message.setType(Message.Type.groupchat);
        message.setFrom(from);
        message.setTo(to);
        message.setBody("to everyone");
        return message;
    }

    static Message invite(JID from, JID room, String invitee) {
        Message message = new Message();
        message.setFrom(from);
        message.setTo(room);
        Element invite = message.addChildElement("x", TenantFirewall.MUC_USER_NAMESPACE).addElement("invite");
        if (invitee != null) {
            invite.addAttribute("to", invitee);
        }
        return message;
    }

    static IQ roomItems(JID from, JID room, String namespace, String jid) {
        IQ iq = new IQ(IQ.Type.set);
        iq.setFrom(from);
        iq.setTo(room);
        Element item = iq.setChildElement("query", namespace).addElement("item").addAttribute("affiliation", "admin");
        if (jid != null) {
            item.addAttribute("jid", jid);
        }
        return iq;
    }

    static IQ discoInfo(JID from, JID to) {
        IQ iq = new IQ(IQ.Type.get);
        iq.setFrom(from);
        iq.setTo(to);
        iq.setChildElement("query", TenantFirewall.DISCO_INFO_NAMESPACE);
        return iq;
    }

    static IQ discoItems(JID from, JID to) {
        IQ iq = new IQ(IQ.Type.get);
        iq.setFrom(from);
        iq.setTo(to);
        iq.setChildElement("query", "http://jabber.org/protocol/disco#items");
        return iq;
    }

    static IQ pubsubPublish(JID from, JID to) {
        IQ iq = new IQ(IQ.Type.set);
        iq.setFrom(from);
        iq.setTo(to);
        iq.setChildElement("pubsub", "http://jabber.org/protocol/pubsub").addElement("publish").addAttribute("node", "n");
        return iq;
    }

    /** XEP-0077 registration to the server, with the fields as child elements. */
    static IQ register(JID from, String username) {
        IQ iq = new IQ(IQ.Type.set);
        iq.setFrom(from);
        Element query = iq.setChildElement("query", TenantFirewall.REGISTER_NAMESPACE);
        if (username != null) {
            query.addElement("username").setText(username);
            query.addElement("password").setText("pw");
        }
        return iq;
    }

    /** XEP-0077 registration to the server with a data form (XEP-0004). */
    static IQ registerByForm(JID from, String username) {
        IQ iq = new IQ(IQ.Type.set);
        iq.setFrom(from);
        iq.setTo(new JID(DOMAIN));
        Element form = iq.setChildElement("query", TenantFirewall.REGISTER_NAMESPACE).addElement("x", "jabber:x:data")
                .addAttribute("type", "submit");
        form.addElement("field").addAttribute("var", "FORM_TYPE").addElement("value").setText(TenantFirewall.REGISTER_NAMESPACE);
        form.addElement("field").addAttribute("var", "username").addElement("value").setText(username);
        form.addElement("field").addAttribute("var", "password").addElement("value").setText("pw");
        return iq;
    }
}
