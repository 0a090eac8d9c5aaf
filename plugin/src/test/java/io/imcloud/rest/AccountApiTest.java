package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.FakeSessions;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.users.AccountControl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static io.imcloud.testsupport.RestHarnessStack.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Status, deactivation and activation, disconnection and nicknames over real HTTP, with sessions the test controls. */
class AccountApiTest {

    private final FakeSessions sessions = new FakeSessions();
    private final List<AppUser> deactivated = new CopyOnWriteArrayList<>();

    private record Fixture(RestHarnessStack s, AppCredentials app, String token) implements AutoCloseable {
        @Override
        public void close() {
            s.close();
        }
    }

    private Fixture start(TestDatabase db) {
        RestHarnessStack s = RestHarnessStack.withServices(db,
                stack -> List.of(new AccountRoutes(new AccountControl(stack.users, sessions, deactivated::add))));
        AppCredentials app = s.createApp("acme", "chat", false);
        String token = s.appToken(app);
        assertEquals(200, s.register(app, token, List.of(user("alice", "pw-alice-1", "A"), user("bob", "pw-bob-1", "B"))).status());
        return new Fixture(s, app, token);
    }

    private static AppUser acme(String username) {
        return AppUser.of(io.imcloud.tenancy.AppKey.of("acme", "chat"), username);
    }

    @AllDatabases
    void statusComesFromTheSessionsForRegisteredUsersOnly(TestDatabase db) {
        try (Fixture f = start(db)) {
            sessions.online.add(acme("alice"));
            assertEquals("online", f.s().http.get("/acme/chat/users/alice/status", f.token()).json().at("/data/alice").asText());
            assertEquals("offline", f.s().http.get("/acme/chat/users/Bob/status", f.token()).json().at("/data/bob").asText());
            assertEquals(404, f.s().http.get("/acme/chat/users/nobody/status", f.token()).status());
            String alices = f.s().userToken(f.app(), "alice", "pw-alice-1");
            assertEquals(403, f.s().http.get("/acme/chat/users/alice/status", alices).status(), "an app's back-end asks");

            JsonNode batch = f.s().http.post("/acme/chat/users/batch/status", f.token(),
                    Map.of("usernames", List.of("bob", "ALICE", "nobody", "alice"))).json();
            assertEquals(2, batch.get("count").asInt());
            assertEquals("offline", batch.at("/data/0/bob").asText());
            assertEquals("online", batch.at("/data/1/alice").asText());
            List<String> tooMany = IntStream.range(0, AccountRoutes.MAX_BATCH_STATUS + 1).mapToObj(i -> "u" + i).toList();
            assertEquals(400, f.s().http.post("/acme/chat/users/batch/status", f.token(), Map.of("usernames", tooMany)).status());
            assertEquals(400, f.s().http.post("/acme/chat/users/batch/status", f.token(), Map.of("usernames", "alice")).status());
            assertEquals(400, f.s().http.post("/acme/chat/users/batch/status", f.token(), Map.of("usernames", List.of(1))).status());

            AppCredentials other = f.s().createApp("acme", "other", false);
            assertEquals(401, f.s().http.get("/acme/chat/users/alice/status", f.s().appToken(other)).status());
            assertEquals(404, f.s().http.get("/acme/other/users/alice/status", f.s().appToken(other)).status(),
                    "alice is no user of the other app");
        }
    }

    @AllDatabases
    void deactivationEndsTokensLoginsAndSessionsUntilActivation(TestDatabase db) {
        try (Fixture f = start(db)) {
            String alices = f.s().userToken(f.app(), "alice", "pw-alice-1");
            sessions.online.add(acme("alice"));
            assertEquals(403, f.s().http.post("/acme/chat/users/bob/deactivate", alices, Map.of()).status());

            Response off = f.s().http.post("/acme/chat/users/alice/deactivate", f.token(), Map.of());
            assertEquals(200, off.status(), off.body());
            assertFalse(off.json().at("/entities/0/activated").asBoolean());
            assertEquals(List.of(acme("alice")), sessions.closed);
            assertEquals(List.of(acme("alice")), deactivated, "what else she keeps (her devices) is ended");
            assertTrue(f.s().directory.isLoginRefused("acme#chat_alice"), "XMPP logins are refused");
            assertEquals(401, f.s().http.get("/acme/chat/users/alice", alices).status(), "her token ended");
            assertEquals(400, f.s().http.post("/acme/chat/token", null, Map.of("grant_type", "password",
                    "username", "alice", "password", "pw-alice-1")).status(), "no new token");
            assertFalse(f.s().directory.isLoginRefused("acme#chat_bob"));

            Response on = f.s().http.post("/acme/chat/users/alice/activate", f.token(), Map.of());
            assertEquals(200, on.status(), on.body());
            assertTrue(on.json().at("/entities/0/activated").asBoolean());
            assertFalse(f.s().directory.isLoginRefused("acme#chat_alice"));
            assertEquals(401, f.s().http.get("/acme/chat/users/alice", alices).status(), "her old token stays ended");
            f.s().clock.advance(java.time.Duration.ofMillis(1));
            String again = f.s().userToken(f.app(), "alice", "pw-alice-1");
            assertEquals(200, f.s().http.get("/acme/chat/users/alice", again).status());
            assertEquals(404, f.s().http.post("/acme/chat/users/nobody/deactivate", f.token(), Map.of()).status());
        }
    }

    @AllDatabases
    void aDeletedDeactivatedUsersNameStartsFree(TestDatabase db) {
        try (Fixture f = start(db)) {
            assertEquals(200, f.s().http.post("/acme/chat/users/bob/deactivate", f.token(), Map.of()).status());
            assertEquals(200, f.s().http.delete("/acme/chat/users/bob", f.token()).status());
            assertFalse(f.s().directory.isLoginRefused("acme#chat_bob"));
            assertEquals(200, f.s().register(f.app(), f.token(), user("bob", "pw-bob-2", "B2")).status());
            assertEquals(200, f.s().http.post("/acme/chat/token", null, Map.of("grant_type", "password",
                    "username", "bob", "password", "pw-bob-2")).status());
        }
    }

    @AllDatabases
    void disconnectClosesEverySessionOfTheUser(TestDatabase db) {
        try (Fixture f = start(db)) {
            sessions.online.add(acme("bob"));
            JsonNode answer = f.s().http.get("/acme/chat/users/bob/disconnect", f.token()).json();
            assertTrue(answer.at("/data/result").asBoolean());
            assertEquals(1, answer.at("/data/sessions").asInt());
            assertEquals(List.of(acme("bob")), sessions.closed);
            assertEquals(404, f.s().http.get("/acme/chat/users/nobody/disconnect", f.token()).status());
            assertEquals(1, sessions.closed.size(), "nothing closed for an unknown user");
        }
    }

    @AllDatabases
    void theNicknameIsSetByTheAppOrTheUserThemselves(TestDatabase db) {
        try (Fixture f = start(db)) {
            Response byApp = f.s().http.put("/acme/chat/users/alice", f.token(), Map.of("nickname", "小爱"));
            assertEquals(200, byApp.status(), byApp.body());
            assertEquals("小爱", byApp.json().at("/entities/0/nickname").asText());
            String bobs = f.s().userToken(f.app(), "bob", "pw-bob-1");
            assertEquals(403, f.s().http.put("/acme/chat/users/alice", bobs, Map.of("nickname", "x")).status());
            assertEquals(200, f.s().http.put("/acme/chat/users/bob", bobs, Map.of("nickname", "Bobby")).status());
            assertEquals("Bobby", f.s().http.get("/acme/chat/users/bob", f.token()).json().at("/entities/0/nickname").asText());
            List<Map<String, Object>> bad = new ArrayList<>(List.of(Map.of("nickname", "n".repeat(101)),
                    Map.of("nickname", 5), Map.of("nick", "x"), Map.of("nickname", "x", "password", "y")));
            for (Map<String, Object> body : bad) {
                assertEquals(400, f.s().http.put("/acme/chat/users/alice", f.token(), body).status(), body.toString());
            }
            assertEquals("小爱", f.s().http.get("/acme/chat/users/alice", f.token()).json().at("/entities/0/nickname").asText());
            assertEquals(404, f.s().http.put("/acme/chat/users/nobody", f.token(), Map.of("nickname", "x")).status());
        }
    }
}
