package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.rest.ArchiveApiStack.TestApp;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.xmpp.StanzaRejection;
import org.dom4j.Element;
import org.dom4j.QName;
import org.jivesoftware.openfire.interceptor.PacketRejectedException;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.imcloud.rest.GroupApiTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group messages over real HTTP and real Tinder packets: archived once per group with the room's stanza-id, paged,
 * counted unread per member from the group's sequence, marked read by REST and by displayed markers to the room, sent
 * by the back-end, and closed to removed members.
 */
class GroupMessageApiTest {

    @AllDatabases
    void aMembersMessageReachesEveryOccupantWithTheRoomsStanzaIdAndIsArchivedOnce(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            long id = Long.parseLong(create(app, "alice", "g", "bob", "carol"));
            String room = "acme#chat_" + id + "@" + ArchiveApiStack.MUC_DOMAIN;

            Message received = app.groupChat(id, "alice", "hello group", "c-1", "alice", "bob", "carol");
            List<Element> stanzaIds = received.getElement().elements(QName.get("stanza-id", "urn:xmpp:sid:0"));
            assertEquals(1, stanzaIds.size(), received.toXML());
            assertEquals(room, stanzaIds.get(0).attributeValue("by"));
            long msgId = Long.parseLong(stanzaIds.get(0).attributeValue("id"));
            assertFalse(received.toXML().contains("urn:imcloud:group"), "the archive id's carrier is gone: " + received.toXML());
            stack.archive.flush();

            assertEquals(1, db.count("ofImGroupMessage"), "one row for the group, not one per member");
            JsonNode page = app.get("/chatgroups/" + id + "/messages", app.token()).json();
            assertEquals(1, page.get("count").asInt());
            JsonNode m = page.at("/entities/0");
            assertEquals(Long.toString(msgId), m.get("msg_id").asText());
            assertEquals("alice", m.get("from").asText());
            assertEquals(Long.toString(id), m.get("to").asText());
            assertEquals("groupchat", m.get("chat_type").asText());
            assertEquals("hello group", m.at("/payload/bodies/0/msg").asText());
            assertEquals(200, app.get("/chatgroups/" + id + "/messages", app.userToken("carol")).status(), "a member reads it");
        }
    }

    @AllDatabases
    void historyPagesNewestFirstByCursorAndRefusesAnIdOfAnotherGroup(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            long id = Long.parseLong(create(app, "alice", "g", "bob"));
            long other = Long.parseLong(create(app, "bob", "h"));
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                sent.add(0, stanzaId(app.groupChat(id, i % 2 == 0 ? "alice" : "bob", "m" + i, null, "alice")));
            }
            String elsewhere = stanzaId(app.groupChat(other, "bob", "elsewhere", null, "bob"));
            stack.archive.flush();
            List<String> seen = new ArrayList<>();
            String before = null;
            do {
                JsonNode page = app.get("/chatgroups/" + id + "/messages?limit=10" + (before == null ? "" : "&before=" + before),
                        app.userToken("bob")).json();
                page.get("entities").forEach(e -> seen.add(e.get("msg_id").asText()));
                before = page.has("cursor") ? page.get("cursor").asText() : null;
            } while (before != null);
            assertEquals(sent, seen, "newest first, no gap, no duplicate");
            Response foreign = app.get("/chatgroups/" + id + "/messages?before=" + elsewhere, app.token());
            assertEquals(404, foreign.status(), foreign.body());
            assertEquals(400, app.get("/chatgroups/" + id + "/messages?limit=0", app.token()).status());
            assertEquals(404, app.get("/chatgroups/999/messages", app.token()).status());
        }
    }

    /**
     * Unread per member from two rows: the group's sequence and the member's read mark and own count. The sender's own
     * messages never count; a mark up to a message leaves what came after; the REST mark and a displayed marker sent to
     * the room both move it; the user's total and conversation list have the group.
     */
    @AllDatabases
    void unreadCountsPerMemberFollowTheirReadMarks(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            long id = Long.parseLong(create(app, "alice", "g", "bob", "carol"));
            app.groupChat(id, "alice", "a1", "c-a1");
            String b1 = stanzaId(app.groupChat(id, "bob", "b1", "c-b1"));
            app.groupChat(id, "alice", "a2", "c-a2");
            app.groupChat(id, "bob", "b2", "c-b2");
            stack.archive.flush();
            assertEquals(Map.of("alice", 2, "bob", 2, "carol", 4), unread(app, id, "alice", "bob", "carol"));

            Response upTo = app.post("/users/carol/chatgroups/" + id + "/read", app.userToken("carol"), Map.of("msg_id", b1));
            assertEquals(200, upTo.status(), upTo.body());
            assertEquals(2, upTo.json().at("/data/unread_num").asInt(), "a2 and b2 are left");
            Response byClientId = app.post("/users/carol/chatgroups/" + id + "/read", app.token(), Map.of("msg_id", "c-a2"));
            assertEquals(1, byClientId.json().at("/data/unread_num").asInt(), "b2 is left");
            assertEquals(404, app.post("/users/carol/chatgroups/" + id + "/read", app.token(), Map.of("msg_id", "nope")).status());
            Response backwards = app.post("/users/carol/chatgroups/" + id + "/read", app.token(), Map.of("msg_id", b1));
            assertEquals(1, backwards.json().at("/data/unread_num").asInt(), "a mark never moves back");

            app.groupChat(id, "bob", "b3", null);
            stack.archive.flush();
            Response bobReadsAll = app.post("/users/bob/chatgroups/" + id + "/read", app.userToken("bob"), Map.of());
            assertEquals(0, bobReadsAll.json().at("/data/unread_num").asInt());
            app.groupChat(id, "bob", "b4", null);
            app.groupChat(id, "alice", "a3", null);
            stack.archive.flush();
            assertEquals(Map.of("alice", 4, "bob", 1, "carol", 4), unread(app, id, "alice", "bob", "carol"),
                    "bob's own b4 after his mark does not count for him");

            // a displayed marker sent to the room, naming the room's stanza-id, as XEP-0333 asks of a client in a room
            Message a4 = app.groupChat(id, "alice", "a4", null, "carol");
            Message displayed = new Message();
            displayed.setType(Message.Type.groupchat);
            displayed.setFrom(new JID("acme#chat_carol", ArchiveApiStack.DOMAIN, "phone"));
            displayed.setTo(stack.roomJids.room(app.key(), id));
            displayed.getElement().addElement("displayed", "urn:xmpp:chat-markers:0").addAttribute("id", stanzaId(a4));
            stack.interceptor.interceptPacket(displayed, ArchiveApiStack.session(displayed.getFrom()), true, false);
            stack.archive.flush();
            assertEquals(0, unread(app, id, "carol").get("carol"));

            JsonNode summary = app.get("/users/alice/unread", app.token()).json().get("data");
            assertEquals(4, summary.get("total").asInt(), "bob's four messages; alice's own four are not unread to her");
            assertEquals("{\"peer\":\"" + id + "\",\"chat_type\":\"groupchat\",\"unread_num\":4}", summary.at("/conversations/0").toString());
            JsonNode conversation = app.get("/users/alice/conversations", app.userToken("alice")).json().at("/entities/0");
            assertEquals(Long.toString(id), conversation.get("peer").asText());
            assertEquals("groupchat", conversation.get("chat_type").asText());
            assertEquals(4, conversation.get("unread_num").asInt());
            assertEquals("a4", conversation.at("/last_message/payload/bodies/0/msg").asText());
            assertEquals("groupchat", conversation.at("/last_message/chat_type").asText());
        }
    }

    /** One message to a group of many members writes its row, the group's row and the sender's row: nothing per member. */
    @AllDatabases
    void aMessageToALargeGroupWritesNoRowPerMember(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                names.add("u" + i);
            }
            TestApp app = stack.app("acme", "chat", names.toArray(String[]::new));
            long id = Long.parseLong(create(app, "u0", "big"));
            for (int start = 1; start < names.size(); start += 60) {
                assertEquals(200, app.post("/chatgroups/" + id + "/users", app.token(),
                        Map.of("usernames", names.subList(start, Math.min(names.size(), start + 60)))).status());
            }
            String before = memberRows(db);
            app.groupChat(id, "u7", "to everyone", null);
            stack.archive.flush();
            String after = memberRows(db);
            assertEquals(1, db.count("ofImGroupMessage"));
            List<String> changed = diff(before, after);
            assertEquals(List.of("u7"), changed, "only the sender's row changed");
            assertEquals(1, unread(app, id, "u59").get("u59"));
            assertEquals(0, unread(app, id, "u7").get("u7"));
        }
    }

    @AllDatabases
    void theBackEndSendsToUpToThreeGroupsAsOneOfTheirMembers(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            String g1 = create(app, "alice", "g1", "bob");
            String g2 = create(app, "bob", "g2");
            Response sent = app.post("/messages/chatgroups", app.token(), Map.of("from", "alice", "to", List.of(g1, g2),
                    "type", "txt", "body", Map.of("msg", "announcement"), "ext", Map.of("k", "v")));
            assertEquals(200, sent.status(), sent.body());
            assertEquals(2, stack.broadcast.size());
            Message first = stack.broadcast.get(0);
            assertEquals(Message.Type.groupchat, first.getType());
            assertEquals("acme#chat_" + g1 + "@" + ArchiveApiStack.MUC_DOMAIN + "/alice", first.getFrom().toString());
            assertEquals("announcement", first.getBody());
            assertEquals(sent.json().at("/data/" + g1).asText(), stanzaId(first));
            assertTrue(first.toXML().contains("urn:imcloud:ext"));
            stack.archive.flush();
            JsonNode m = app.get("/chatgroups/" + g2 + "/messages", app.token()).json().at("/entities/0");
            assertEquals(sent.json().at("/data/" + g2).asText(), m.get("msg_id").asText());
            assertEquals("v", m.at("/payload/ext/k").asText());
            assertEquals(1, unread(app, Long.parseLong(g1), "bob").get("bob"));

            assertEquals(404, app.post("/messages/chatgroups", app.token(), Map.of("to", List.of(g1, "123"), "type", "txt",
                    "body", Map.of("msg", "x"))).status(), "an unknown group: nothing is sent");
            assertEquals(2, stack.broadcast.size());
            assertEquals(400, app.post("/messages/chatgroups", app.token(), Map.of("to", List.of(g1, g2, g1, g2), "type", "txt",
                    "body", Map.of("msg", "x"))).status(), "more than three");
            assertEquals(404, app.post("/messages/chatgroups", app.token(), Map.of("from", "nobody", "to", List.of(g1),
                    "type", "txt", "body", Map.of("msg", "x"))).status());
            assertEquals(403, app.post("/messages/chatgroups", app.userToken("alice"), Map.of("to", List.of(g1), "type", "txt",
                    "body", Map.of("msg", "x"))).status());
            TestApp other = stack.app("acme", "other", "mallory");
            assertEquals(404, other.post("/messages/chatgroups", other.token(), Map.of("to", List.of(g1), "type", "txt",
                    "body", Map.of("msg", "x"))).status(), "another app's group");
        }
    }

    @AllDatabases
    void aRemovedMemberReadsNothingMoreOfTheGroup(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            long id = Long.parseLong(create(app, "alice", "g", "bob"));
            app.groupChat(id, "alice", "before", null);
            stack.archive.flush();
            String bob = app.userToken("bob");
            assertEquals(200, app.get("/chatgroups/" + id + "/messages", bob).status());
            assertEquals(200, app.delete("/chatgroups/" + id + "/users/bob", app.token()).status());

            assertEquals(404, app.get("/chatgroups/" + id + "/messages", bob).status(), "no history");
            assertEquals(404, app.post("/users/bob/chatgroups/" + id + "/read", bob, Map.of()).status());
            assertEquals(0, app.get("/users/bob/unread", bob).json().at("/data/total").asInt(), "no unread count");
            assertEquals(0, app.get("/users/bob/conversations", bob).json().get("count").asInt(), "no conversation");
            assertNull(stack.rooms.affiliations("acme#chat_" + id).get("bob"), "no affiliation in the room");
        }
    }

    @AllDatabases
    void messagesToARoomAreCheckedAndForgedCarriersRemoved(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            long id = Long.parseLong(create(app, "alice", "g", "bob"));
            JID room = stack.roomJids.room(app.key(), id);
            JID alice = new JID("acme#chat_alice", ArchiveApiStack.DOMAIN, "phone");

            Message forged = new Message();
            forged.setType(Message.Type.groupchat);
            forged.setFrom(alice);
            forged.setTo(room);
            forged.getElement().addElement("archive-id", "urn:imcloud:group").addAttribute("id", "12345");
            stack.interceptor.interceptPacket(forged, ArchiveApiStack.session(alice), true, false);
            assertFalse(forged.toXML().contains("12345"), "a client's carrier is removed: " + forged.toXML());

            Message whisper = new Message();
            whisper.setType(Message.Type.chat);
            whisper.setFrom(alice);
            whisper.setTo(new JID(room.getNode(), room.getDomain(), "bob"));
            whisper.setBody("private");
            stack.interceptor.interceptPacket(whisper, ArchiveApiStack.session(alice), true, false);
            assertFalse(whisper.toXML().contains("urn:imcloud:group"), "a private message to an occupant is not the group's");

            Message elsewhere = new Message();
            elsewhere.setType(Message.Type.groupchat);
            elsewhere.setFrom(alice);
            elsewhere.setTo(new JID("acme#chat_0" + id, ArchiveApiStack.MUC_DOMAIN, null));
            elsewhere.setBody("not the group's");
            stack.interceptor.interceptPacket(elsewhere, ArchiveApiStack.session(alice), true, false);
            assertFalse(elsewhere.toXML().contains("urn:imcloud:group"), "a room named like the group's is another room of the app");

            Message huge = new Message();
            huge.setType(Message.Type.groupchat);
            huge.setFrom(alice);
            huge.setTo(room);
            huge.setBody("x".repeat(6000));
            assertThrows(PacketRejectedException.class,
                    () -> stack.interceptor.interceptPacket(huge, ArchiveApiStack.session(alice), true, false));
            Message badExt = new Message();
            badExt.setType(Message.Type.groupchat);
            badExt.setFrom(alice);
            badExt.setTo(room);
            badExt.setBody("x");
            badExt.getElement().addElement("ext", "urn:imcloud:ext").setText("[1]");
            assertThrows(PacketRejectedException.class,
                    () -> stack.interceptor.interceptPacket(badExt, ArchiveApiStack.session(alice), true, false));
            stack.archive.flush();
            assertEquals(0, db.count("ofImGroupMessage"));
        }
    }

    /**
     * A group's members and settings change through REST only: a client may neither change its room nor enter uninvited,
     * and a member enters under their own username only.
     */
    @AllDatabases
    void clientsNeitherChangeAGroupsRoomNorEnterItWithoutBeingMembers(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            long id = Long.parseLong(create(app, "alice", "g", "bob"));
            JID room = stack.roomJids.room(app.key(), id);
            JID alice = new JID("acme#chat_alice", ArchiveApiStack.DOMAIN, "phone");

            IQ affiliation = new IQ(IQ.Type.set);
            affiliation.setFrom(alice);
            affiliation.setTo(room);
            affiliation.setChildElement("query", "http://jabber.org/protocol/muc#admin").addElement("item")
                    .addAttribute("jid", "acme#chat_carol@" + ArchiveApiStack.DOMAIN).addAttribute("affiliation", "member");
            assertRefused(stack, affiliation, alice, PacketError.Condition.not_allowed);
            IQ configuration = new IQ(IQ.Type.set);
            configuration.setFrom(alice);
            configuration.setTo(room);
            configuration.setChildElement("query", "http://jabber.org/protocol/muc#owner").addElement("destroy");
            assertRefused(stack, configuration, alice, PacketError.Condition.not_allowed);
            IQ list = new IQ(IQ.Type.get);
            list.setFrom(alice);
            list.setTo(room);
            list.setChildElement("query", "http://jabber.org/protocol/muc#admin").addElement("item").addAttribute("affiliation", "member");
            stack.interceptor.interceptPacket(list, ArchiveApiStack.session(alice), true, false); // queries pass

            Message invitation = new Message();
            invitation.setFrom(alice);
            invitation.setTo(room);
            invitation.addChildElement("x", "http://jabber.org/protocol/muc#user").addElement("invite")
                    .addAttribute("to", "acme#chat_carol@" + ArchiveApiStack.DOMAIN);
            assertRefused(stack, invitation, alice, PacketError.Condition.not_allowed);

            JID carol = new JID("acme#chat_carol", ArchiveApiStack.DOMAIN, "phone");
            assertRefused(stack, enter(carol, new JID(room.getNode(), room.getDomain(), "carol")), carol,
                    PacketError.Condition.registration_required);
            assertRefused(stack, enter(carol, new JID("acme#chat_" + (id + 1), ArchiveApiStack.MUC_DOMAIN, "carol")), carol,
                    PacketError.Condition.registration_required);
            JID bob = new JID("acme#chat_bob", ArchiveApiStack.DOMAIN, "phone");
            stack.interceptor.interceptPacket(enter(bob, new JID(room.getNode(), room.getDomain(), "bob")),
                    ArchiveApiStack.session(bob), true, false);
            assertRefused(stack, enter(bob, new JID(room.getNode(), room.getDomain(), "alice")), bob,
                    PacketError.Condition.not_acceptable);
            assertRefused(stack, enter(bob, new JID(room.getNode(), room.getDomain(), "bobby")), bob,
                    PacketError.Condition.not_acceptable);
            Presence leaving = enter(carol, new JID(room.getNode(), room.getDomain(), "carol"));
            leaving.setType(Presence.Type.unavailable);
            stack.interceptor.interceptPacket(leaving, ArchiveApiStack.session(carol), true, false);
            stack.interceptor.interceptPacket(enter(carol, new JID("acme#chat_lobby", ArchiveApiStack.MUC_DOMAIN, "carol")),
                    ArchiveApiStack.session(carol), true, false); // a room of the app that is no group
        }
    }

    private static Presence enter(JID user, JID occupant) {
        Presence presence = new Presence();
        presence.setFrom(user);
        presence.setTo(occupant);
        presence.addChildElement("x", "http://jabber.org/protocol/muc");
        return presence;
    }

    private static void assertRefused(ArchiveApiStack stack, Packet packet, JID from, PacketError.Condition condition) {
        StanzaRejection refused = assertThrows(StanzaRejection.class,
                () -> stack.interceptor.interceptPacket(packet, ArchiveApiStack.session(from), true, false));
        assertEquals(condition, refused.condition(), packet.toXML());
    }

    private static String stanzaId(Message m) {
        return m.getElement().element(QName.get("stanza-id", "urn:xmpp:sid:0")).attributeValue("id");
    }

    /** Each user's unread count of the group, from their unread summary (0 when the group is not listed). */
    private static Map<String, Integer> unread(TestApp app, long groupId, String... users) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        for (String user : users) {
            int count = 0;
            for (JsonNode c : app.get("/users/" + user + "/unread", app.token()).json().at("/data/conversations")) {
                if (c.get("peer").asText().equals(Long.toString(groupId))) {
                    count = c.get("unread_num").asInt();
                }
            }
            counts.put(user, count);
        }
        return counts;
    }

    /** Every member row as text, one per line, ordered. */
    private static String memberRows(TestDatabase db) throws Exception {
        StringBuilder rows = new StringBuilder();
        try (Connection con = db.getConnection(); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT username, memberRole, readSeq, ownAfterRead FROM ofImGroupMember ORDER BY username")) {
            while (rs.next()) {
                rows.append(rs.getString(1)).append(' ').append(rs.getInt(2)).append(' ').append(rs.getLong(3)).append(' ')
                        .append(rs.getInt(4)).append('\n');
            }
        }
        return rows.toString();
    }

    /** The usernames whose member row differs between two {@link #memberRows} listings. */
    private static List<String> diff(String before, String after) {
        List<String> a = List.of(before.split("\n"));
        List<String> b = List.of(after.split("\n"));
        assertEquals(a.size(), b.size());
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
                changed.add(b.get(i).split(" ")[0]);
            }
        }
        return changed;
    }
}
