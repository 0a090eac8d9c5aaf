package io.imcloud.openfire;

import org.jivesoftware.openfire.privacy.PrivacyList;
import org.jivesoftware.openfire.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * {@link OpenfirePrivacyLists}: which of Openfire's lists it asks, and about which stanza. A list is a stand-in
 * that blocks, as a XEP-0191 deny item does, every stanza from one JID; Openfire's own lists need its
 * database to exist, and their matching is Openfire's (the integration suite blocks with a real client).
 */
class OpenfirePrivacyListsTest {

    static final String DOMAIN = "im.example.com";
    static final JID ALICE = new JID("acme#chat_alice", DOMAIN, "phone");
    static final JID BOB = new JID("acme#chat_bob", DOMAIN, null);

    @Test
    void anOfflineReceiversDefaultListKeepsTheMessage() {
        OpenfirePrivacyLists lists = new OpenfirePrivacyLists(user -> true, Map.of("acme#chat_bob", blocking(ALICE))::get, jid -> List.of());
        assertTrue(lists.blocksDelivery(chat(ALICE, BOB), session(null, null)));
    }

    @Test
    void anOnlineReceiverIsBlockedOnlyWhenEverySessionRefuses() {
        List<ClientSession> bobsSessions = new ArrayList<>(List.of(session(null, blocking(ALICE)), session(blocking(ALICE), null)));
        OpenfirePrivacyLists lists = new OpenfirePrivacyLists(user -> true, user -> null, jid -> bobsSessions);
        assertTrue(lists.blocksDelivery(chat(ALICE, BOB), session(null, null)));

        bobsSessions.add(session(null, null)); // logged in before his first block: Openfire still delivers there
        assertFalse(lists.blocksDelivery(chat(ALICE, BOB), session(null, null)));
        OpenfirePrivacyLists storedListOnly = new OpenfirePrivacyLists(user -> true, Map.of("acme#chat_bob", blocking(ALICE))::get,
                jid -> List.of(session(null, null)));
        assertFalse(storedListOnly.blocksDelivery(chat(ALICE, BOB), session(null, null)),
                "an open session goes by the list it had, not the stored one");
    }

    @Test
    void theSendersOwnBlockListKeepsItToo() {
        OpenfirePrivacyLists lists = new OpenfirePrivacyLists(user -> true, user -> null, jid -> List.of());
        assertTrue(lists.blocksDelivery(chat(ALICE, BOB), session(null, blocking(BOB))),
                "Openfire answers not-acceptable to a message to someone the sender blocks");
        assertTrue(lists.blocksDelivery(chat(ALICE, BOB), session(blocking(BOB), null)), "an active list counts as well");
        assertFalse(lists.blocksDelivery(chat(ALICE, BOB), session(new AllowAll(), blocking(BOB))),
                "an active list stands in for the default list, as in Openfire");
    }

    @Test
    void aServerSideSendGoesByTheSendersStoredListAndTheReceiversAsUsual() {
        JID aliceBare = ALICE.asBareJID();
        OpenfirePrivacyLists aliceBlocksBob = new OpenfirePrivacyLists(user -> true, Map.of("acme#chat_alice", blocking(BOB))::get, jid -> List.of());
        assertTrue(aliceBlocksBob.blocksDelivery(chat(aliceBare, BOB), null), "no session: the sender's stored default list");

        OpenfirePrivacyLists bobOffline = new OpenfirePrivacyLists(user -> true, Map.of("acme#chat_bob", blocking(ALICE))::get, jid -> List.of());
        assertTrue(bobOffline.blocksDelivery(chat(aliceBare, BOB), null));
        OpenfirePrivacyLists bobOnline = new OpenfirePrivacyLists(user -> true, user -> null, jid -> List.of(session(null, blocking(ALICE))));
        assertTrue(bobOnline.blocksDelivery(chat(aliceBare, BOB), null));
        assertFalse(new OpenfirePrivacyLists(user -> true, Map.of("acme#chat_alice", blocking(new JID("acme#chat_carol", DOMAIN, null)))::get,
                jid -> List.of(session(null, null))).blocksDelivery(chat(aliceBare, BOB), null));
    }

    @Test
    void listsThatBlockSomeoneElseLetItThrough() {
        JID carol = new JID("acme#chat_carol", DOMAIN, null);
        OpenfirePrivacyLists lists = new OpenfirePrivacyLists(user -> true, Map.of("acme#chat_bob", blocking(carol))::get, jid -> List.of());
        assertFalse(lists.blocksDelivery(chat(ALICE, BOB), session(null, blocking(carol))));
        assertFalse(new OpenfirePrivacyLists(user -> true, user -> null, jid -> List.of()).blocksDelivery(chat(ALICE, BOB), session(null, null)),
                "no lists at all");
    }

    @Test
    void usersOwningNoListAreNotAskedAbout() {
        List<String> asked = new ArrayList<>();
        OpenfirePrivacyLists lists = new OpenfirePrivacyLists(user -> false, user -> {
            asked.add(user);
            return blocking(ALICE);
        }, jid -> {
            asked.add(jid.toString());
            return List.of(session(null, blocking(ALICE)));
        });
        assertFalse(lists.blocksDelivery(chat(ALICE, BOB), session(null, null)));
        assertFalse(lists.blocksDelivery(chat(ALICE.asBareJID(), BOB), null));
        assertEquals(List.of(), asked, "neither sessions nor stored lists are looked up");

        OpenfirePrivacyLists bobOwnsOne = new OpenfirePrivacyLists("acme#chat_bob"::equals,
                Map.of("acme#chat_bob", blocking(ALICE))::get, jid -> List.of(session(null, blocking(ALICE))));
        assertTrue(bobOwnsOne.blocksDelivery(chat(ALICE, BOB), session(null, null)));
    }

    /** A list denying every stanza from {@code blocked}'s bare JID. */
    private static PrivacyList blocking(JID blocked) {
        return new PrivacyList() {
            @Override
            public boolean shouldBlockPacket(Packet packet) {
                return packet.getFrom() != null && packet.getFrom().asBareJID().equals(blocked.asBareJID());
            }
        };
    }

    /** A list that blocks nothing. */
    private static final class AllowAll extends PrivacyList {
        @Override
        public boolean shouldBlockPacket(Packet packet) {
            return false;
        }
    }

    private static ClientSession session(PrivacyList active, PrivacyList defaultList) {
        ClientSession session = mock(ClientSession.class);
        when(session.getActiveList()).thenReturn(active);
        when(session.getDefaultList()).thenReturn(defaultList);
        return session;
    }

    private static Message chat(JID from, JID to) {
        Message message = new Message();
        message.setType(Message.Type.chat);
        message.setFrom(from);
        message.setTo(to);
        message.setBody("hello");
        return message;
    }
}
