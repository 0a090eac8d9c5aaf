package io.imcloud.xmpp;

import io.imcloud.archive.ArchiveFixtures.FlakyDatabase;
import io.imcloud.archive.ArchivePage;
import io.imcloud.archive.ArchiveQuery;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.attachments.FileUseRecorder;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.xmpp.testsupport.TestArchives;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.jivesoftware.openfire.OfflineMessage;
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

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static io.imcloud.archive.ArchiveFixtures.settings;
import static io.imcloud.xmpp.testsupport.XmppFixture.DOMAIN;
import static io.imcloud.xmpp.testsupport.XmppFixture.bare;
import static io.imcloud.xmpp.testsupport.XmppFixture.chat;
import static io.imcloud.xmpp.testsupport.XmppFixture.clientSession;
import static io.imcloud.xmpp.testsupport.XmppFixture.firewallOfRegisteredShapes;
import static io.imcloud.xmpp.testsupport.XmppFixture.full;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.when;

/**
 * The archive hook of the interceptor and the offline listener, with real Tinder packets, over the SQL
 * archive on every available database.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.imcloud.testsupport.TestDatabase#available")
class ImcloudPacketInterceptorTest {

    static final AppKey APP = AppKey.of("acme", "chat");
    static final String ALICE = "acme#chat_alice";
    static final String BOB = "acme#chat_bob";

    @Parameter
    DatabaseType databaseType;
    TestDatabase db;
    SqlArchive archive;
    List<Packet> sent;
    ImcloudPacketInterceptor interceptor;
    OfflineStateListener offline;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create(databaseType);
        archive = TestArchives.open(db);
        sent = new ArrayList<>();
        interceptor = new ImcloudPacketInterceptor(archive, firewallOfRegisteredShapes(), true, sent::add);
        offline = new OfflineStateListener(interceptor.archiver());
    }

    @AfterEach
    void tearDown() {
        TestArchives.close(archive, db);
    }

    /** What a MessageRouter does with a stanza read from the sender's session: both interceptor calls. */
    static void readFromClient(ImcloudPacketInterceptor interceptor, Packet packet) throws PacketRejectedException {
        ClientSession session = clientSession(packet.getFrom());
        interceptor.interceptPacket(packet, session, true, false);
        interceptor.interceptPacket(packet, session, true, true);
    }

    /** What LocalSession.process does when it hands a stanza to a session. */
    void deliver(Packet packet, ClientSession session) throws PacketRejectedException {
        interceptor.interceptPacket(packet, session, false, false);
        interceptor.interceptPacket(packet, session, false, true);
    }

    static Element stanzaId(Packet packet, String by) {
        for (Element e : packet.getElement().elements("stanza-id")) {
            if (StanzaIds.NAMESPACE.equals(e.getNamespaceURI()) && by.equals(e.attributeValue("by"))) {
                return e;
            }
        }
        return null;
    }

    ArchivePage aliceArchive() {
        archive.flush();
        return archive.query(new ArchiveQuery(AppUser.of(APP, "alice"), null, null, null, null, null, false, 100));
    }

    @Test
    void onlineMessageIsStampedArchivedThenDelivered() throws Exception {
        Message message = chat(full(ALICE), bare(BOB), "hello bob", "c-1");
        readFromClient(interceptor, message);

        Element sid = stanzaId(message, BOB + "@" + DOMAIN);
        assertNotNull(sid, "stanza-id by the receiver's bare JID");
        long id = Long.parseLong(sid.attributeValue("id"));
        archive.flush();
        ArchivedMessage archived = archive.find(APP, id).orElseThrow();
        assertEquals("alice", archived.sender());
        assertEquals("bob", archived.receiver());
        assertEquals("hello bob", archived.body());
        assertEquals("chat", archived.type());
        assertEquals("c-1", archived.clientMsgId());
        assertNull(archived.extJson());
        Element stored = DocumentHelper.parseText(archived.stanzaXml()).getRootElement();
        assertEquals(message.getElement().elements().size() - 2, stored.elements().size(),
                "the stanza without its body and stanza-id: " + archived.stanzaXml());
        assertEquals(message.toXML(), StoredStanza.restore(stored, "hello bob", null, BOB + "@" + DOMAIN, id).asXML());
        assertEquals(DeliveryState.PENDING, archived.state());
        assertTrue(Math.abs(System.currentTimeMillis() - archived.sentAt()) < 60_000, "server time");

        deliver(message, clientSession(full(BOB)));
        archive.flush();
        assertEquals(DeliveryState.DELIVERED, archive.find(APP, id).orElseThrow().state());
    }

    /**
     * A message a privacy or block list keeps from its receiver is routed untouched (Openfire refuses or drops it):
     * no stanza-id, nothing archived, nothing counted; the privacy rule is asked with the sender's own session.
     */
    @Test
    void aMessageKeptFromItsReceiverByPrivacyListsIsNotArchived() throws Exception {
        TenantFirewall firewall = firewallOfRegisteredShapes();
        List<ClientSession> askedWith = new ArrayList<>();
        PrivacyLists bobBlocksAlice = (message, sender) -> {
            askedWith.add(sender);
            return message.getTo().getNode().equals(BOB) && message.getFrom().getNode().equals(ALICE);
        };
        ImcloudPacketInterceptor guarded = new ImcloudPacketInterceptor(firewall,
                new MessageArchiver(archive, firewall, () -> MessageLimits.DEFAULTS, bobBlocksAlice, FileUseRecorder.NONE), true, sent::add);
        Message blocked = chat(full(ALICE), bare(BOB), "you blocked me", "c-blocked");
        ClientSession aliceSession = clientSession(blocked.getFrom());
        guarded.interceptPacket(blocked, aliceSession, true, false);
        Message allowed = chat(full(BOB), bare(ALICE), "but I may write to you", "c-allowed");
        readFromClient(guarded, allowed);

        assertNull(stanzaId(blocked, BOB + "@" + DOMAIN), "no stanza-id claims it was archived");
        assertNotNull(stanzaId(allowed, ALICE + "@" + DOMAIN));
        archive.flush();
        assertEquals(1, db.count("ofImMessage"), "only the message Openfire will deliver");
        assertEquals(aliceSession, askedWith.get(0));
    }

    @Test
    void normalTypeIsArchivedToo() throws Exception {
        Message message = chat(full(ALICE), bare(BOB), "a normal one", null);
        message.setType(Message.Type.normal);
        readFromClient(interceptor, message);
        List<ArchivedMessage> page = aliceArchive().messages();
        assertEquals(1, page.size());
        assertEquals("normal", page.get(0).type());
        assertNull(page.get(0).clientMsgId());
    }

    @Test
    void offlineStorageMarksOfflineAndTheLaterFlushMarksDelivered() throws Exception {
        Message message = chat(full(ALICE), bare(BOB), "while you were out", "c-2");
        readFromClient(interceptor, message);
        long id = Long.parseLong(stanzaId(message, BOB + "@" + DOMAIN).attributeValue("id"));

        OfflineMessage stored = new OfflineMessage(new Date(), message.getElement().createCopy());
        offline.messageStored(stored);
        archive.flush();
        assertEquals(DeliveryState.OFFLINE, archive.find(APP, id).orElseThrow().state());

        // Bob logs in: Openfire's offline flush hands the stored copy to his session.
        deliver(stored, clientSession(full(BOB)));
        archive.flush();
        assertEquals(DeliveryState.DELIVERED, archive.find(APP, id).orElseThrow().state());
    }

    @Test
    void theListenerSignatureOfOpenfireBefore47RecordsOfflineToo() throws Exception {
        Message message = chat(full(ALICE), bare(BOB), "old openfire", null);
        readFromClient(interceptor, message);
        long id = Long.parseLong(stanzaId(message, BOB + "@" + DOMAIN).attributeValue("id"));
        offline.messageStored(message.createCopy());
        offline.messageBounced(message);
        archive.flush();
        assertEquals(DeliveryState.OFFLINE, archive.find(APP, id).orElseThrow().state());
    }

    @Test
    void aSessionClosedDuringDeliveryDoesNotCountAsDelivered() throws Exception {
        Message message = chat(full(ALICE), bare(BOB), "into the void", null);
        readFromClient(interceptor, message);
        long id = Long.parseLong(stanzaId(message, BOB + "@" + DOMAIN).attributeValue("id"));
        ClientSession closed = clientSession(full(BOB));
        when(closed.isClosed()).thenReturn(true);
        deliver(message, closed);
        archive.flush();
        assertEquals(DeliveryState.PENDING, archive.find(APP, id).orElseThrow().state());
    }

    @Test
    void headlineErrorGroupchatBodilessAndSelfMessagesAreNotArchived() throws Exception {
        for (Message.Type type : new Message.Type[] {Message.Type.headline, Message.Type.error, Message.Type.groupchat}) {
            Message message = chat(full(ALICE), bare(BOB), "not archived " + type, null);
            message.setType(type);
            readFromClient(interceptor, message);
            assertNull(stanzaId(message, BOB + "@" + DOMAIN), type + " gets no stanza-id");
        }
        Message bodiless = chat(full(ALICE), bare(BOB), null, null);
        bodiless.addChildElement("composing", "http://jabber.org/protocol/chatstates");
        readFromClient(interceptor, bodiless);
        Message toSelf = chat(full(ALICE), bare(ALICE), "note to self", null);
        readFromClient(interceptor, toSelf);
        assertTrue(aliceArchive().messages().isEmpty());
        assertNull(stanzaId(bodiless, BOB + "@" + DOMAIN));
    }

    @Test
    void forgedStanzaIdsAreStrippedAndForeignOnesKept() throws Exception {
        Message message = chat(full(ALICE), bare(BOB), "forged", null);
        message.addChildElement("stanza-id", StanzaIds.NAMESPACE).addAttribute("by", BOB + "@" + DOMAIN).addAttribute("id", "1");
        message.addChildElement("stanza-id", StanzaIds.NAMESPACE).addAttribute("by", DOMAIN).addAttribute("id", "2");
        message.addChildElement("stanza-id", StanzaIds.NAMESPACE).addAttribute("by", "room@conference.remote.org").addAttribute("id", "x");
        readFromClient(interceptor, message);

        List<Element> ids = message.getElement().elements("stanza-id");
        assertEquals(2, ids.size(), message.toXML());
        Element ours = stanzaId(message, BOB + "@" + DOMAIN);
        assertTrue(Long.parseLong(ours.attributeValue("id")) > 2, "our own id, not the forged one");
        assertNotNull(stanzaId(message, "room@conference.remote.org"));
        assertNull(stanzaId(message, DOMAIN));
    }

    /**
     * A message Openfire routes again because bob's stream-management session closed before acknowledging it comes from
     * alice's address again, with a delay from this server: it keeps its stanza-id and is not archived twice. A client
     * that dresses up a new message that way, naming a message of another conversation, gets a fresh id as usual.
     */
    @Test
    void aMessageRoutedAgainAfterAStreamManagementCloseIsNotArchivedTwice() throws Exception {
        Message sent = chat(full(ALICE), bare(BOB), "once", null);
        readFromClient(interceptor, sent);
        String id = stanzaId(sent, BOB + "@" + DOMAIN).attributeValue("id");
        archive.flush(); // committed long before: bob's session had to time out first
        Message again = sent.createCopy();
        again.addChildElement("delay", "urn:xmpp:delay").addAttribute("from", DOMAIN).addAttribute("stamp", "2026-12-01T06:00:00Z");
        readFromClient(interceptor, again);
        assertEquals(id, stanzaId(again, BOB + "@" + DOMAIN).attributeValue("id"), "the id it was archived under");
        archive.flush();
        assertEquals(1, db.count("ofImMessage"));

        Message dressedUp = chat(full("acme#chat_carol"), bare(BOB), "new", null);
        dressedUp.addChildElement("delay", "urn:xmpp:delay").addAttribute("from", DOMAIN);
        dressedUp.addChildElement("stanza-id", StanzaIds.NAMESPACE).addAttribute("by", BOB + "@" + DOMAIN).addAttribute("id", id);
        readFromClient(interceptor, dressedUp);
        assertNotEquals(id, stanzaId(dressedUp, BOB + "@" + DOMAIN).attributeValue("id"), "alice's message is not carol's");

        Message imitation = again.createCopy(); // alice's client imitating the redelivery, with a forged body object
        imitation.addChildElement(XmppMessageDelivery.MEDIA_ELEMENT, XmppMessageDelivery.MEDIA_NAMESPACE).setText("{}");
        readFromClient(interceptor, imitation);
        assertNull(imitation.getChildElement(XmppMessageDelivery.MEDIA_ELEMENT, XmppMessageDelivery.MEDIA_NAMESPACE),
                "a body object is removed whatever else the message imitates");
        archive.flush();
        assertEquals(2, db.count("ofImMessage"));
    }

    /**
     * A client that could not resume its stream sends its unacknowledged message again, with its id: it keeps the
     * archive id it got the first time and is archived and counted once. Another body under the same id, or the same
     * body under another id, is another message.
     */
    @Test
    void aMessageAClientSendsAgainWithItsIdIsArchivedOnce() throws Exception {
        Message first = chat(full(ALICE), bare(BOB), "hello", "m-1");
        readFromClient(interceptor, first);
        Message resent = chat(full(ALICE), bare(BOB), "hello", "m-1");
        readFromClient(interceptor, resent);
        String id = stanzaId(first, BOB + "@" + DOMAIN).attributeValue("id");
        assertEquals(id, stanzaId(resent, BOB + "@" + DOMAIN).attributeValue("id"));

        Message otherBody = chat(full(ALICE), bare(BOB), "hello again", "m-1");
        readFromClient(interceptor, otherBody);
        Message otherId = chat(full(ALICE), bare(BOB), "hello", "m-2");
        readFromClient(interceptor, otherId);
        Message otherReceiver = chat(full(ALICE), bare("acme#chat_carol"), "hello", "m-1");
        readFromClient(interceptor, otherReceiver);
        for (Message m : List.of(otherBody, otherId)) {
            assertNotEquals(id, stanzaId(m, BOB + "@" + DOMAIN).attributeValue("id"));
        }
        archive.flush();
        assertEquals(4, db.count("ofImMessage"), "hello once, then three other messages");
    }

    /** An Easemob body object is the server's word on a file: one a client puts into its message is removed. */
    @Test
    void aMediaBodyAClientForgesIsRemoved() throws Exception {
        Message message = chat(full(ALICE), bare(BOB), "https://evil.example/x.jpg", null);
        message.addChildElement(XmppMessageDelivery.MEDIA_ELEMENT, XmppMessageDelivery.MEDIA_NAMESPACE)
                .setText("{\"type\":\"img\",\"url\":\"https://evil.example/x.jpg\"}");
        readFromClient(interceptor, message);
        assertNull(message.getChildElement(XmppMessageDelivery.MEDIA_ELEMENT, XmppMessageDelivery.MEDIA_NAMESPACE), message.toXML());
        archive.flush();
        assertFalse(archive.find(APP, Long.parseLong(stanzaId(message, BOB + "@" + DOMAIN).attributeValue("id"))).orElseThrow()
                .stanzaXml().contains("urn:imcloud:media"), "nor archived for XEP-0313");
    }

    /** A room strips only the ids by itself, and relays a private message to an occupant without the sender's session. */
    @Test
    void forgedStanzaIdsAreStrippedFromWhatAClientSendsToARoomToo() throws Exception {
        JID room = new JID("acme#chat_42", "conference." + DOMAIN, null);
        for (JID to : List.of(room, new JID(room.getNode(), room.getDomain(), "bob"))) {
            Message message = chat(full(ALICE), to, "forged", null);
            message.setType(to.getResource() == null ? Message.Type.groupchat : Message.Type.chat);
            message.addChildElement("stanza-id", StanzaIds.NAMESPACE).addAttribute("by", BOB + "@" + DOMAIN).addAttribute("id", "1");
            message.addChildElement("stanza-id", StanzaIds.NAMESPACE).addAttribute("by", room.toBareJID()).addAttribute("id", "r");
            readFromClient(interceptor, message);
            assertNull(stanzaId(message, BOB + "@" + DOMAIN), message.toXML());
            assertNotNull(stanzaId(message, room.toBareJID()), "the room's own are the room's business");
        }
    }

    @Test
    void aForgedStanzaIdOnAnUnarchivedMessageCannotMarkAnotherMessage() throws Exception {
        Message real = chat(full(ALICE), bare(BOB), "real", null);
        readFromClient(interceptor, real);
        String realId = stanzaId(real, BOB + "@" + DOMAIN).attributeValue("id");

        Message headline = chat(full(ALICE), bare(BOB), "headline", null);
        headline.setType(Message.Type.headline);
        headline.addChildElement("stanza-id", StanzaIds.NAMESPACE).addAttribute("by", BOB + "@" + DOMAIN).addAttribute("id", realId);
        readFromClient(interceptor, headline);
        assertNull(stanzaId(headline, BOB + "@" + DOMAIN));
        deliver(headline, clientSession(full(BOB)));
        archive.flush();
        assertEquals(DeliveryState.PENDING, archive.find(APP, Long.parseLong(realId)).orElseThrow().state());
    }

    @Test
    void aFullArchiveQueueRejectsTheMessageWithResourceConstraint() throws Exception {
        // The database is down: the writer holds the batch it took (one command) and the queue (one) fills up.
        FlakyDatabase flaky = new FlakyDatabase(db);
        flaky.setDown(true);
        try (SqlArchive tiny = new SqlArchive(flaky, new MessageIds(2), settings(1, 1))) {
            ImcloudPacketInterceptor full = new ImcloudPacketInterceptor(tiny, firewallOfRegisteredShapes(), true, sent::add);
            List<String> accepted = new ArrayList<>();
            StanzaRejection rejection = null;
            Message refusedMessage = null;
            for (int i = 0; i < 3 && rejection == null; i++) {
                Message message = chat(full(ALICE), bare(BOB), "m" + i, null);
                try {
                    readFromClient(full, message);
                    accepted.add(message.getBody());
                } catch (StanzaRejection refused) {
                    rejection = refused;
                    refusedMessage = message;
                }
            }
            assertNotNull(rejection, "a queue of one and a batch of one hold at most two messages");
            assertNull(refusedMessage.getChildElement("stanza-id", "urn:xmpp:sid:0"),
                    "the refused message, whose copy Openfire returns as the error, claims no archive id");
            assertTrue(accepted.contains("m0"), "an empty queue takes the first message");
            PacketError error = rejection.getRejectionError();
            assertEquals(PacketError.Condition.resource_constraint, error.getCondition());
            assertEquals(PacketError.Type.wait, error.getType());
            assertFalse(tiny.flush(100), "nothing commits while the database is down");
            assertEquals(0, db.count("ofImMessage"));

            flaky.setDown(false);
            tiny.flush();
            ArchivePage page = tiny.query(new ArchiveQuery(AppUser.of(APP, "bob"), null, null, null, null, null, false, 10));
            assertEquals(accepted, page.messages().stream().map(ArchivedMessage::body).toList(),
                    "what was accepted is committed once the database is back; the refused message is not");
        }
        assertTrue(sent.isEmpty(), "a local sender gets its error from Openfire, not from us");
    }

    @Test
    void afterACleanRestartTheArchiveAndMamStillHoldEveryMessage() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Message message = i % 2 == 0 ? chat(full(ALICE), bare(BOB), "to bob " + i, "a-" + i)
                    : chat(full(BOB), bare(ALICE), "to alice " + i, "b-" + i);
            readFromClient(interceptor, message);
            JID receiver = message.getTo();
            ids.add(stanzaId(message, receiver.toBareJID()).attributeValue("id"));
            if (i == 4) {
                offline.messageStored(new OfflineMessage(new Date(), message.getElement().createCopy()));
            } else {
                deliver(message, clientSession(new JID(receiver.getNode(), DOMAIN, "phone")));
            }
        }
        archive.close(); // a clean stop: no flush() first, closing must commit the queue

        try (SqlArchive restarted = TestArchives.open(db)) {
            List<ArchivedMessage> all = restarted.query(new ArchiveQuery(AppUser.of(APP, "alice"),
                    null, null, null, null, null, false, 100)).messages();
            assertEquals(ids, all.stream().map(m -> Long.toString(m.msgId())).toList());
            assertEquals(List.of(DeliveryState.DELIVERED, DeliveryState.DELIVERED, DeliveryState.DELIVERED,
                    DeliveryState.DELIVERED, DeliveryState.OFFLINE), all.stream().map(ArchivedMessage::state).toList());
            assertEquals(1, restarted.offlineCount(AppUser.of(APP, "bob")));

            List<Packet> results = new ArrayList<>();
            MamIqHandler mam = new MamIqHandler(restarted, firewallOfRegisteredShapes(), results::add, () -> 100);
            IQ query = new IQ(IQ.Type.set, "after-restart");
            query.setFrom(full(BOB));
            query.setChildElement("query", MamIqHandler.NAMESPACE);
            assertEquals(IQ.Type.result, mam.handleIQ(query).getType());
            assertEquals(ids, results.stream()
                    .map(p -> p.getElement().element("result").attributeValue("id")).toList());
            assertEquals("to alice 3", results.get(3).getElement().element("result").element("forwarded")
                    .element("message").elementText("body"));
        }
    }

    @Test
    void extIsStoredAsJsonAndMalformedExtIsRefused() throws Exception {
        Message message = chat(full(ALICE), bare(BOB), "with ext", null);
        message.addChildElement(MessageArchiver.EXT_ELEMENT, MessageArchiver.EXT_NAMESPACE)
                .setText(" {\"type\":\"voice\",\"len\":[1,2.5e3,{\"ok\":true,\"n\":null}],\"s\":\"\\u4f60\\\"\"} ");
        readFromClient(interceptor, message);
        assertEquals("{\"type\":\"voice\",\"len\":[1,2.5e3,{\"ok\":true,\"n\":null}],\"s\":\"\\u4f60\\\"\"}",
                aliceArchive().messages().get(0).extJson());

        for (String bad : new String[] {"[1]", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":01}", "{} {}", ""}) {
            Message refused = chat(full(ALICE), bare(BOB), "bad ext", null);
            refused.addChildElement(MessageArchiver.EXT_ELEMENT, MessageArchiver.EXT_NAMESPACE).setText(bad);
            StanzaRejection rejection = assertThrows(StanzaRejection.class, () -> readFromClient(interceptor, refused), bad);
            assertEquals(PacketError.Condition.bad_request, rejection.condition());
        }
        assertEquals(1, aliceArchive().messages().size());
    }

    @Test
    void displayedMarkerMarksReadByStanzaIdAndByClientId() throws Exception {
        List<String> stanzaIds = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Message m = chat(full(BOB), bare(ALICE), "m" + i, "bob-" + i);
            readFromClient(interceptor, m);
            stanzaIds.add(stanzaId(m, ALICE + "@" + DOMAIN).attributeValue("id"));
        }
        AppUser alice = AppUser.of(APP, "alice");
        assertEquals(2, unreadOfAliceWithBob(stanzaIds.get(0)), "the probe itself reads m1; m2 and m3 stay unread");

        readFromClient(interceptor, displayed(full(ALICE), bare(BOB), "no-such-message"));
        assertEquals(2, unreadOfAliceWithBob(stanzaIds.get(0)), "unknown id changes nothing");

        Message marker = displayed(full(ALICE), bare(BOB), stanzaIds.get(1));
        readFromClient(interceptor, marker);
        assertEquals(1, unreadOfAliceWithBob(stanzaIds.get(0)), "read up to m2 by our stanza-id");

        readFromClient(interceptor, displayed(full(ALICE), bare(BOB), "bob-3"));
        assertEquals(0, unreadOfAliceWithBob(stanzaIds.get(0)), "read up to m3 by the sender's message id");

        assertEquals(3, archive.query(new ArchiveQuery(alice, null, null, null, null, null, false, 100)).messages().size(),
                "markers are not archived");
        assertNull(stanzaId(marker, BOB + "@" + DOMAIN));
    }

    /** Alice's unread count with Bob, probed by marking read up to a message already read (which changes nothing). */
    private int unreadOfAliceWithBob(String alreadyReadId) {
        archive.flush();
        var left = archive.markRead(AppUser.of(APP, "alice"), "bob", alreadyReadId);
        archive.flush();
        return left.join();
    }

    static Message displayed(JID from, JID to, String id) {
        Message marker = new Message();
        marker.setType(Message.Type.chat);
        marker.setFrom(from);
        marker.setTo(to);
        marker.addChildElement("displayed", MessageArchiver.MARKERS_NAMESPACE).addAttribute("id", id);
        return marker;
    }

    /**
     * An archived message over the body or stanza limit (UTF-8 bytes, read from the settings per message) is refused
     * with policy-violation (modify) before it is archived, and carries no stanza-id of ours; one at the limit passes.
     */
    @Test
    void messagesOverTheSizeLimitsAreRefusedWithPolicyViolation() throws Exception {
        java.util.concurrent.atomic.AtomicReference<MessageLimits> limits = new java.util.concurrent.atomic.AtomicReference<>(MessageLimits.DEFAULTS);
        TenantFirewall firewall = firewallOfRegisteredShapes();
        ImcloudPacketInterceptor limited = new ImcloudPacketInterceptor(firewall,
                new MessageArchiver(archive, firewall, limits::get, PrivacyLists.NONE, FileUseRecorder.NONE), true, sent::add);
        readFromClient(limited, chat(full(ALICE), bare(BOB), "a".repeat(5 * 1024), null));
        readFromClient(limited, chat(full(ALICE), bare(BOB), "\u4f60".repeat(1705) + "\uD83D\uDE00", null)); // 5115 + 4 bytes

        Message bigStanza = chat(full(ALICE), bare(BOB), "small body", null);
        bigStanza.addChildElement("payload", "urn:example:big").setText("p".repeat(64 * 1024));
        for (Message refused : List.of(chat(full(ALICE), bare(BOB), "a".repeat(5 * 1024 + 1), null),
                chat(full(ALICE), bare(BOB), "\u4f60".repeat(1706) + "\uD83D\uDE00", null), bigStanza)) {
            StanzaRejection rejection = assertThrows(StanzaRejection.class, () -> readFromClient(limited, refused));
            assertEquals("policy-violation", rejection.conditionName());
            Element error = rejection.getRejectionError().getElement();
            assertEquals("modify", error.attributeValue("type"));
            assertNotNull(error.element(org.dom4j.QName.get("policy-violation", "urn:ietf:params:xml:ns:xmpp-stanzas")));
            assertNull(refused.getElement().element(org.dom4j.QName.get("stanza-id", "urn:xmpp:sid:0")), "not stamped");
        }
        limits.set(new MessageLimits(10, 64 * 1024));
        assertThrows(StanzaRejection.class, () -> readFromClient(limited, chat(full(ALICE), bare(BOB), "eleven char", null)),
                "a changed setting applies to the next message");
        assertEquals(2, aliceArchive().messages().size(), "only the two messages within the limits are archived");
    }

    /**
     * A body the stored text keeps (it has an attribute, so the archive cannot leave it out) counts once towards the
     * stanza limit, as a body the archive leaves out does; a stanza over the limit that way is still refused.
     */
    @Test
    void aBodyKeptInTheStoredStanzaCountsOnceTowardsTheStanzaLimit() throws Exception {
        TenantFirewall firewall = firewallOfRegisteredShapes();
        ImcloudPacketInterceptor limited = new ImcloudPacketInterceptor(firewall,
                new MessageArchiver(archive, firewall, () -> new MessageLimits(5 * 1024, 8 * 1024), PrivacyLists.NONE,
                        FileUseRecorder.NONE), true, sent::add);
        Message withLang = chat(full(ALICE), bare(BOB), "a".repeat(4500), null);
        withLang.getElement().element("body").addAttribute(org.dom4j.QName.get("lang", org.dom4j.Namespace.XML_NAMESPACE), "en");
        readFromClient(limited, withLang);
        assertEquals("a".repeat(4500), aliceArchive().messages().get(0).body());
        assertTrue(aliceArchive().messages().get(0).stanzaXml().contains("a".repeat(4500)), "the body stays in the stored text");

        Message over = chat(full(ALICE), bare(BOB), "a".repeat(4500), null);
        over.getElement().element("body").addAttribute(org.dom4j.QName.get("lang", org.dom4j.Namespace.XML_NAMESPACE), "en");
        over.addChildElement("payload", "urn:example:big").setText("p".repeat(4000));
        StanzaRejection rejection = assertThrows(StanzaRejection.class, () -> readFromClient(limited, over));
        assertEquals("policy-violation", rejection.conditionName());
        assertEquals(1, aliceArchive().messages().size());
    }
}
