package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.archive.MessageIds;
import io.imcloud.rest.ArchiveApiStack.TestApp;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.Message;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** History, conversation list, read marks and unread counters over real HTTP, on every database. */
class ConversationApiTest {

    /** A read mark the archive queue has no room for answers 503 with Retry-After, as one the archive fails. */
    @Test
    void aReadMarkRefusedByAFullArchiveQueueAnswers503() {
        ApiException refused = assertThrows(ApiException.class, () -> ConversationRoutes.awaitRead(
                CompletableFuture.failedFuture(new RejectedExecutionException("archive queue full")), "bob with alice"));
        assertEquals(503, refused.status());
        assertEquals("service_unavailable", refused.error());
    }


    @AllDatabases
    void historyPagesNewestFirstWithoutGapsOrDuplicates(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 45; i++) {
                Message m = i % 2 == 0 ? app.chat("alice", "bob", "hi " + i, "c" + i) : app.chat("bob", "alice", "ho " + i, "c" + i);
                sent.add(0, stanzaId(m));
            }
            app.chat("alice", "carol", "elsewhere", "x");
            stack.archive.flush();

            String aliceToken = app.userToken("alice");
            List<String> seen = new ArrayList<>();
            String before = null;
            int pages = 0;
            do {
                Response r = app.get("/users/alice/conversations/bob/messages?limit=20" + (before == null ? "" : "&before=" + before),
                        pages % 2 == 0 ? aliceToken : app.token());
                assertEquals(200, r.status(), r.body());
                JsonNode e = r.json();
                assertEquals(e.get("entities").size(), e.get("count").asInt());
                e.get("entities").forEach(m -> seen.add(m.get("msg_id").asText()));
                before = e.has("cursor") ? e.get("cursor").asText() : null;
                pages++;
                assertEquals(pages < 3, before != null, "cursor only while more remain: " + e);
            } while (before != null);
            assertEquals(3, pages);
            assertEquals(sent, seen, "newest first, no gaps, no duplicates");

            JsonNode newest = app.get("/users/bob/conversations/ALICE/messages?limit=1", app.token()).json();
            JsonNode m = newest.get("entities").get(0);
            assertEquals(sent.get(0), m.get("msg_id").asText());
            assertTrue(m.get("msg_id").isTextual());
            assertEquals("alice", m.get("from").asText());
            assertEquals("bob", m.get("to").asText());
            assertEquals("chat", m.get("chat_type").asText());
            assertEquals(MessageIds.timestampOf(Long.parseLong(sent.get(0))), m.get("timestamp").asLong());
            assertEquals("txt", m.at("/payload/bodies/0/type").asText());
            assertEquals("hi 44", m.at("/payload/bodies/0/msg").asText());
            assertEquals(1, m.at("/payload/bodies").size());
            assertTrue(m.at("/payload/ext").isObject() && m.at("/payload/ext").isEmpty(), m.toString());
            assertEquals("get", newest.get("action").asText());
            assertEquals("/users/bob/conversations/ALICE/messages", newest.get("path").asText());

            long newestMillis = m.get("timestamp").asLong();
            assertEquals(20, app.get("/users/alice/conversations/bob/messages?before=" + (newestMillis + 1), aliceToken)
                    .json().get("count").asInt(), "a timestamp after the newest message: the newest page");
            assertEquals(0, app.get("/users/alice/conversations/bob/messages?before=1000", aliceToken)
                    .json().get("count").asInt(), "a timestamp before any message: nothing");
            assertEquals(0, app.get("/users/alice/conversations/dave/messages", aliceToken).json().get("count").asInt());
        }
    }

    @AllDatabases
    void beforeAnIdOutsideTheConversationIs404(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            long withBob = Long.parseLong(stanzaId(app.chat("alice", "bob", "one", "c1")));
            long fromBob = Long.parseLong(stanzaId(app.chat("bob", "alice", "two", "c2")));
            long withCarol = Long.parseLong(stanzaId(app.chat("alice", "carol", "elsewhere", "c3")));
            stack.archive.flush();

            Response known = app.get("/users/alice/conversations/bob/messages?before=" + withBob, app.token());
            assertEquals(200, known.status(), known.body());
            assertEquals(0, known.json().get("count").asInt(), "nothing is older than the first message");
            long unused = Math.max(Math.max(withBob, fromBob), withCarol) + 1;
            for (long unknown : new long[] {unused, withCarol}) {
                Response r = app.get("/users/alice/conversations/bob/messages?before=" + unknown, app.token());
                assertEquals(404, r.status(), unknown + ": " + r.body());
                assertEquals("service_resource_not_found", r.error());
            }
        }
    }

    @AllDatabases
    void badParametersAre400(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            for (String query : List.of("limit=0", "limit=101", "limit=x", "before=abc", "before=-5", "before=1e9",
                    "before=99999999999999999999")) {
                Response r = app.get("/users/alice/conversations/bob/messages?" + query, app.token());
                assertEquals(400, r.status(), query + ": " + r.body());
                assertEquals("illegal_argument", r.error(), query);
            }
            Response badPeer = app.get("/users/alice/conversations/b%20b/messages", app.token());
            assertEquals(400, badPeer.status(), badPeer.body());
            for (String query : List.of("limit=0", "limit=101", "cursor=abc", "cursor=-1")) {
                Response r = app.get("/users/alice/conversations?" + query, app.token());
                assertEquals(400, r.status(), query + ": " + r.body());
                assertEquals("illegal_argument", r.error(), query);
            }
            Response arrayBody = app.post("/users/alice/conversations/bob/read", app.token(), List.of("x"));
            assertEquals(400, arrayBody.status(), arrayBody.body());
            Response longId = app.post("/users/alice/conversations/bob/read", app.token(), Map.of("msg_id", "x".repeat(129)));
            assertEquals(400, longId.status(), longId.body());
            Response notJson = app.post("/users/alice/conversations/bob/read", app.token(), "{msg_id");
            assertEquals("json_parse", notJson.error(), notJson.body());
        }
    }

    @AllDatabases
    void conversationListNewestFirstWithCursorAndUnread(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol", "dave");
            app.chat("bob", "alice", "b1", null);
            app.chat("bob", "alice", "b2", null);
            app.chat("carol", "alice", "c1", null);
            app.chat("bob", "alice", "b3", null);
            app.chat("carol", "alice", "c2", null);
            Message last = app.chat("alice", "dave", "to dave", null);
            stack.archive.flush();

            Response first = app.get("/users/alice/conversations?limit=2", app.userToken("alice"));
            assertEquals(200, first.status(), first.body());
            JsonNode e = first.json();
            assertEquals(2, e.get("count").asInt());
            JsonNode dave = e.get("entities").get(0);
            assertEquals("dave", dave.get("peer").asText());
            assertEquals(0, dave.get("unread_num").asInt());
            assertEquals(stanzaId(last), dave.at("/last_message/msg_id").asText());
            assertEquals("to dave", dave.at("/last_message/payload/bodies/0/msg").asText());
            assertEquals(dave.at("/last_message/timestamp").asLong(), dave.get("timestamp").asLong());
            JsonNode carol = e.get("entities").get(1);
            assertEquals("carol", carol.get("peer").asText());
            assertEquals(2, carol.get("unread_num").asInt());
            assertEquals("c2", carol.at("/last_message/payload/bodies/0/msg").asText());

            Response second = app.get("/users/alice/conversations?limit=2&cursor=" + e.get("cursor").asText(), app.token());
            assertEquals(1, second.json().get("count").asInt(), second.body());
            assertEquals("bob", second.json().at("/entities/0/peer").asText());
            assertEquals(3, second.json().at("/entities/0/unread_num").asInt());
            assertFalse(second.json().has("cursor"));

            JsonNode unread = app.get("/users/alice/unread", app.userToken("alice")).json().get("data");
            assertEquals(5, unread.get("total").asLong());
            assertEquals(2, unread.get("conversations").size());
            assertEquals("carol", unread.at("/conversations/0/peer").asText());
            assertEquals(2, unread.at("/conversations/0/unread_num").asInt());
            assertEquals("bob", unread.at("/conversations/1/peer").asText());
            assertEquals(3, unread.at("/conversations/1/unread_num").asInt());

            JsonNode daveList = app.get("/users/dave/conversations", app.token()).json();
            assertEquals("alice", daveList.at("/entities/0/peer").asText());
            assertEquals(1, daveList.at("/entities/0/unread_num").asInt());
            assertEquals(1, app.get("/users/dave/unread", app.token()).json().at("/data/total").asLong());
            assertEquals(0, app.get("/users/carol/unread", app.token()).json().at("/data/total").asLong());
        }
    }

    @AllDatabases
    void readAllUpToIdUpToClientIdAndUnknownIdChangesNothing(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            List<Message> fromBob = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fromBob.add(app.chat("bob", "alice", "m" + i, "bob-" + i));
            }
            Message toBob = app.chat("alice", "bob", "reply", "alice-1");
            Message fromCarol = app.chat("carol", "alice", "c", "carol-1");
            stack.archive.flush();
            String alice = app.userToken("alice");

            Response upToId = app.post("/users/alice/conversations/bob/read", alice, Map.of("msg_id", stanzaId(fromBob.get(1))));
            assertEquals(200, upToId.status(), upToId.body());
            assertEquals("bob", upToId.json().at("/data/peer").asText());
            assertEquals(4, upToId.json().at("/data/unread_num").asInt());
            assertEquals("post", upToId.json().get("action").asText());

            Response upToClientId = app.post("/users/alice/conversations/BOB/read", app.token(), Map.of("msg_id", "bob-3"));
            assertEquals(2, upToClientId.json().at("/data/unread_num").asInt(), upToClientId.body());
            Response numericId = app.post("/users/alice/conversations/bob/read", alice,
                    "{\"msg_id\": " + stanzaId(fromBob.get(4)) + "}");
            assertEquals(1, numericId.json().at("/data/unread_num").asInt(), numericId.body());

            for (String unknown : List.of("nope", stanzaId(fromCarol), stanzaId(toBob) + "1", "carol-1")) {
                Response r = app.post("/users/alice/conversations/bob/read", alice, Map.of("msg_id", unknown));
                assertEquals(404, r.status(), unknown + ": " + r.body());
                assertEquals("service_resource_not_found", r.error());
                assertTrue(r.json().get("error_description").asText().contains(unknown), r.body());
            }
            JsonNode unread = app.get("/users/alice/unread", alice).json().get("data");
            assertEquals(2, unread.get("total").asLong(), "unknown ids changed nothing: " + unread);

            String bare = rawPostWithoutBody(stack, app.path("/users/alice/conversations/bob/read"), alice);
            assertTrue(bare.startsWith("HTTP/1.1 200 "), "curl -X POST sends no Content-Length: " + bare);
            assertTrue(bare.contains("\"unread_num\":0"), bare);
            Response all = app.post("/users/alice/conversations/bob/read", alice, "");
            assertEquals(200, all.status(), all.body());
            assertEquals(0, all.json().at("/data/unread_num").asInt());
            Response emptyObject = app.post("/users/alice/conversations/carol/read", alice, Map.of());
            assertEquals(0, emptyObject.json().at("/data/unread_num").asInt(), emptyObject.body());
            assertEquals(0, app.get("/users/alice/unread", alice).json().at("/data/total").asLong());
            assertEquals(1, app.get("/users/bob/unread", app.token()).json().at("/data/total").asLong(),
                    "bob's side untouched");
        }
    }

    @AllDatabases
    void callersSeeOnlyTheirOwnUserAndApp(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp a = stack.app("acme", "chat", "alice", "bob");
            TestApp b = stack.app("acme", "other", "alice", "bob");
            Message inA = a.chat("bob", "alice", "only in A", "same-id");
            stack.archive.flush();
            String bobToken = a.userToken("bob");
            List<String> userRoutes = List.of("/users/alice/conversations", "/users/alice/conversations/bob/messages",
                    "/users/alice/unread");
            for (String path : userRoutes) {
                assertEquals(403, a.get(path, bobToken).status(), path);
                assertEquals(401, a.get(path, null).status(), path);
                assertEquals(401, a.get(path, b.token()).status(), path + " with another app's token");
                assertEquals(401, a.get(path, b.userToken("alice")).status(), path + " with another app's user token");
                assertEquals(404, a.get(path.replace("alice", "zed"), a.token()).status(), path + " unknown user");
                assertEquals(200, a.get(path, a.userToken("alice")).status(), path);
            }
            assertEquals(403, a.post("/users/alice/conversations/bob/read", bobToken, "").status());
            assertEquals(401, a.post("/users/alice/conversations/bob/read", b.token(), "").status());
            for (String path : List.of("/users/alice/offline_msg_count", "/users/alice/offline_msg_status/" + stanzaId(inA))) {
                assertEquals(403, a.get(path, a.userToken("alice")).status(), path + " is for the app only");
                assertEquals(401, a.get(path, b.token()).status(), path);
            }

            assertEquals(1, a.get("/users/alice/conversations/bob/messages", a.token()).json().get("count").asInt());
            assertEquals(0, b.get("/users/alice/conversations/bob/messages", b.token()).json().get("count").asInt());
            assertEquals(0, b.get("/users/alice/conversations", b.token()).json().get("count").asInt());
            assertEquals(0, b.get("/users/alice/unread", b.token()).json().at("/data/total").asLong());
            assertEquals(404, b.get("/users/alice/offline_msg_status/" + stanzaId(inA), b.token()).status());
            assertEquals(404, b.post("/users/alice/conversations/bob/read", b.token(), Map.of("msg_id", stanzaId(inA))).status());
            assertEquals(404, b.post("/users/alice/conversations/bob/read", b.token(), Map.of("msg_id", "same-id")).status());
            assertEquals(1, a.get("/users/alice/unread", a.token()).json().at("/data/total").asLong());
        }
    }

    /**
     * The writer lingers (50 ms by default) before it commits: a read that follows a send at once waits for it instead
     * of missing the message. Each read comes right after a message of its own, none after a flush.
     */
    @AllDatabases
    void aMessageJustSentIsPagedListedAndCountedAtOnce(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            Message first = app.chat("bob", "alice", "first", null);
            JsonNode history = app.get("/users/alice/conversations/bob/messages", app.token()).json();
            assertEquals(stanzaId(first), history.at("/entities/0/msg_id").asText(), history.toString());

            Message second = app.chat("bob", "alice", "second", null);
            JsonNode list = app.get("/users/alice/conversations", app.token()).json();
            assertEquals(stanzaId(second), list.at("/entities/0/last_message/msg_id").asText(), list.toString());
            assertEquals(2, list.at("/entities/0/unread_num").asInt(), list.toString());

            app.chat("bob", "alice", "third", null);
            assertEquals(3, app.get("/users/alice/unread", app.token()).json().at("/data/total").asLong());

            stack.storeOffline(app.chat("bob", "alice", "fourth", null));
            assertEquals(1, offlineCount(app, "alice"));
        }
    }

    @AllDatabases
    void offlineCountAndStatusFollowTheDeliveryState(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            Message first = app.chat("bob", "alice", "1", null);
            Message second = app.chat("bob", "alice", "2", null);
            Message toBob = app.chat("alice", "bob", "3", null);
            stack.archive.flush();
            assertEquals(Map.of(stanzaId(first), "undelivered"), status(app, "alice", stanzaId(first)));
            assertEquals(0, offlineCount(app, "alice"));

            stack.storeOffline(first);
            stack.storeOffline(second);
            stack.archive.flush();
            assertEquals(2, offlineCount(app, "alice"));
            assertEquals(Map.of(stanzaId(first), "undelivered"), status(app, "alice", stanzaId(first)));

            stack.deliver(first);
            stack.archive.flush();
            assertEquals(Map.of(stanzaId(first), "delivered"), status(app, "alice", stanzaId(first)));
            assertEquals(Map.of(stanzaId(second), "undelivered"), status(app, "alice", stanzaId(second)));
            assertEquals(1, offlineCount(app, "alice"));
            assertEquals(0, offlineCount(app, "bob"));

            for (String unknown : List.of(stanzaId(toBob), "abc", "0", "99999999999999999999", stanzaId(first) + "0")) {
                Response r = app.get("/users/alice/offline_msg_status/" + unknown, app.token());
                assertEquals(404, r.status(), unknown + ": " + r.body());
                assertEquals("service_resource_not_found", r.error());
            }
            assertEquals(404, app.get("/users/zed/offline_msg_count", app.token()).status());
        }
    }

    /** A POST as {@code curl -X POST} sends it: no Content-Length, no Transfer-Encoding, no body. */
    private static String rawPostWithoutBody(ArchiveApiStack stack, String path, String bearer) throws IOException {
        java.net.URI uri = stack.s.http.uri(path);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost()
                    + "\r\nAuthorization: Bearer " + bearer + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> status(TestApp app, String user, String msgId) {
        Response r = app.get("/users/" + user + "/offline_msg_status/" + msgId, app.token());
        assertEquals(200, r.status(), r.body());
        Map<String, String> data = new java.util.HashMap<>();
        r.json().get("data").fields().forEachRemaining(f -> data.put(f.getKey(), f.getValue().asText()));
        return data;
    }

    private static long offlineCount(TestApp app, String user) {
        Response r = app.get("/users/" + user + "/offline_msg_count", app.token());
        assertEquals(200, r.status(), r.body());
        assertEquals(1, r.json().get("data").size());
        return r.json().at("/data/" + user).asLong();
    }

    /** The archive id the interceptor stamped on a message (the stanza-id for its receiver). */
    static String stanzaId(Message m) {
        org.dom4j.Element sid = m.getElement().element(org.dom4j.QName.get("stanza-id", "urn:xmpp:sid:0"));
        assertTrue(sid != null && sid.attributeValue("by").equals(m.getTo().toBareJID()), m.toXML());
        assertNull(m.getError());
        return sid.attributeValue("id");
    }
}
