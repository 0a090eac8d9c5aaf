package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

import static io.imcloud.testsupport.RestHarnessStack.user;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** POST /{org}/{app}/token and how tokens are accepted, expire and are revoked. */
class TokenApiTest {

    private static Map<String, Object> clientCredentials(AppCredentials app, Object ttl) {
        return ttl == null
                ? Map.of("grant_type", "client_credentials", "client_id", app.app().clientId(), "client_secret", app.clientSecret())
                : Map.of("grant_type", "client_credentials", "client_id", app.app().clientId(), "client_secret", app.clientSecret(), "ttl", ttl);
    }

    @AllDatabases
    void clientCredentialsGiveAppTokenWithTtlRules(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);

            Response r = s.http.post("/acme/chat/token", null, clientCredentials(app, null));
            assertEquals(200, r.status(), r.body());
            JsonNode t = r.json();
            assertEquals(RestSettings.defaults().tokenDefaultTtlSeconds(), t.get("expires_in").asLong());
            assertEquals(app.app().uuid(), t.get("application").asText());
            assertEquals("no-store", r.header("Cache-Control"));
            assertEquals(200, s.http.get("/acme/chat/users", t.get("access_token").asText()).status());

            assertEquals(120, s.http.post("/acme/chat/token", null, clientCredentials(app, 120)).json().get("expires_in").asLong());
            assertEquals(RestSettings.defaults().tokenMaxTtlSeconds(),
                    s.http.post("/acme/chat/token", null, clientCredentials(app, 999_999_999L)).json().get("expires_in").asLong());
            assertEquals(1_024_000, s.http.post("/acme/chat/token", null, clientCredentials(app, "1024000")).json()
                    .get("expires_in").asLong(), "a string of digits, as Easemob's examples send it");
            assertEquals(RestSettings.defaults().tokenMaxTtlSeconds(),
                    s.http.post("/acme/chat/token", null, clientCredentials(app, 0)).json().get("expires_in").asLong(),
                    "Easemob's 0 (never expires) is the longest lifetime allowed");
            assertEquals("illegal_argument", s.http.post("/acme/chat/token", null, clientCredentials(app, "-5")).error());
            assertEquals("illegal_argument", s.http.post("/acme/chat/token", null, clientCredentials(app, -5)).error());
            assertEquals("illegal_argument", s.http.post("/acme/chat/token", null, clientCredentials(app, "soon")).error());
            assertEquals("illegal_argument", s.http.post("/acme/chat/token", null, clientCredentials(app, 1.5)).error());
        }
    }

    @AllDatabases
    void wrongCredentialsAndGrantsAreRefused(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            s.register(app, s.appToken(app), user("alice", "pw", "A"));

            Response badSecret = s.http.post("/acme/chat/token", null, Map.of("grant_type", "client_credentials",
                    "client_id", app.app().clientId(), "client_secret", app.clientSecret() + "x"));
            assertEquals(401, badSecret.status());
            assertEquals("invalid_grant", badSecret.error());
            assertEquals(401, s.http.post("/acme/chat/token", null, Map.of("grant_type", "client_credentials",
                    "client_id", "YXA6nope", "client_secret", app.clientSecret())).status());
            assertEquals(401, s.http.post("/acme/chat/token", null, Map.of("grant_type", "client_credentials")).status());
            Response wrongPassword = s.http.post("/acme/chat/token", null,
                    Map.of("grant_type", "password", "username", "alice", "password", "wrong"));
            assertEquals(400, wrongPassword.status(), "Easemob's status for a wrong password");
            assertEquals("invalid_grant", wrongPassword.error());
            assertEquals(400, s.http.post("/acme/chat/token", null,
                    Map.of("grant_type", "password", "username", "nobody", "password", "pw")).status());
            assertEquals(400, s.http.post("/acme/chat/token", null,
                    Map.of("grant_type", "password", "username", "bad name!", "password", "pw")).status());
            assertEquals("unsupported_grant_type", s.http.post("/acme/chat/token", null, Map.of("grant_type", "implicit")).error());
            assertEquals("illegal_argument", s.http.post("/acme/chat/token", null, "[1]").error());
            assertEquals("organization_application_not_found",
                    s.http.post("/acme/none/token", null, clientCredentials(app, null)).error());
        }
    }

    @AllDatabases
    void passwordGrantGivesUserTokenAndUser(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            s.register(app, s.appToken(app), user("alice", "pw", "Alice"));

            Response r = s.http.post("/acme/chat/token", null,
                    Map.of("grant_type", "password", "username", "Alice", "password", "pw", "ttl", 600));
            assertEquals(200, r.status(), r.body());
            assertEquals(600, r.json().get("expires_in").asLong());
            JsonNode u = r.json().get("user");
            assertEquals("alice", u.get("username").asText());
            assertEquals("user", u.get("type").asText());
            assertEquals("Alice", u.get("nickname").asText());
            assertEquals(200, s.http.get("/acme/chat/users/alice", r.json().get("access_token").asText()).status());
        }
    }

    /**
     * Password guesses are limited per username and client address, and a username's failures from all addresses
     * together: one address cannot lock a user out, many addresses cannot guess much faster than one.
     */
    @AllDatabases
    void passwordGuessingIsThrottledPerUsernameAndAddress(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            s.register(app, token, user("alice", "pw", "Alice"));
            s.register(app, token, user("bob", "pw", "Bob"));
            s.trustLoopbackProxy();
            String guesser = "203.0.113.7";
            for (int i = 0; i < TokenRoutes.PASSWORD_ATTEMPTS_BURST; i++) {
                assertEquals(400, grant(s, guesser, "alice", "guess").status());
            }
            Response throttled = grant(s, guesser, "alice", "pw");
            assertEquals(429, throttled.status(), "even the right password waits at that address: " + throttled.body());
            assertEquals("reach_limit", throttled.json().get("error").asText());
            assertEquals(200, grant(s, "198.51.100.1", "alice", "pw").status(), "alice still logs in from her own address");
            assertEquals(200, grant(s, guesser, "bob", "pw").status(), "other users unaffected");

            for (int i = TokenRoutes.PASSWORD_ATTEMPTS_BURST; i < TokenRoutes.PASSWORD_FAILURES_BURST; i++) {
                assertEquals(400, grant(s, "10.0." + i / 200 + "." + i % 200, "alice", "guess").status());
            }
            assertEquals(429, grant(s, "198.51.100.1", "alice", "pw").status(), "alice's failures from all addresses reached the limit");
            assertEquals(200, grant(s, "198.51.100.1", "bob", "pw").status());
            s.clock.advance(Duration.ofSeconds(60 / TokenRoutes.PASSWORD_FAILURES_PER_MINUTE + 1));
            assertEquals(200, grant(s, "198.51.100.1", "alice", "pw").status(), "refilled");
        }
    }

    private static Response grant(RestHarnessStack s, String from, String username, String password) {
        return s.http.send(s.http.request("/acme/chat/token", null).header("X-Forwarded-For", from)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"grant_type\":\"password\",\"username\":\"" + username + "\",\"password\":\"" + password + "\"}")));
    }

    @AllDatabases
    void tokensExpire(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.http.post("/acme/chat/token", null, clientCredentials(app, 60)).json().get("access_token").asText();
            s.clock.advance(Duration.ofSeconds(59));
            assertEquals(200, s.http.get("/acme/chat/users", token).status());
            s.clock.advance(Duration.ofSeconds(1));
            Response expired = s.http.get("/acme/chat/users", token);
            assertEquals(401, expired.status());
            assertEquals("unauthorized", expired.error());
        }
    }

    @AllDatabases
    void secretRotationRevokesAppTokens(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String old = s.appToken(app);
            s.register(app, old, user("alice", "pw", "A"));
            String alice = s.userToken(app, "alice", "pw");

            Response rotated = s.http.send(s.http.request("/management/apps/acme/chat/secret", null)
                    .header("Authorization", RestHarnessStack.adminAuthorization()).POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, rotated.status(), rotated.body());
            String newSecret = rotated.json().get("data").get("client_secret").asText();

            assertEquals(401, s.http.get("/acme/chat/users", old).status(), "old app token");
            assertEquals(401, s.http.post("/acme/chat/token", null, clientCredentials(app, null)).status(), "old secret");
            String fresh = s.http.post("/acme/chat/token", null, Map.of("grant_type", "client_credentials",
                    "client_id", app.app().clientId(), "client_secret", newSecret)).json().get("access_token").asText();
            assertEquals(200, s.http.get("/acme/chat/users", fresh).status());
            assertEquals(200, s.http.get("/acme/chat/users/alice", alice).status(), "user tokens survive a rotation");
        }
    }

    @AllDatabases
    void tokensAreTakenOnlyFromTheBearerHeader(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            assertEquals(401, s.http.get("/acme/chat/users?access_token=" + token, null).status());
            assertEquals(401, s.http.get("/acme/chat/users?limit=5&access_token=" + token, token).status());
            assertEquals(401, s.http.send(s.http.request("/acme/chat/users", null).header("Authorization", "Token " + token)).status());
            Response lower = s.http.send(s.http.request("/acme/chat/users", null).header("Authorization", "bearer " + token));
            assertEquals(200, lower.status(), "the scheme is case-insensitive");
            assertEquals(401, s.http.get("/acme/chat/users", null).status());
            assertEquals(401, s.http.get("/acme/chat/users", token.substring(1)).status());
            assertEquals(401, s.http.get("/acme/chat/users", "").status());
        }
    }

    @AllDatabases
    void tokensOfADeletedAppDoNotOpenItsSuccessor(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials first = s.createApp("acme", "chat", false);
            String old = s.appToken(first);
            s.apps.delete(first.app().key());
            AppCredentials second = s.createApp("acme", "chat", false);
            assertEquals(first.app().secretVersion(), second.app().secretVersion());
            assertEquals(401, s.http.get("/acme/chat/users", old).status());
            assertEquals(200, s.http.get("/acme/chat/users", s.appToken(second)).status());
        }
    }
}
