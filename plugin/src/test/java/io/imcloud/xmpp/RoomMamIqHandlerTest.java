package io.imcloud.xmpp;

import io.imcloud.archive.ArchivePurge;
import io.imcloud.archive.GroupMessage;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.groups.Group;
import io.imcloud.groups.GroupLimits;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.NewGroup;
import io.imcloud.groups.RecordingRooms;
import io.imcloud.tenancy.AppKey;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.xmpp.testsupport.TestArchives;
import org.dom4j.Element;
import org.dom4j.QName;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.imcloud.xmpp.testsupport.XmppFixture.DOMAIN;
import static io.imcloud.xmpp.testsupport.XmppFixture.firewallOfRegisteredShapes;
import static io.imcloud.xmpp.testsupport.XmppFixture.full;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0313 addressed to a group's room, over the SQL group archive on every database: members page it, no one else. */
class RoomMamIqHandlerTest {

    private static final AppKey APP = AppKey.of("acme", "chat");
    private static final String MUC = "conference." + DOMAIN;
    private static final long T0 = Instant.parse("2026-03-01T08:00:00Z").toEpochMilli();

    /** The world of one test: a group of alice and bob with five messages (minutes 0-4), and another group. */
    private static final class World implements AutoCloseable {
        final TestDatabase db;
        final AtomicLong clock = new AtomicLong(T0);
        final SqlArchive archive;
        final GroupRoomJids rooms = new GroupRoomJids(MUC);
        final List<Packet> sent = new ArrayList<>();
        final RoomMamIqHandler handler;
        final Group group;
        final Group other;
        final List<Long> ids = new ArrayList<>();
        final long otherId;

        World(TestDatabase db) {
            this.db = db;
            MessageIds idSource = new MessageIds(1, clock::get);
            this.archive = new SqlArchive(db, idSource, io.imcloud.archive.ArchiveFixtures.settings(1000, 100));
            GroupService groups = new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true,
                    idSource::next, Clock.systemUTC(), GroupLimits::defaults);
            group = groups.create(APP, new NewGroup("g", null, false, null, "alice", List.of("bob")));
            other = groups.create(APP, new NewGroup("h", null, false, null, "carol", List.of()));
            for (int i = 0; i < 5; i++) {
                clock.set(T0 + i * 60_000L);
                long id = idSource.next();
                ids.add(id);
                archive.appendGroup(new GroupMessage(id, APP, group.groupId(), i % 2 == 0 ? "alice" : "bob", MessageIds.timestampOf(id),
                        "groupchat", "m" + i, null, i == 4 ? null : stanza(group, i % 2 == 0 ? "alice" : "bob", "m" + i), "c" + i));
            }
            otherId = idSource.next();
            archive.appendGroup(new GroupMessage(otherId, APP, other.groupId(), "carol", MessageIds.timestampOf(otherId), "groupchat",
                    "elsewhere", null, null, null));
            archive.flush();
            handler = new RoomMamIqHandler(archive, firewallOfRegisteredShapes(), rooms,
                    (app, groupId, user) -> groupId == group.groupId() && (user.equals("alice") || user.equals("bob")), sent::add, () -> 100);
        }

        JID room(Group g) {
            return rooms.room(APP, g.groupId());
        }

        IQ query(String user, JID to, String rsm) {
            IQ iq = new IQ(IQ.Type.set);
            iq.setFrom(full("acme#chat_" + user));
            iq.setTo(to);
            Element query = iq.setChildElement("query", "urn:xmpp:mam:2").addAttribute("queryid", "q1");
            if (rsm != null) {
                query.add(rsmElement(rsm));
            }
            return iq;
        }

        List<String> bodies() {
            List<String> bodies = new ArrayList<>();
            for (Packet p : sent) {
                Element forwarded = p.getElement().element("result").element("forwarded");
                bodies.add(forwarded.element("message").elementText("body"));
            }
            return bodies;
        }

        @Override
        public void close() {
            TestArchives.close(archive, null);
        }
    }

    private static String stanza(Group g, String sender, String body) {
        Message m = new Message();
        m.setType(Message.Type.groupchat);
        m.setFrom(new JID(g.roomNode(), MUC, sender));
        m.setBody(body);
        return m.toXML();
    }

    private static Element rsmElement(String xml) {
        try {
            return org.dom4j.DocumentHelper.parseText("<set xmlns='http://jabber.org/protocol/rsm'>" + xml + "</set>").getRootElement();
        } catch (org.dom4j.DocumentException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @AllDatabases
    void aMemberPagesTheRoomsArchiveOldestFirst(TestDatabase db) {
        try (World w = new World(db)) {
            IQ fin = w.handler.handleIQ(w.query("bob", w.room(w.group), "<max>2</max>"));
            assertEquals(IQ.Type.result, fin.getType(), fin.toXML());
            assertEquals(List.of("m0", "m1"), w.bodies());
            Message first = (Message) w.sent.get(0);
            assertEquals(w.room(w.group), first.getFrom(), "results come from the room");
            assertEquals("acme#chat_bob@" + DOMAIN + "/phone", first.getTo().toString());
            Element result = first.getElement().element("result");
            assertEquals("q1", result.attributeValue("queryid"));
            assertEquals(Long.toString(w.ids.get(0)), result.attributeValue("id"));
            assertEquals(w.group.roomNode() + "@" + MUC + "/alice",
                    result.element("forwarded").element("message").attributeValue("from"), "as the members got it");
            Element set = fin.getChildElement().element(QName.get("set", "http://jabber.org/protocol/rsm"));
            assertEquals("false", fin.getChildElement().attributeValue("complete"));
            assertEquals(Long.toString(w.ids.get(1)), set.elementText("last"));

            w.sent.clear();
            IQ next = w.handler.handleIQ(w.query("bob", w.room(w.group), "<max>10</max><after>" + w.ids.get(1) + "</after>"));
            assertEquals(List.of("m2", "m3", "m4"), w.bodies());
            assertEquals("true", next.getChildElement().attributeValue("complete"));
            Element rebuilt = ((Message) w.sent.get(2)).getElement().element("result").element("forwarded").element("message");
            assertEquals("groupchat", rebuilt.attributeValue("type"), "a message archived without its stanza is rebuilt");
            assertEquals(w.group.roomNode() + "@" + MUC + "/alice", rebuilt.attributeValue("from"));

            w.sent.clear();
            w.handler.handleIQ(w.query("alice", w.room(w.group), "<max>2</max><before/>"));
            assertEquals(List.of("m3", "m4"), w.bodies(), "the last page");

            w.sent.clear();
            IQ count = w.handler.handleIQ(w.query("alice", w.room(w.group), "<max>0</max>"));
            assertTrue(w.sent.isEmpty());
            assertEquals("5", count.getChildElement().element(QName.get("set", "http://jabber.org/protocol/rsm")).elementText("count"));
        }
    }

    @AllDatabases
    void onlyMembersReadTheArchiveAndOnlyOfTheirGroup(TestDatabase db) {
        try (World w = new World(db)) {
            assertError(w.handler.handleIQ(w.query("carol", w.room(w.group), null)), PacketError.Condition.forbidden);
            assertError(w.handler.handleIQ(w.query("bob", w.room(w.other), null)), PacketError.Condition.forbidden);
            IQ otherApp = w.query("bob", w.room(w.group), null);
            otherApp.setFrom(full("acme#other_bob"));
            assertError(w.handler.handleIQ(otherApp), PacketError.Condition.forbidden);
            IQ plain = w.query("bob", w.room(w.group), null);
            plain.setFrom(full("bob"));
            assertError(w.handler.handleIQ(plain), PacketError.Condition.forbidden);
            assertError(w.handler.handleIQ(w.query("bob", new JID(MUC), null)), PacketError.Condition.item_not_found);
            assertError(w.handler.handleIQ(w.query("bob", w.room(w.group), "<after>" + w.otherId + "</after>")),
                    PacketError.Condition.item_not_found);

            IQ with = w.query("bob", w.room(w.group), null);
            Element form = with.getChildElement().addElement("x", "jabber:x:data").addAttribute("type", "submit");
            form.addElement("field").addAttribute("var", "FORM_TYPE").addElement("value").setText("urn:xmpp:mam:2");
            form.addElement("field").addAttribute("var", "with").addElement("value").setText("acme#chat_alice@" + DOMAIN);
            assertError(w.handler.handleIQ(with), PacketError.Condition.feature_not_implemented);
            assertTrue(w.sent.isEmpty(), "nothing was sent: " + w.sent);

            IQ get = w.query("bob", w.room(w.group), null);
            get.setType(IQ.Type.get);
            IQ formAnswer = w.handler.handleIQ(get);
            assertEquals(IQ.Type.result, formAnswer.getType());
            assertEquals("form", formAnswer.getChildElement().element("x").attributeValue("type"));
            IQ result = w.query("bob", w.room(w.group), null);
            result.setType(IQ.Type.result);
            assertNull(w.handler.handleIQ(result), "results and errors are not answered");
        }
    }

    private static void assertError(IQ reply, PacketError.Condition condition) {
        assertEquals(IQ.Type.error, reply.getType(), reply.toXML());
        assertEquals(condition, reply.getError().getCondition(), reply.toXML());
    }
}
