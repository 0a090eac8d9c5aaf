package io.imcloud.xmpp;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.xmpp.testsupport.TestArchives;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;

import java.io.File;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.imcloud.xmpp.testsupport.XmppFixture.DOMAIN;
import static io.imcloud.xmpp.testsupport.XmppFixture.bare;
import static io.imcloud.xmpp.testsupport.XmppFixture.chat;
import static io.imcloud.xmpp.testsupport.XmppFixture.firewallOfRegisteredShapes;
import static io.imcloud.xmpp.testsupport.XmppFixture.full;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0313 over the SQL archive on every available database: the form, paging, filters, result messages and errors. */
@ParameterizedClass(name = "{0}")
@MethodSource("io.imcloud.testsupport.TestDatabase#available")
class MamIqHandlerTest {

    static final AppKey APP = AppKey.of("acme", "chat");
    static final AppKey OTHER = AppKey.of("acme", "other");
    static final String ALICE = "acme#chat_alice";
    static final long T0 = Instant.parse("2026-03-01T08:00:00Z").toEpochMilli();

    @Parameter
    DatabaseType databaseType;
    TestDatabase db;
    SqlArchive archive;
    List<Packet> sent;
    int maxPageSize;
    MamIqHandler handler;
    /** Ids in time order: alice/bob at minutes 0,2,4,6,8; alice/dave at minutes 1,3. */
    List<Long> ids;
    /** The id of a message of the other app's alice. */
    long otherAppId;
    final AtomicLong clock = new AtomicLong();
    final MessageIds idSource = new MessageIds(1, clock::get);

    @BeforeEach
    void setUp() {
        db = TestDatabase.create(databaseType);
        archive = TestArchives.open(db);
        sent = new ArrayList<>();
        maxPageSize = 100;
        handler = new MamIqHandler(archive, firewallOfRegisteredShapes(), sent::add, () -> maxPageSize);
        ids = new ArrayList<>();
        String[][] plan = {{"alice", "bob"}, {"dave", "alice"}, {"bob", "alice"}, {"alice", "dave"}, {"alice", "bob"},
                {"bob", "alice"}, {"alice", "bob"}};
        int[] minutes = {0, 1, 2, 3, 4, 6, 8};
        for (int i = 0; i < plan.length; i++) {
            ids.add(store(APP, plan[i][0], plan[i][1], T0 + minutes[i] * 60_000L, "m" + i, i % 2 == 0));
        }
        otherAppId = store(OTHER, "alice", "carol", T0, "another app's alice", true);
        archive.flush();
    }

    @AfterEach
    void tearDown() {
        TestArchives.close(archive, db);
    }

    long store(AppKey app, String sender, String receiver, long at, String body, boolean withStanza) {
        clock.set(at);
        long id = idSource.next();
        String stanza = withStanza
                ? chat(full(app + "_" + sender), bare(app + "_" + receiver), body, "cid-" + body).toXML() : null;
        String ext = withStanza ? null : "{\"n\":1}";
        assertTrue(archive.append(new ArchivedMessage(id, app, sender, receiver, MessageIds.timestampOf(id), "chat",
                body, ext, stanza, "cid-" + body, DeliveryState.DELIVERED)));
        return id;
    }

    IQ query(JID from, Map<String, String> fields, String max, String after, String before) {
        IQ iq = new IQ(IQ.Type.set, "q1");
        iq.setFrom(from);
        Element query = iq.setChildElement("query", MamIqHandler.NAMESPACE).addAttribute("queryid", "f27");
        if (fields != null) {
            Element x = query.addElement("x", "jabber:x:data").addAttribute("type", "submit");
            x.addElement("field").addAttribute("var", "FORM_TYPE").addAttribute("type", "hidden")
                    .addElement("value").addText(MamIqHandler.NAMESPACE);
            fields.forEach((var, value) -> x.addElement("field").addAttribute("var", var).addElement("value").addText(value));
        }
        if (max != null || after != null || before != null) {
            Element set = query.addElement("set", MamRequest.RSM_NAMESPACE);
            if (max != null) {
                set.addElement("max").addText(max);
            }
            if (after != null) {
                set.addElement("after").addText(after);
            }
            if (before != null) {
                set.addElement("before").addText(before);
            }
        }
        return iq;
    }

    /** Runs a query; returns the archive ids of the result messages in order. */
    List<Long> resultIds(IQ reply) {
        assertEquals(IQ.Type.result, reply.getType(), () -> reply.toXML());
        List<Long> found = new ArrayList<>();
        for (Packet p : sent) {
            found.add(Long.parseLong(p.getElement().element("result").attributeValue("id")));
        }
        sent.clear();
        return found;
    }

    static Element fin(IQ reply) {
        Element fin = reply.getChildElement();
        assertEquals("fin", fin.getName());
        assertEquals(MamIqHandler.NAMESPACE, fin.getNamespaceURI());
        return fin;
    }

    static Element set(IQ reply) {
        return fin(reply).element(QName.get("set", MamRequest.RSM_NAMESPACE));
    }

    @Test
    void theFormRequestListsWithStartEnd() {
        IQ get = new IQ(IQ.Type.get, "form1");
        get.setFrom(full(ALICE));
        get.setChildElement("query", MamIqHandler.NAMESPACE);
        IQ reply = handler.handleIQ(get);
        assertEquals(IQ.Type.result, reply.getType());
        Element x = reply.getChildElement().element(QName.get("x", "jabber:x:data"));
        assertEquals("form", x.attributeValue("type"));
        List<String> vars = x.elements("field").stream().map(f -> f.attributeValue("var")).toList();
        assertEquals(List.of("FORM_TYPE", "with", "start", "end"), vars);
        assertEquals(MamIqHandler.NAMESPACE, x.elements("field").get(0).elementText("value"));
        assertTrue(sent.isEmpty());
    }

    @Test
    void pagesForwardWithAfterAndMax() {
        IQ reply = handler.handleIQ(query(full(ALICE), null, "3", null, null));
        assertEquals(ids.subList(0, 3), resultIds(reply));
        assertEquals("false", fin(reply).attributeValue("complete"));
        assertEquals(Long.toString(ids.get(0)), set(reply).elementText("first"));
        assertEquals("0", set(reply).element("first").attributeValue("index"));
        assertEquals(Long.toString(ids.get(2)), set(reply).elementText("last"));

        reply = handler.handleIQ(query(full(ALICE), null, "3", set(reply).elementText("last"), null));
        assertEquals(ids.subList(3, 6), resultIds(reply));
        assertNull(set(reply).element("first").attributeValue("index"), "index unknown in the middle");

        reply = handler.handleIQ(query(full(ALICE), null, "3", set(reply).elementText("last"), null));
        assertEquals(ids.subList(6, 7), resultIds(reply));
        assertEquals("true", fin(reply).attributeValue("complete"));
    }

    @Test
    void pagesBackwardFromTheLastPageWithBefore() {
        IQ reply = handler.handleIQ(query(full(ALICE), null, "4", null, ""));
        assertEquals(ids.subList(3, 7), resultIds(reply), "an empty <before/> is the newest page, oldest first");
        assertEquals("false", fin(reply).attributeValue("complete"));

        reply = handler.handleIQ(query(full(ALICE), null, "4", null, set(reply).elementText("first")));
        assertEquals(ids.subList(0, 3), resultIds(reply));
        assertEquals("true", fin(reply).attributeValue("complete"));
        assertEquals("0", set(reply).element("first").attributeValue("index"));
    }

    @Test
    void filtersByWithStartAndEnd() {
        IQ reply = handler.handleIQ(query(full(ALICE), Map.of("with", "acme#chat_dave@" + DOMAIN), null, null, null));
        assertEquals(List.of(ids.get(1), ids.get(3)), resultIds(reply));
        assertEquals("true", fin(reply).attributeValue("complete"));

        reply = handler.handleIQ(query(full(ALICE), Map.of("with", "acme#chat_bob@" + DOMAIN + "/tablet"), null, null, null));
        assertEquals(List.of(ids.get(0), ids.get(2), ids.get(4), ids.get(5), ids.get(6)), resultIds(reply));

        String start = OffsetDateTime.ofInstant(Instant.ofEpochMilli(T0 + 2 * 60_000), ZoneOffset.ofHours(8)).toString();
        reply = handler.handleIQ(query(full(ALICE), Map.of("start", start, "end", "2026-03-01T08:06:00Z"), null, null, null));
        assertEquals(ids.subList(2, 6), resultIds(reply), "start and end are inclusive, any offset");

        reply = handler.handleIQ(query(full(ALICE), Map.of("with", "acme#chat_bob@" + DOMAIN,
                "start", "2026-03-01T08:03:00.000+00:00"), null, null, null));
        assertEquals(List.of(ids.get(4), ids.get(5), ids.get(6)), resultIds(reply));
    }

    @Test
    void withSomeoneOutsideTheAppFindsNothing() {
        for (String with : new String[] {"acme#other_carol@" + DOMAIN, "admin@" + DOMAIN, "eve@remote.org"}) {
            IQ reply = handler.handleIQ(query(full(ALICE), Map.of("with", with), null, null, null));
            assertEquals(List.of(), resultIds(reply), with);
            assertEquals("true", fin(reply).attributeValue("complete"));
            assertEquals("0", set(reply).elementText("count"));
        }
    }

    @Test
    void resultMessagesForwardTheArchivedStanzaWithDelay() throws Exception {
        IQ reply = handler.handleIQ(query(full(ALICE), null, "2", null, null));
        assertEquals(IQ.Type.result, reply.getType());
        assertEquals(2, sent.size());
        // Serialise and parse again, as the wire would: namespaces must survive.
        Message first = new Message(DocumentHelper.parseText(sent.get(0).toXML()).getRootElement());
        assertEquals(full(ALICE), first.getTo());
        assertEquals(bare(ALICE), first.getFrom());
        Element result = first.getChildElement("result", MamIqHandler.NAMESPACE);
        assertEquals("f27", result.attributeValue("queryid"));
        assertEquals(Long.toString(ids.get(0)), result.attributeValue("id"));
        Element forwarded = result.element(QName.get("forwarded", "urn:xmpp:forward:0"));
        assertEquals(Instant.ofEpochMilli(MessageIds.timestampOf(ids.get(0))).toString(),
                forwarded.element(QName.get("delay", "urn:xmpp:delay")).attributeValue("stamp"));
        Element original = forwarded.element(QName.get("message", "jabber:client"));
        assertNotNull(original, forwarded.asXML());
        assertEquals("m0", original.elementText(QName.get("body", "jabber:client")));
        assertEquals("cid-m0", original.attributeValue("id"));
        assertEquals(full(ALICE).toString(), original.attributeValue("from"));

        // The second message was archived without a stanza (as REST sends are): rebuilt from the row.
        Element rebuilt = new Message(DocumentHelper.parseText(sent.get(1).toXML()).getRootElement())
                .getChildElement("result", MamIqHandler.NAMESPACE)
                .element(QName.get("forwarded", "urn:xmpp:forward:0")).element(QName.get("message", "jabber:client"));
        assertEquals("m1", rebuilt.elementText(QName.get("body", "jabber:client")));
        assertEquals("acme#chat_dave@" + DOMAIN, rebuilt.attributeValue("from"));
        assertEquals(ALICE + "@" + DOMAIN, rebuilt.attributeValue("to"));
        assertEquals("{\"n\":1}", rebuilt.elementText(QName.get(MessageArchiver.EXT_ELEMENT, MessageArchiver.EXT_NAMESPACE)));
    }

    @Test
    void maxIsCappedBySettingAndDefaultsToIt() {
        maxPageSize = 3;
        assertEquals(3, resultIds(handler.handleIQ(query(full(ALICE), null, "50", null, null))).size());
        assertEquals(3, resultIds(handler.handleIQ(query(full(ALICE), null, null, null, null))).size());
        maxPageSize = 0; // out of range: the default applies
        assertEquals(7, resultIds(handler.handleIQ(query(full(ALICE), null, null, null, null))).size());
    }

    @Test
    void maxZeroAnswersTheCountOfTheWholeResultSetAndNoMessages() {
        IQ reply = handler.handleIQ(query(full(ALICE), null, "0", null, null));
        assertEquals(List.of(), resultIds(reply));
        assertEquals("7", set(reply).elementText("count"));
        assertNull(set(reply).element("first"));
        assertEquals("false", fin(reply).attributeValue("complete"));

        reply = handler.handleIQ(query(full(ALICE), Map.of("with", "acme#chat_bob@" + DOMAIN), "0",
                Long.toString(ids.get(4)), null));
        assertEquals("5", set(reply).elementText("count"), "paging bounds do not change the count");
        assertEquals(List.of(), resultIds(reply));

        reply = handler.handleIQ(query(full(ALICE), Map.of("start", "2026-03-01T08:03:00Z"), "0", null, ""));
        assertEquals("4", set(reply).elementText("count"));

        reply = handler.handleIQ(query(full("acme#chat_bob"), null, "0", null, null));
        assertEquals("5", set(reply).elementText("count"), "bob's archive");

        reply = handler.handleIQ(query(full(ALICE), Map.of("with", "acme#other_carol@" + DOMAIN), "0", null, null));
        assertEquals("0", set(reply).elementText("count"));
        assertEquals("true", fin(reply).attributeValue("complete"));
    }

    @Test
    void selfMessagesAreCountedOnce() {
        ids.add(store(APP, "alice", "alice", T0 + 10 * 60_000L, "note to self", true));
        archive.flush();
        assertEquals("8", set(handler.handleIQ(query(full(ALICE), null, "0", null, null))).elementText("count"));
        assertEquals(8, resultIds(handler.handleIQ(query(full(ALICE), null, null, null, null))).size());
    }

    @Test
    void anIdThatNamesNoMessageOfTheArchiveIsItemNotFound() {
        String noSuchId = Long.toString(ids.get(0) + 1);
        assertError(PacketError.Condition.item_not_found, query(full(ALICE), null, null, noSuchId, null));
        assertError(PacketError.Condition.item_not_found, query(full(ALICE), null, null, null, noSuchId));
        assertError(PacketError.Condition.item_not_found, query(full(ALICE), null, "0", noSuchId, null));
        assertError(PacketError.Condition.item_not_found, query(full(ALICE), null, null, Long.toString(otherAppId), null));
        assertError(PacketError.Condition.item_not_found,
                query(full("acme#chat_bob"), null, null, Long.toString(ids.get(1)), null), "alice and dave's message");
        assertEquals(ids.subList(1, 7), resultIds(handler.handleIQ(query(full(ALICE), null, null, Long.toString(ids.get(0)), null))));
    }

    @Test
    void malformedQueriesAreBadRequest() {
        assertError(PacketError.Condition.bad_request, query(full(ALICE), null, null, "", null));
        assertError(PacketError.Condition.bad_request, query(full(ALICE), Map.of("start", "+999999999-01-01T00:00:00Z"), null, null, null));
        assertError(PacketError.Condition.bad_request, query(full(ALICE), Map.of("end", "-999999999-01-01T00:00:00Z"), null, null, null));
        assertError(PacketError.Condition.bad_request, query(full(ALICE), null, "99999999999", null, null));
        assertEquals(List.of(), resultIds(handler.handleIQ(query(full(ALICE), Map.of("end", "-290000000-01-01T00:00:00Z"), null, null, null))),
                "a time before the first id bounds everything out");
    }

    @Test
    void badInputIsRefused() {
        assertError(PacketError.Condition.bad_request, query(full(ALICE), Map.of("start", "yesterday"), null, null, null));
        assertError(PacketError.Condition.bad_request, query(full(ALICE), Map.of("end", "2026-03-01 08:00"), null, null, null));
        assertError(PacketError.Condition.bad_request, query(full(ALICE), Map.of("search", "x"), null, null, null));
        assertError(PacketError.Condition.bad_request, query(full(ALICE), Map.of("with", ""), null, null, null));
        assertError(PacketError.Condition.bad_request, query(full(ALICE), null, "-1", null, null));
        assertError(PacketError.Condition.bad_request, query(full(ALICE), null, "ten", null, null));
        assertError(PacketError.Condition.item_not_found, query(full(ALICE), null, null, "not-an-id", null));
        assertError(PacketError.Condition.item_not_found, query(full(ALICE), null, null, null, "-5"));

        IQ wrongFormType = query(full(ALICE), Map.of(), null, null, null);
        wrongFormType.getChildElement().element("x").element("field").element("value").setText("urn:xmpp:mam:1");
        assertError(PacketError.Condition.bad_request, wrongFormType);

        IQ index = query(full(ALICE), null, "5", null, null);
        index.getChildElement().element("set").addElement("index").addText("3");
        assertError(PacketError.Condition.feature_not_implemented, index);
    }

    @Test
    void onlyAnAppUserQueriesOnlyTheirOwnArchive() {
        assertError(PacketError.Condition.feature_not_implemented, query(full("admin"), null, null, null, null));

        IQ someoneElses = query(full(ALICE), null, null, null, null);
        someoneElses.setTo(bare("acme#chat_bob"));
        assertError(PacketError.Condition.forbidden, someoneElses);

        IQ ownBare = query(full(ALICE), null, null, null, null);
        ownBare.setTo(bare(ALICE));
        assertEquals(7, resultIds(handler.handleIQ(ownBare)).size());

        IQ toServer = query(full(ALICE), null, null, null, null);
        toServer.setTo(new JID(DOMAIN));
        assertEquals(7, resultIds(handler.handleIQ(toServer)).size());

        IQ otherApp = query(full("acme#other_alice"), null, null, null, null);
        assertEquals(1, resultIds(handler.handleIQ(otherApp)).size(), "the other app's alice sees only her own");
    }

    @Test
    void responsesAreIgnoredAndTheFeatureIsDeclared() {
        IQ result = new IQ(IQ.Type.result, "r1");
        result.setFrom(full(ALICE));
        result.setChildElement("query", MamIqHandler.NAMESPACE);
        assertNull(handler.handleIQ(result));
        assertEquals(MamIqHandler.NAMESPACE, handler.getInfo().getNamespace());
        assertEquals("query", handler.getInfo().getName());
    }

    @Test
    void monitoringPluginBesideUsIsDetected(@TempDir File plugins) {
        File imcloud = new File(plugins, "imcloud");
        assertTrue(imcloud.mkdir());
        assertFalse(MamIqHandler.monitoringPluginInstalled(imcloud));
        assertTrue(new File(plugins, "monitoring").mkdir());
        assertTrue(MamIqHandler.monitoringPluginInstalled(imcloud));
    }

    void assertError(PacketError.Condition condition, IQ request) {
        assertError(condition, request, "");
    }

    void assertError(PacketError.Condition condition, IQ request, String why) {
        IQ reply = handler.handleIQ(request);
        assertEquals(IQ.Type.error, reply.getType(), () -> request.toXML() + " -> " + reply.toXML());
        assertEquals(condition, reply.getError().getCondition(), () -> why + " " + request.toXML());
        assertEquals(request.getID(), reply.getID());
        assertTrue(sent.isEmpty(), "no results sent on error");
    }
}
