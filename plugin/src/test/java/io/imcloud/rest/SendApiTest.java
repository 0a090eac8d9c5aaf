package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imcloud.archive.Archive;
import io.imcloud.archive.ArchivePage;
import io.imcloud.archive.ArchiveQuery;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.AudioFixtures;
import io.imcloud.attachments.ImageFixtures;
import io.imcloud.attachments.StoredFile;
import io.imcloud.attachments.Upload;
import io.imcloud.rest.ArchiveApiStack.TestApp;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.FilePolicy;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.TestDatabase;
import org.dom4j.Element;
import org.dom4j.QName;
import org.junit.jupiter.api.io.TempDir;
import org.xmpp.packet.Message;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server-side sends ({@code POST /{org}/{app}/messages/users}) over real HTTP, on every database. */
class SendApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @AllDatabases
    void sendsArchivesAndRoutesOneStampedStanzaPerReceiver(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            stack.app("acme", "other", "alice", "bob", "carol");
            Map<String, Object> ext = new LinkedHashMap<>();
            ext.put("em_push_title", "你好");
            ext.put("n", 1);
            Response r = app.post("/messages/users", app.token(), Map.of("from", "Alice", "to", List.of("bob", "CAROL", "bob"),
                    "type", "txt", "body", Map.of("msg", "hello 世界"), "ext", ext));
            assertEquals(200, r.status(), r.body());
            assertEquals("post", r.json().get("action").asText());
            JsonNode data = r.json().get("data");
            assertEquals(2, data.size(), "duplicate receivers get one message: " + data);
            String toBob = data.get("bob").asText();
            String toCarol = data.get("carol").asText();
            assertEquals(2, stack.routed.size());

            Message stanza = stack.routed.get(0);
            assertEquals("acme#chat_alice@im.example.com", stanza.getFrom().toString());
            assertEquals("acme#chat_bob@im.example.com", stanza.getTo().toString());
            assertEquals(Message.Type.chat, stanza.getType());
            assertEquals("hello 世界", stanza.getBody());
            assertEquals(toBob, stanza.getID());
            Element sid = stanza.getElement().element(QName.get("stanza-id", "urn:xmpp:sid:0"));
            assertEquals("acme#chat_bob@im.example.com", sid.attributeValue("by"));
            assertEquals(toBob, sid.attributeValue("id"));
            assertEquals(JSON.valueToTree(ext), JSON.readTree(stanza.getElement().element(QName.get("ext", "urn:imcloud:ext")).getText()));
            assertEquals("acme#chat_carol@im.example.com", stack.routed.get(1).getTo().toString());
            assertEquals(toCarol, stack.routed.get(1).getID());

            stack.archive.flush();
            ArchivedMessage archived = stack.archive.find(app.key(), Long.parseLong(toBob)).orElseThrow();
            assertEquals("alice", archived.sender());
            assertEquals("bob", archived.receiver());
            assertEquals("chat", archived.type());
            assertEquals(DeliveryState.PENDING, archived.state());
            assertNull(archived.clientMsgId());
            assertEquals(JSON.valueToTree(ext), JSON.readTree(archived.extJson()));
            Element lean = stanza.getElement().createCopy();
            lean.remove(lean.element("body"));
            lean.remove(lean.element(QName.get("ext", "urn:imcloud:ext")));
            lean.remove(lean.element(QName.get("stanza-id", "urn:xmpp:sid:0")));
            assertEquals(lean.asXML(), archived.stanzaXml(), "archived as routed, but for what the fields hold");

            // the routed stanza passes the interceptor like a server-generated one: not archived twice
            stack.interceptor.interceptPacket(stanza, null, true, false);
            stack.archive.flush();
            JsonNode history = app.get("/users/bob/conversations/alice/messages", app.token()).json();
            assertEquals(1, history.get("count").asInt(), history.toString());
            JsonNode m = history.at("/entities/0");
            assertEquals(toBob, m.get("msg_id").asText());
            assertEquals("alice", m.get("from").asText());
            assertEquals("hello 世界", m.at("/payload/bodies/0/msg").asText());
            assertEquals(JSON.valueToTree(ext), m.at("/payload/ext"));

            JsonNode bobUnread = app.get("/users/bob/unread", app.userToken("bob")).json().get("data");
            assertEquals(1, bobUnread.get("total").asLong());
            assertEquals("alice", bobUnread.at("/conversations/0/peer").asText());
            JsonNode aliceList = app.get("/users/alice/conversations", app.token()).json();
            assertEquals(2, aliceList.get("count").asInt(), aliceList.toString());
            assertEquals("carol", aliceList.at("/entities/0/peer").asText());
            assertEquals(toCarol, aliceList.at("/entities/0/last_message/msg_id").asText());
            assertEquals("bob", aliceList.at("/entities/1/peer").asText());
            assertEquals(0, aliceList.at("/entities/1/unread_num").asInt());
            assertEquals(toBob, app.get("/users/bob/conversations", app.token()).json().at("/entities/0/last_message/msg_id").asText());

            assertEquals("undelivered", app.get("/users/bob/offline_msg_status/" + toBob, app.token()).json().at("/data/" + toBob).asText());
            stack.deliver(stanza);
            stack.storeOffline(stack.routed.get(1));
            stack.archive.flush();
            assertEquals("delivered", app.get("/users/bob/offline_msg_status/" + toBob, app.token()).json().at("/data/" + toBob).asText());
            assertEquals("undelivered", app.get("/users/carol/offline_msg_status/" + toCarol, app.token()).json().at("/data/" + toCarol).asText());
            assertEquals(1, app.get("/users/carol/offline_msg_count", app.token()).json().at("/data/carol").asLong());

            Response read = app.post("/users/bob/conversations/alice/read", app.token(), Map.of("msg_id", toBob));
            assertEquals(0, read.json().at("/data/unread_num").asInt(), read.body());
            assertEquals(0, app.get("/users/bob/unread", app.token()).json().at("/data/total").asLong());
            assertEquals(0, countMessages(db, AppKey.of("acme", "other")), "the other app with the same usernames got nothing");
        }
    }

    @AllDatabases
    void aBlockStopsServerSideSendsEitherWayWithoutArchivingOrCounting(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol", "dave");
            stack.block(app.key(), "bob", "alice");
            stack.block(app.key(), "alice", "dave");

            Response r = app.post("/messages/users", app.token(), Map.of("from", "alice", "to", List.of("bob", "carol", "dave"),
                    "type", "txt", "body", Map.of("msg", "hello")));
            assertEquals(200, r.status(), r.body());
            List<String> answered = new ArrayList<>();
            r.json().get("data").fieldNames().forEachRemaining(answered::add);
            assertEquals(List.of("carol"), answered, "bob blocks alice, alice blocks dave: " + r.body());
            assertEquals(List.of("acme#chat_carol@im.example.com"), stack.routed.stream().map(m -> m.getTo().toString()).toList());
            Response back = app.post("/messages/users", app.token(), Map.of("from", "bob", "to", List.of("alice"),
                    "type", "txt", "body", Map.of("msg", "hello back")));
            assertEquals(200, back.status(), back.body());
            assertEquals(0, back.json().get("data").size(), "a block holds both ways");
            assertEquals(1, stack.routed.size());

            stack.archive.flush();
            for (String[] pair : new String[][] {{"bob", "alice"}, {"dave", "alice"}, {"alice", "bob"}}) {
                assertEquals(0, app.get("/users/" + pair[0] + "/conversations/" + pair[1] + "/messages", app.token())
                        .json().get("count").asInt(), "nothing archived for " + pair[0] + " with " + pair[1]);
            }
            assertEquals(0, app.get("/users/bob/unread", app.token()).json().at("/data/total").asInt(), "nothing counted");
            assertEquals(1, app.get("/users/carol/unread", app.token()).json().at("/data/total").asInt());
        }
    }

    @AllDatabases
    void withoutFromTheSenderIsAdminAndWithoutExtThereIsNoExtElement(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "bob");
            Response r = app.post("/messages/users", app.token(), Map.of("to", List.of("bob"), "type", "txt",
                    "body", Map.of("msg", "from the server"), "ext", Map.of()));
            assertEquals(200, r.status(), r.body());
            Message stanza = stack.routed.get(0);
            assertEquals("acme#chat_admin@im.example.com", stanza.getFrom().toString());
            assertNull(stanza.getElement().element(QName.get("ext", "urn:imcloud:ext")), stanza.toXML());
            stack.archive.flush();
            JsonNode m = app.get("/users/bob/conversations/admin/messages", app.userToken("bob")).json().at("/entities/0");
            assertEquals("admin", m.get("from").asText());
            assertTrue(m.at("/payload/ext").isObject() && m.at("/payload/ext").isEmpty());
            assertEquals(1, app.get("/users/bob/unread", app.token()).json().at("/data/total").asLong());
        }
    }

    @AllDatabases
    void invalidRequestsSendAndArchiveNothing(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            TestApp other = stack.app("acme", "other", "alice", "bob", "carol");
            Map<String, Object> ok = Map.of("from", "alice", "to", List.of("bob"), "type", "txt", "body", Map.of("msg", "hi"));
            List<String> tooMany = new ArrayList<>();
            for (int i = 0; i <= SendRoutes.MAX_RECEIVERS; i++) {
                tooMany.add("u" + i);
            }
            record Case(Object body, int status, String error, String mentions) {
            }
            List<Case> cases = List.of(
                    new Case(with(ok, "type", "img"), 400, "illegal_argument", "url"),
                    new Case(with(ok, "type", "location"), 400, "illegal_argument", "txt, audio, img or file"),
                    new Case(with(ok, "type", null), 400, "illegal_argument", "txt"),
                    new Case(with(ok, "body", Map.of()), 400, "illegal_argument", "msg"),
                    new Case(with(ok, "body", Map.of("msg", "")), 400, "illegal_argument", "msg"),
                    new Case(with(ok, "body", "hi"), 400, "illegal_argument", "msg"),
                    new Case(with(ok, "to", List.of()), 400, "illegal_argument", "to"),
                    new Case(with(ok, "to", "bob"), 400, "illegal_argument", "to"),
                    new Case(with(ok, "to", tooMany), 400, "illegal_argument", "600"),
                    new Case(with(ok, "to", List.of("bob", 7)), 400, "illegal_argument", "to"),
                    new Case(with(ok, "to", List.of("bob", "B@D")), 400, "illegal_argument", "B@D"),
                    new Case(with(ok, "from", "no way"), 400, "illegal_argument", "no way"),
                    new Case(with(ok, "to", List.of("bob", "alice")), 400, "illegal_argument", "itself"),
                    new Case(with(ok, "ext", List.of(1)), 400, "illegal_argument", "ext"),
                    new Case(with(ok, "ext", "{}"), 400, "illegal_argument", "ext"),
                    new Case(with(ok, "body", Map.of("msg", "x".repeat(5 * 1024 + 1))), 413, "request_entity_too_large", "5120"),
                    new Case(with(with(ok, "body", Map.of("msg", "x".repeat(4096))), "ext", Map.of("k", "y".repeat(1024))),
                            413, "request_entity_too_large", "5120"),
                    new Case(with(ok, "to", List.of("bob", "carol", "dave")), 404, "service_resource_not_found", "carol, dave"),
                    new Case(with(ok, "from", "carol"), 404, "service_resource_not_found", "carol"),
                    new Case(List.of(ok), 400, "illegal_argument", "body"),
                    new Case("{\"to\": [\"bob\"", 400, "json_parse", ""));
            for (Case c : cases) {
                Response r = app.post("/messages/users", app.token(), c.body());
                assertEquals(c.status(), r.status(), c + ": " + r.body());
                assertEquals(c.error(), r.error(), c.toString());
                assertTrue(r.json().get("error_description").asText().contains(c.mentions()), c + ": " + r.body());
            }
            assertEquals(403, app.post("/messages/users", app.userToken("alice"), ok).status());
            assertEquals(401, app.post("/messages/users", other.token(), ok).status());
            assertEquals(401, app.post("/messages/users", null, ok).status());
            Response exactLimit = app.post("/messages/users", app.token(), with(ok, "body", Map.of("msg", "é".repeat(2560))));
            assertEquals(200, exactLimit.status(), "5120 bytes are allowed: " + exactLimit.body());
            assertEquals(1, stack.routed.size(), "only the valid request sent anything");
            stack.archive.flush();
            assertEquals(1, countMessages(db, app.key()));
            assertEquals(0, countMessages(db, other.key()));
        }
    }

    @AllDatabases
    void sendsAreRateLimitedPerApp(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice");
            TestApp other = stack.app("acme", "other", "alice", "bob");
            List<String> receivers = new ArrayList<>();
            for (int i = 0; i < SendRoutes.MAX_RECEIVERS; i++) {
                receivers.add("nobody" + i);
            }
            Map<String, Object> body = Map.of("to", receivers, "type", "txt", "body", Map.of("msg", "hi"));
            // the clock stands still: the burst is all there is
            for (int i = 0; i < SendRoutes.MESSAGES_BURST / SendRoutes.MAX_RECEIVERS; i++) {
                assertEquals(404, app.post("/messages/users", app.token(), body).status(), "unknown receivers, yet counted");
            }
            Response limited = app.post("/messages/users", app.token(), body);
            assertEquals(429, limited.status(), limited.body());
            assertEquals("reach_limit", limited.error());
            assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
            Response elsewhere = other.post("/messages/users", other.token(), Map.of("to", List.of("bob"), "type", "txt",
                    "body", Map.of("msg", "hi")));
            assertEquals(200, elsewhere.status(), "another app has its own bucket: " + elsewhere.body());
            stack.s.clock.advance(java.time.Duration.ofSeconds(60));
            assertEquals(404, app.post("/messages/users", app.token(), body).status(), "refilled");
        }
    }

    @AllDatabases
    void archiveQueueFullStopsTheSendAndSaysWhatWasSent(TestDatabase db) throws Exception {
        AtomicInteger appendsLeft = new AtomicInteger(Integer.MAX_VALUE);
        try (ArchiveApiStack stack = ArchiveApiStack.start(db, a -> new FillingArchive(a, appendsLeft))) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol", "dave");
            appendsLeft.set(1);
            Response r = app.post("/messages/users", app.token(), Map.of("from", "alice", "to", List.of("bob", "carol", "dave"),
                    "type", "txt", "body", Map.of("msg", "hi")));
            assertEquals(503, r.status(), r.body());
            assertEquals("service_unavailable", r.error());
            assertTrue(r.json().get("error_description").asText().contains("1 of 3 receivers [bob]"), r.body());
            assertEquals(1, stack.routed.size());
            assertEquals("acme#chat_bob@im.example.com", stack.routed.get(0).getTo().toString());
            stack.archive.flush();
            assertEquals(1, countMessages(db, app.key()));
        }
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(base);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return copy;
    }

    private static int countMessages(TestDatabase db, AppKey app) throws SQLException {
        try (Connection con = db.getConnection(); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ofImMessage WHERE appKey = '" + app + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** An archive whose queue takes only so many more appends (a database down for too long). */
    private record FillingArchive(Archive delegate, AtomicInteger appendsLeft) implements Archive {
        @Override
        public long nextId() {
            return delegate.nextId();
        }

        @Override
        public boolean append(ArchivedMessage message) {
            return appendsLeft.getAndDecrement() > 0 && delegate.append(message);
        }

        @Override
        public void markState(AppKey appKey, long msgId, DeliveryState state) {
            delegate.markState(appKey, msgId, state);
        }

        @Override
        public CompletableFuture<Integer> markRead(AppUser owner, String peer, String upTo) {
            return delegate.markRead(owner, peer, upTo);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void awaitQueued() {
            delegate.awaitQueued();
        }

        @Override
        public Optional<ArchivedMessage> find(AppKey appKey, long msgId) {
            return delegate.find(appKey, msgId);
        }

        @Override
        public Optional<ArchivedMessage> findOwn(AppUser owner, long msgId) {
            return delegate.findOwn(owner, msgId);
        }

        @Override
        public List<ArchivedMessage> history(AppUser owner, String peer, long beforeId, int limit) {
            return delegate.history(owner, peer, beforeId, limit);
        }

        @Override
        public ArchivePage query(ArchiveQuery query) {
            return delegate.query(query);
        }

        @Override
        public long count(ArchiveQuery query) {
            return delegate.count(query);
        }

        @Override
        public long offlineCount(AppUser user) {
            return delegate.offlineCount(user);
        }
    }

    /** Voice, image and file messages: the body names a stored file of the app and is completed from it. */
    @AllDatabases
    void voiceAndImageMessagesCarryTheirFileAsOutOfBandDataAndTheEasemobBody(TestDatabase db, @TempDir Path dir) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            TestApp other = stack.app("acme", "other", "alice", "bob");
            long millis = AudioFixtures.amrNb(dir.resolve("v.amr"), 160);
            StoredFile voice = store(stack, app, "v.amr", Files.readAllBytes(dir.resolve("v.amr")), false).file();
            String voiceUrl = stack.s.http.uri(app.path("/chatfiles/" + voice.uuid())).toString();

            Response r = app.post("/messages/users", app.token(), Map.of("from", "alice", "to", List.of("bob"), "type", "audio",
                    "body", Map.of("url", voiceUrl, "filename", "voice.amr")));
            assertEquals(200, r.status(), r.body());
            Message stanza = stack.routed.get(0);
            assertEquals(voiceUrl, stanza.getBody(), "unchanged clients get the URL as the body");
            Element oob = stanza.getElement().element(QName.get("x", "jabber:x:oob"));
            assertEquals(voiceUrl, oob.elementText("url"));
            assertEquals("voice.amr", oob.elementText("desc"));
            JsonNode media = JSON.readTree(stanza.getElement().element(QName.get("media", "urn:imcloud:media")).getText());
            assertEquals("audio", media.get("type").asText());
            assertEquals(millis / 1000, media.get("length").asLong(), "the duration from the file: " + media);
            assertEquals(voice.size(), media.get("file_length").asLong());

            stack.archive.flush(); // the archive writes behind the send: history reads what is committed
            JsonNode body = app.get("/users/bob/conversations/alice/messages", app.token()).json()
                    .at("/entities/0/payload/bodies/0");
            assertEquals(media, body, "history shows the Easemob body");
            assertEquals(media, app.get("/users/bob/conversations", app.token()).json()
                    .at("/entities/0/last_message/payload/bodies/0"));

            StoredFile picture = store(stack, app, "p.png", ImageFixtures.image("png", 64, 48), false).file();
            Attachments.Stored restricted = stack.attachments.store(Upload.chatFile(app.key(), FilePolicy.DEFAULT, null, "s.png", true),
                    new ByteArrayInputStream(ImageFixtures.image("png", 8, 8)));
            String pictureUrl = stack.s.http.uri(app.path("/chatfiles/" + picture.uuid())).toString();
            String restrictedUrl = stack.s.http.uri(app.path("/chatfiles/" + restricted.file().uuid())).toString();
            assertEquals(200, app.post("/messages/users", app.token(), Map.of("to", List.of("bob"), "type", "img",
                    "body", Map.of("url", pictureUrl))).status());
            JsonNode img = JSON.readTree(stack.routed.get(1).getElement().element(QName.get("media", "urn:imcloud:media")).getText());
            assertEquals(64, img.at("/size/width").asInt());
            assertEquals("p.png", img.get("filename").asText());
            assertEquals(200, app.post("/messages/users", app.token(), Map.of("to", List.of("bob"), "type", "file",
                    "body", Map.of("url", restrictedUrl, "secret", restricted.secret()))).status());

            StoredFile othersFile = store(stack, other, "o.amr", Files.readAllBytes(dir.resolve("v.amr")), false).file();
            for (Map<String, Object> bad : List.of(
                    Map.<String, Object>of("type", "audio", "body", Map.of("url", stack.s.http.uri(other.path("/chatfiles/" + othersFile.uuid())).toString())),
                    Map.<String, Object>of("type", "audio", "body", Map.of("url", app.path("/chatfiles/" + othersFile.uuid()))),
                    Map.<String, Object>of("type", "img", "body", Map.of("url", voiceUrl)),
                    Map.<String, Object>of("type", "file", "body", Map.of("url", restrictedUrl)),
                    Map.<String, Object>of("type", "file", "body", Map.of("url", restrictedUrl, "secret", "wrong")),
                    Map.<String, Object>of("type", "file", "body", Map.of("url", "not a url ::")),
                    Map.<String, Object>of("type", "video", "body", Map.of("url", voiceUrl)),
                    // the app's own file, fetched by receivers from another host
                    Map.<String, Object>of("type", "audio", "body", Map.of("url", "https://tracker.example/imcloud"
                            + app.path("/chatfiles/" + voice.uuid()))),
                    Map.<String, Object>of("type", "audio", "body", Map.of("url", voiceUrl.replace("/imcloud/", "/elsewhere/imcloud/"))))) {
                Map<String, Object> request = new LinkedHashMap<>(bad);
                request.put("to", List.of("bob"));
                Response refused = app.post("/messages/users", app.token(), request);
                assertEquals(400, refused.status(), bad + " -> " + refused.body());
                assertEquals("illegal_argument", refused.error());
            }
            assertEquals(3, stack.routed.size(), "nothing sent for a refused request");
        }
    }

    private static Attachments.Stored store(ArchiveApiStack stack, TestApp app, String name, byte[] bytes, boolean restricted)
            throws Exception {
        return stack.attachments.store(Upload.chatFile(app.key(), FilePolicy.DEFAULT, null, name, restricted),
                new ByteArrayInputStream(bytes));
    }
}
