package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.imcloud.testsupport.RestHarnessStack.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The users API over real HTTP. */
class UserApiTest {

    @AllDatabases
    void registersOneUserWithEasemobEnvelope(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            long now = s.clock.millis();

            Response r = s.register(app, token, user("Alice", "pw-1", "小爱 Alice"));

            assertEquals(200, r.status(), r.body());
            JsonNode e = r.json();
            assertEquals("post", e.get("action").asText());
            assertEquals(app.app().uuid(), e.get("application").asText());
            assertEquals("chat", e.get("applicationName").asText());
            assertEquals("acme", e.get("organization").asText());
            assertEquals("/users", e.get("path").asText());
            assertEquals(s.http.uri("/acme/chat/users").toString(), e.get("uri").asText());
            assertEquals(now, e.get("timestamp").asLong());
            assertTrue(e.get("duration").isIntegralNumber());
            JsonNode u = e.get("entities").get(0);
            assertEquals(1, e.get("entities").size());
            assertEquals("user", u.get("type").asText());
            assertEquals("alice", u.get("username").asText());
            assertEquals("小爱 Alice", u.get("nickname").asText());
            assertEquals(now, u.get("created").asLong());
            assertEquals(now, u.get("modified").asLong());
            assertTrue(u.get("activated").asBoolean());
            assertEquals(36, u.get("uuid").asText().length());
            assertEquals("application/json;charset=utf-8", r.header("Content-Type").toLowerCase().replace(" ", ""));
            assertTrue(s.directory.authenticate("acme#chat_alice", "pw-1"), "XMPP account with that password");

            Response got = s.http.get("/acme/chat/users/ALICE", token);
            assertEquals(200, got.status(), got.body());
            assertEquals(u, got.json().get("entities").get(0));
            assertEquals(1, got.json().get("count").asInt());
        }
    }

    @AllDatabases
    void registersBatchAllOrNothing(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            List<Map<String, String>> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                batch.add(user("u" + i, "pw", "n" + i));
            }
            Response ok = s.register(app, token, batch);
            assertEquals(200, ok.status(), ok.body());
            assertEquals(5, ok.json().get("entities").size());
            assertEquals("u4", ok.json().get("entities").get(4).get("username").asText());

            Response dup = s.register(app, token, List.of(user("new1", "pw", "x"), user("new2", "pw", "x"), user("u3", "pw", "x")));
            assertEquals(400, dup.status());
            assertEquals("duplicate_unique_property_exists", dup.error());
            Response illegal = s.register(app, token, List.of(user("new1", "pw", "x"), user("bad name", "pw", "x")));
            assertEquals(400, illegal.status());
            assertEquals("illegal_argument", illegal.error());
            assertEquals(5, db.count("ofImUser"), "nothing left of the failed batches");
            assertEquals(5, s.directory.count());
            assertEquals(404, s.http.get("/acme/chat/users/new1", token).status());
        }
    }

    @AllDatabases
    void listsWithCursorPaging(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            List<Map<String, String>> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                batch.add(user(String.format("user%02d", i), "pw", "n"));
            }
            assertEquals(200, s.register(app, token, batch).status());

            Response first = s.http.get("/acme/chat/users", token);
            assertEquals(200, first.status(), first.body());
            assertEquals(10, first.json().get("count").asInt(), "default limit");
            assertEquals("user00", first.json().get("entities").get(0).get("username").asText());
            List<String> seen = new ArrayList<>();
            String cursor = null;
            do {
                Response page = s.http.get("/acme/chat/users?limit=7" + (cursor == null ? "" : "&cursor=" + cursor), token);
                assertEquals(200, page.status(), page.body());
                page.json().get("entities").forEach(u -> seen.add(u.get("username").asText()));
                cursor = page.json().path("cursor").asText(null);
            } while (cursor != null);
            assertEquals(25, seen.size());
            assertEquals("user24", seen.get(24));
            assertEquals(seen.stream().sorted().toList(), seen);
            assertEquals(400, s.http.get("/acme/chat/users?limit=0", token).status());
            assertEquals(400, s.http.get("/acme/chat/users?limit=101", token).status());
            assertEquals(400, s.http.get("/acme/chat/users?limit=x", token).status());
            assertEquals("illegal_argument", s.http.get("/acme/chat/users?cursor=%21%21", token).error());
            assertEquals(25, s.http.get("/acme/chat/users?limit=100", token).json().get("count").asInt());
        }
    }

    @AllDatabases
    void userTokenReadsOwnUserAndChangesOwnPassword(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            s.register(app, token, List.of(user("alice", "pw-a", "A"), user("bob", "pw-b", "B")));
            String alice = s.userToken(app, "alice", "pw-a");

            assertEquals(200, s.http.get("/acme/chat/users/alice", alice).status());
            assertEquals(403, s.http.get("/acme/chat/users/bob", alice).status());
            assertEquals(403, s.http.get("/acme/chat/users", alice).status());
            assertEquals(403, s.http.delete("/acme/chat/users/bob", alice).status());
            assertEquals(403, s.register(app, alice, user("carol", "pw", "C")).status());
            assertEquals(403, s.http.put("/acme/chat/users/bob/password", alice, Map.of("newpassword", "x")).status());

            s.clock.advance(java.time.Duration.ofSeconds(3));
            Response noOld = s.http.put("/acme/chat/users/alice/password", alice, Map.of("newpassword", "pw-a2"));
            assertEquals(400, noOld.status(), noOld.body());
            assertEquals("illegal_argument", noOld.error());
            Response wrongOld = s.http.put("/acme/chat/users/alice/password", alice,
                    Map.of("oldpassword", "pw-x", "newpassword", "pw-a2"));
            assertEquals(400, wrongOld.status(), wrongOld.body());
            assertTrue(s.directory.authenticate("acme#chat_alice", "pw-a"), "unchanged after a refused change");
            assertEquals(200, s.http.get("/acme/chat/users/alice", alice).status(), "a refused change ends no token");

            Response own = s.http.put("/acme/chat/users/alice/password", alice,
                    Map.of("oldpassword", "pw-a", "newpassword", "pw-a2"));
            assertEquals(200, own.status(), own.body());
            assertEquals("set user password", own.json().get("action").asText());
            assertTrue(s.directory.authenticate("acme#chat_alice", "pw-a2"));
            assertEquals(s.clock.millis(), s.http.get("/acme/chat/users/alice", token).json().get("entities").get(0).get("modified").asLong());
            Response revoked = s.http.get("/acme/chat/users/alice", alice);
            assertEquals(401, revoked.status(), "the change ends the user's earlier tokens: " + revoked.body());
            s.clock.advance(java.time.Duration.ofMillis(1));
            String aliceAgain = s.userToken(app, "alice", "pw-a2");
            assertEquals(200, s.http.get("/acme/chat/users/alice", aliceAgain).status(), "a token issued after the change");

            String bob = s.userToken(app, "bob", "pw-b");
            Response byApp = s.http.put("/acme/chat/users/bob/password", token, Map.of("newpassword", "pw-b2"));
            assertEquals(200, byApp.status(), byApp.body());
            assertTrue(s.directory.authenticate("acme#chat_bob", "pw-b2"));
            assertEquals(401, s.http.get("/acme/chat/users/bob", bob).status(), "a reset by the app ends bob's tokens");
            assertEquals(200, s.http.get("/acme/chat/users/bob", token).status(), "and not the app's");
            assertEquals("illegal_argument", s.http.put("/acme/chat/users/bob/password", token, Map.of("newpassword", "")).error());
            assertEquals(404, s.http.put("/acme/chat/users/nobody/password", token, Map.of("newpassword", "x")).status());
        }
    }

    @AllDatabases
    void deletesUsersAndTheirTokens(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            s.register(app, token, user("alice", "pw", "A"));
            String alice = s.userToken(app, "alice", "pw");

            Response deleted = s.http.delete("/acme/chat/users/alice", token);
            assertEquals(200, deleted.status(), deleted.body());
            assertEquals("delete", deleted.json().get("action").asText());
            assertEquals("alice", deleted.json().get("entities").get(0).get("username").asText());
            assertEquals(0, db.count("ofImUser"));
            assertFalse(s.directory.exists("acme#chat_alice"));
            assertEquals(404, s.http.get("/acme/chat/users/alice", token).status());
            assertEquals("service_resource_not_found", s.http.delete("/acme/chat/users/alice", token).error());

            s.register(app, token, user("alice", "pw", "again"));
            assertEquals(401, s.http.get("/acme/chat/users/alice", alice).status(), "old token of the deleted alice");
        }
    }

    @AllDatabases
    void openRegistrationNeedsNoToken(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials open = s.createApp("acme", "open", true);
            AppCredentials closed = s.createApp("acme", "closed", false);

            Response r = s.register(open, null, user("walkin", "pw", "W"));
            assertEquals(200, r.status(), r.body());
            Response refused = s.register(closed, null, user("walkin", "pw", "W"));
            assertEquals(401, refused.status());
            assertEquals("unauthorized", refused.error());
            assertEquals(401, s.register(open, "garbage", user("other", "pw", "W")).status(), "a bad token is never ignored");
            assertEquals(1, s.users.page(open.app().key(), null, 10).users().size());
        }
    }

    @AllDatabases
    void enforcesMaxUsers(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            s.apps.update(AppKey.of("acme", "chat"), new AppOptions(null, 2, null));
            String token = s.appToken(app);
            assertEquals(200, s.register(app, token, user("a", "pw", "A")).status());
            Response over = s.register(app, token, List.of(user("b", "pw", "B"), user("c", "pw", "C")));
            assertEquals(403, over.status());
            assertEquals("exceed_limit", over.error());
            assertEquals(1, db.count("ofImUser"));
            assertEquals(200, s.register(app, token, user("b", "pw", "B")).status());
        }
    }

    /** 16 clients register the same username at once over HTTP: one 200, the rest duplicates, one user. */
    @AllDatabases
    void concurrentDuplicateRegistrationOverHttp(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            int clients = 16;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Callable<Response>> calls = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    String pw = "pw" + i;
                    calls.add(() -> s.register(app, token, user("same", pw, "S")));
                }
                int ok = 0;
                for (Future<Response> f : pool.invokeAll(calls)) {
                    Response r = f.get();
                    if (r.status() == 200) {
                        ok++;
                    } else {
                        assertEquals("duplicate_unique_property_exists", r.error(), r.body());
                    }
                }
                assertEquals(1, ok);
            } finally {
                pool.shutdown();
            }
            assertEquals(1, db.count("ofImUser"));
            assertEquals(1, s.directory.count());
            assertNotNull(s.users.find(io.imcloud.tenancy.AppUser.of(app.app().key(), "same")).orElse(null));
        }
    }
}
