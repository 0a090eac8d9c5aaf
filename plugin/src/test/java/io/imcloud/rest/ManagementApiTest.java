package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.tenancy.AppKey;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpRequest;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.imcloud.testsupport.RestHarnessStack.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The operator's /management/apps API over real HTTP. */
class ManagementApiTest {

    private static Response admin(RestHarnessStack s, String method, String path, String json) {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json);
        HttpRequest.Builder b = s.http.request(path, null).header("Authorization", RestHarnessStack.adminAuthorization())
                .header("Content-Type", "application/json").method(method, body);
        return s.http.send(b);
    }

    @AllDatabases
    void createsAppsWhoseCredentialsWork(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            Response created = admin(s, "POST", "/management/apps", "{\"org\":\"acme\",\"app\":\"chat\",\"open_registration\":false}");
            assertEquals(200, created.status(), created.body());
            JsonNode d = created.json().get("data");
            assertEquals("acme#chat", d.get("app_key").asText());
            assertFalse(d.get("open_registration").asBoolean());
            assertEquals(0, d.get("max_users").asInt());
            String clientId = d.get("client_id").asText();
            String secret = d.get("client_secret").asText();

            Response token = s.http.post("/acme/chat/token", null,
                    Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret));
            assertEquals(200, token.status(), token.body());
            assertEquals(d.get("application").asText(), token.json().get("application").asText());

            assertEquals("duplicate_unique_property_exists",
                    admin(s, "POST", "/management/apps", "{\"org\":\"acme\",\"app\":\"chat\"}").error());
            assertEquals("illegal_argument", admin(s, "POST", "/management/apps", "{\"org\":\"Acme\",\"app\":\"chat\"}").error());
            assertEquals("illegal_argument", admin(s, "POST", "/management/apps", "{\"org\":\"management\",\"app\":\"x\"}").error());
            assertEquals("illegal_argument", admin(s, "POST", "/management/apps", "{\"org\":\"a\",\"app\":\"b\",\"max_users\":-1}").error());
            assertEquals("illegal_argument", admin(s, "POST", "/management/apps", "{\"org\":\"a\",\"app\":\"b\",\"open_registration\":\"yes\"}").error());
            assertEquals("illegal_argument", admin(s, "POST", "/management/apps", "{\"org\":\"a\",\"app\":\"b\",\"maxUsers\":5}").error(),
                    "a misspelt option");
            assertEquals("json_parse", admin(s, "POST", "/management/apps", "{").error());

            Response list = admin(s, "GET", "/management/apps", null);
            assertEquals(200, list.status());
            assertEquals(1, list.json().get("count").asInt());
            assertFalse(list.json().get("truncated").asBoolean(), "the whole list");
            assertEquals(clientId, list.json().get("entities").get(0).get("client_id").asText());
            assertFalse(list.body().contains(secret), "the secret is shown only once");
            Response one = admin(s, "GET", "/management/apps/acme/chat", null);
            assertEquals("acme#chat", one.json().get("data").get("app_key").asText());
            assertFalse(one.body().contains(secret));
            assertEquals("organization_application_not_found", admin(s, "GET", "/management/apps/acme/none", null).error());
        }
    }

    @AllDatabases
    void setsOptionsRotatesAndDeletes(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            JsonNode d = admin(s, "POST", "/management/apps", "{\"org\":\"acme\",\"app\":\"chat\"}").json().get("data");
            Response updated = admin(s, "PUT", "/management/apps/acme/chat",
                    "{\"open_registration\":true,\"max_users\":2,\"retention_days\":90}");
            assertEquals(200, updated.status(), updated.body());
            assertTrue(updated.json().get("data").get("open_registration").asBoolean());
            assertEquals(90, updated.json().get("data").get("retention_days").asInt());
            assertEquals(200, s.http.post("/acme/chat/users", null, user("a", "pw", "A")).status(), "open now");
            assertEquals(200, s.http.post("/acme/chat/users", null, user("b", "pw", "B")).status());
            assertEquals("exceed_limit", s.http.post("/acme/chat/users", null, user("c", "pw", "C")).error());
            assertEquals("organization_application_not_found", admin(s, "PUT", "/management/apps/acme/none", "{}").error());
            Response misspelt = admin(s, "PUT", "/management/apps/acme/chat", "{\"retentionDays\":1}");
            assertEquals(400, misspelt.status(), misspelt.body());
            assertEquals(90, admin(s, "GET", "/management/apps/acme/chat", null).json().get("data").get("retention_days").asInt(),
                    "nothing changed");

            Response rotated = admin(s, "POST", "/management/apps/acme/chat/secret", null);
            assertEquals(200, rotated.status(), rotated.body());
            assertFalse(d.get("client_secret").asText().equals(rotated.json().get("data").get("client_secret").asText()));

            Response deleted = admin(s, "DELETE", "/management/apps/acme/chat", null);
            assertEquals(200, deleted.status(), deleted.body());
            assertEquals(2, deleted.json().get("data").get("users_deleted").asInt());
            assertEquals(0, db.count("ofImUser"));
            assertEquals(0, db.count("ofImApp"));
            assertEquals(0, s.directory.count());
            assertEquals("organization_application_not_found", s.http.post("/acme/chat/users", null, user("a", "pw", "A")).error());
            assertEquals(404, admin(s, "DELETE", "/management/apps/acme/chat", null).status());
        }
    }

    /**
     * The callback_url option: setting it on an app without one shows the new callback secret once (create and update
     * alike); GET shows the URL, never the secret; changing the URL or other options keeps the secret; rotation shows a
     * new one; the empty URL removes both; bad URLs are refused and change nothing.
     */
    @AllDatabases
    void callbackUrlComesWithASecretShownOnce(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            Response created = admin(s, "POST", "/management/apps",
                    "{\"org\":\"acme\",\"app\":\"chat\",\"callback_url\":\"https://push.example.com/im/offline\"}");
            assertEquals(200, created.status(), created.body());
            String first = created.json().at("/data/callback_secret").asText();
            assertEquals(43, first.length());
            assertEquals("https://push.example.com/im/offline", created.json().at("/data/callback_url").asText());
            AppKey key = AppKey.of("acme", "chat");
            assertEquals(first, s.apps.callback(key).orElseThrow().secret());

            Response got = admin(s, "GET", "/management/apps/acme/chat", null);
            assertEquals("https://push.example.com/im/offline", got.json().at("/data/callback_url").asText());
            assertFalse(got.body().contains(first), "the secret is shown only once");
            assertFalse(admin(s, "GET", "/management/apps", null).body().contains(first));

            Response moved = admin(s, "PUT", "/management/apps/acme/chat", "{\"callback_url\":\"http://10.0.0.5:8080/cb?app=chat\",\"max_users\":5}");
            assertEquals(200, moved.status(), moved.body());
            assertTrue(moved.json().at("/data/callback_secret").isMissingNode(), "the URL moved, the secret stays: " + moved.body());
            assertEquals(5, moved.json().at("/data/max_users").asInt());
            assertEquals(first, s.apps.callback(key).orElseThrow().secret());
            assertEquals("http://10.0.0.5:8080/cb?app=chat", s.apps.callback(key).orElseThrow().url());

            Response rotated = admin(s, "POST", "/management/apps/acme/chat/callback_secret", null);
            assertEquals(200, rotated.status(), rotated.body());
            String second = rotated.json().at("/data/callback_secret").asText();
            assertNotEquals(first, second);
            assertEquals(second, s.apps.callback(key).orElseThrow().secret());

            for (String bad : new String[] {"ftp://push.example.com/x", "https://", "https://user:pw@push.example.com/x",
                    "https://push.example.com/x#frag", "push.example.com/x", "https://push.example.com/a b", "https://x.example/"
                    + "a".repeat(600)}) {
                Response refused = admin(s, "PUT", "/management/apps/acme/chat", "{\"callback_url\":\"" + bad + "\"}");
                assertEquals(400, refused.status(), bad + ": " + refused.body());
                assertEquals("illegal_argument", refused.error());
            }
            assertEquals(400, admin(s, "PUT", "/management/apps/acme/chat", "{\"callback_url\":5}").status());
            assertEquals("http://10.0.0.5:8080/cb?app=chat", s.apps.callback(key).orElseThrow().url(), "nothing changed");

            Response removed = admin(s, "PUT", "/management/apps/acme/chat", "{\"callback_url\":\"\"}");
            assertEquals(200, removed.status(), removed.body());
            assertTrue(removed.json().at("/data/callback_url").isNull());
            assertTrue(s.apps.callback(key).isEmpty(), "URL and secret gone");
            Response noCallback = admin(s, "POST", "/management/apps/acme/chat/callback_secret", null);
            assertEquals(400, noCallback.status(), noCallback.body());
            assertEquals(404, admin(s, "POST", "/management/apps/acme/none/callback_secret", null).status());

            Response again = admin(s, "PUT", "/management/apps/acme/chat", "{\"callback_url\":\"https://push.example.com/v2\"}");
            String third = again.json().at("/data/callback_secret").asText();
            assertEquals(43, third.length(), "a URL set anew comes with a new secret: " + again.body());
            assertFalse(List.of(first, second).contains(third));
            assertEquals(401, s.http.send(s.http.request("/management/apps/acme/chat/callback_secret", null)
                    .POST(HttpRequest.BodyPublishers.noBody())).status(), "the operator's only");
        }
    }

    @AllDatabases
    void needsAnAdministrator(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            Response none = s.http.get("/management/apps", null);
            assertEquals(401, none.status());
            assertTrue(none.header("WWW-Authenticate").startsWith("Basic"));
            Response wrong = s.http.send(s.http.request("/management/apps", null)
                    .header("Authorization", RestHarness.basic(RestHarnessStack.ADMIN, "wrong")));
            assertEquals(401, wrong.status());
            assertEquals(401, s.http.send(s.http.request("/management/apps", null).header("Authorization", "Basic !!!")).status());
            Response notAdmin = s.http.send(s.http.request("/management/apps", null)
                    .header("Authorization", RestHarness.basic("acme", "x")).POST(HttpRequest.BodyPublishers.ofString("{\"org\":\"a\",\"app\":\"b\"}")));
            assertEquals(401, notAdmin.status());
            assertEquals(0, s.apps.list(10).size());
        }
    }

    /** X-Forwarded-For (which the container applies to getRemoteAddr) counts only from a trusted proxy. */
    @AllDatabases
    void forwardedAddressIsBelievedOnlyFromATrustedProxy(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            Response fromLoopback = s.http.send(adminFrom(s, "203.0.113.7", RestHarnessStack.ADMIN_PASSWORD));
            assertEquals(200, fromLoopback.status(), "the TCP peer is the loopback, whatever the header says: " + fromLoopback.body());

            s.trustLoopbackProxy();
            Response forwarded = s.http.send(adminFrom(s, "203.0.113.7", RestHarnessStack.ADMIN_PASSWORD));
            assertEquals(403, forwarded.status(), "a trusted proxy forwarded a remote client: " + forwarded.body());
            assertEquals(200, s.http.send(adminFrom(s, "::1", RestHarnessStack.ADMIN_PASSWORD)).status());
        }
    }

    /** Failed Basic logins are limited per client address and per username; beyond the limit no password is checked. */
    @AllDatabases
    void failedLoginsAreLimitedPerAddressAndPerUsername(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            s.trustLoopbackProxy();
            for (int i = 0; i < ManagementRoutes.MAX_FAILED_LOGINS; i++) {
                Response wrong = s.http.send(adminFrom(s, "127.0.0." + (10 + i), "wrong-" + i));
                assertEquals(401, wrong.status(), wrong.body());
            }
            Response locked = s.http.send(adminFrom(s, "127.0.0.99", RestHarnessStack.ADMIN_PASSWORD));
            assertEquals(429, locked.status(), "the username is locked, from any address, right password or not: " + locked.body());
            assertEquals("reach_limit", locked.error());
            assertTrue(Long.parseLong(locked.header("Retry-After")) > 0);

            for (int i = 0; i < ManagementRoutes.MAX_FAILED_LOGINS; i++) {
                assertEquals(401, s.http.send(s.http.request("/management/apps", null).header("X-Forwarded-For", "127.0.0.200")
                        .header("Authorization", RestHarness.basic("guess" + i, "x"))).status());
            }
            assertEquals(429, s.http.send(s.http.request("/management/apps", null).header("X-Forwarded-For", "127.0.0.200")
                    .header("Authorization", RestHarness.basic("guess-new", "x"))).status(), "a fresh username from a locked address");
            s.clock.advance(java.time.Duration.ofMinutes(ManagementRoutes.FAILED_LOGIN_WINDOW_MINUTES));
            assertEquals(200, s.http.send(adminFrom(s, "127.0.0.99", RestHarnessStack.ADMIN_PASSWORD)).status(),
                    "the window has passed for the admin account");
        }
    }

    private static HttpRequest.Builder adminFrom(RestHarnessStack s, String forwardedFor, String password) {
        return s.http.request("/management/apps", null).header("X-Forwarded-For", forwardedFor)
                .header("Authorization", RestHarness.basic(RestHarnessStack.ADMIN, password));
    }

    /** A caller on another interface than loopback is refused unless the setting allows it. */
    @AllDatabases
    void answersOnlyLoopbackUnlessAllowed(TestDatabase db) throws Exception {
        Optional<String> external = externalAddress();
        assumeTrue(external.isPresent(), "this host has no non-loopback IPv4 address");
        try (RestHarnessStack s = RestHarnessStack.startOn("0.0.0.0", db)) {
            HttpRequest.Builder remote = HttpRequest.newBuilder(s.http.uriVia(external.get(), "/management/apps"))
                    .header("Authorization", RestHarnessStack.adminAuthorization());
            Response refused = s.http.send(remote);
            assertEquals(403, refused.status(), refused.body());
            assertEquals("forbidden", refused.error());
            s.settings.set(new RestSettings(65536, 600, 3600, 50, 100, 1, 10, true, java.util.Set.of(), CorsOrigins.NONE));
            assertEquals(200, s.http.send(remote).status());
            assertEquals(200, admin(s, "GET", "/management/apps", null).status(), "loopback is always fine");
        }
    }

    private static Optional<String> externalAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a.getHostAddress());
                }
            }
        }
        return Optional.empty();
    }
}
