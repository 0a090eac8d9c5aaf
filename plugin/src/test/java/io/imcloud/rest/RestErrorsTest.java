package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.imcloud.testsupport.RestHarnessStack.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every error the API promises: shape, status, code, and that a failed request changes nothing. */
class RestErrorsTest {

    private static void assertError(Response r, int status, String error) {
        assertEquals(status, r.status(), r.body());
        JsonNode e = r.json();
        assertEquals(error, e.get("error").asText(), r.body());
        for (String field : new String[] {"exception", "timestamp", "duration", "error_description"}) {
            assertTrue(e.hasNonNull(field), field + " in " + r.body());
        }
    }

    @AllDatabases
    void malformedBodiesAndWrongTypes(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);

            assertError(s.register(app, token, "{\"username\": "), 400, "json_parse");
            assertError(s.register(app, token, ""), 400, "json_parse");
            assertError(s.register(app, token, "{} {}"), 400, "json_parse");
            assertError(s.register(app, token, "\"just a string\""), 400, "illegal_argument");
            assertError(s.register(app, token, "[]"), 400, "illegal_argument");
            assertError(s.register(app, token, Map.of("username", 5, "password", "pw")), 400, "illegal_argument");
            assertError(s.http.send(s.http.request("/acme/chat/users", token).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"a\",\"password\":\"b\"}"))), 415, "unsupported_media_type");
            assertError(s.http.send(s.http.request("/acme/chat/users", token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"a\",\"password\":\"b\"}"))), 415, "unsupported_media_type");
            Response charset = s.http.send(s.http.request("/acme/chat/users", token).header("Content-Type", "Application/JSON; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"a\",\"password\":\"b\"}")));
            assertEquals(200, charset.status(), charset.body());
            assertEquals(1, db.count("ofImUser"));
        }
    }

    @AllDatabases
    void bodyAndBatchLimits(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            s.settings.set(new RestSettings(1024, 600, 3600, 1000, 1000, 1, 10, false, java.util.Set.of(), CorsOrigins.NONE));
            String big = "{\"username\":\"a\",\"password\":\"" + "p".repeat(2000) + "\"}";

            assertError(s.register(app, token, big), 413, "request_entity_too_large");
            Response chunked = s.http.send(s.http.request("/acme/chat/users", token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))));
            assertError(chunked, 413, "request_entity_too_large");

            s.settings.set(RestSettings.defaults());
            List<Map<String, String>> batch = new ArrayList<>();
            for (int i = 0; i < 61; i++) {
                batch.add(user("u" + i, "pw", "n"));
            }
            assertError(s.register(app, token, batch), 400, "illegal_argument");
            assertEquals(200, s.register(app, token, batch.subList(0, 60)).status(), "60 is allowed");
            assertEquals(60, db.count("ofImUser"));
        }
    }

    @AllDatabases
    void unknownAppsRoutesAndMethods(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);

            assertError(s.http.get("/acme/nochat/users", token), 404, "organization_application_not_found");
            assertError(s.http.get("/ACME!/chat/users", token), 404, "organization_application_not_found");
            assertError(s.http.post("/nobody/here/users", null, user("a", "b", "c")), 404, "organization_application_not_found");
            assertError(s.http.get("/acme/chat/nothing", token), 404, "service_resource_not_found");
            assertError(s.http.get("/", token), 404, "service_resource_not_found");
            assertError(s.http.get("/acme/chat/users/bad%20name", token), 400, "illegal_argument");
            Response wrongMethod = s.http.put("/acme/chat/users", token, "{}");
            assertError(wrongMethod, 405, "method_not_allowed");
            assertEquals("GET, POST", wrongMethod.header("Allow"));
            assertError(s.http.get("/acme/chat/token", null), 405, "method_not_allowed");
        }
    }

    @AllDatabases
    void registrationFloodIsLimitedPerAppAndPerAddress(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials chat = s.createApp("acme", "chat", false);
            AppCredentials other = s.createApp("acme", "other", false);
            AppCredentials open = s.createApp("acme", "open", true);
            String token = s.appToken(chat);
            // The test clock stands still: no token refills, so the limits are exact.
            s.settings.set(new RestSettings(65536, 600, 3600, 0.5, 3, 0.25, 2, false, java.util.Set.of(), CorsOrigins.NONE));

            assertEquals(200, s.register(chat, token, List.of(user("a", "pw", "n"), user("b", "pw", "n"))).status());
            assertEquals(200, s.register(chat, token, user("c", "pw", "n")).status());
            Response flooded = s.register(chat, token, user("d", "pw", "n"));
            assertError(flooded, 429, "reach_limit");
            assertEquals("2", flooded.header("Retry-After"), "one user at 0.5/s");
            assertEquals(3, db.count("ofImUser"), "the refused registration created nothing");
            assertEquals(200, s.register(other, s.appToken(other), user("d", "pw", "n")).status(), "buckets are per app");

            assertEquals(200, s.register(open, null, user("w1", "pw", "n")).status());
            assertEquals(200, s.register(open, null, user("w2", "pw", "n")).status());
            Response perAddress = s.register(open, null, user("w3", "pw", "n"));
            assertError(perAddress, 429, "reach_limit");
            assertEquals("4", perAddress.header("Retry-After"));
            assertEquals(200, s.register(open, s.appToken(open), user("w3", "pw", "n")).status(),
                    "the app's back-end is not bound by the per-address bucket");
        }
    }

    /**
     * Error descriptions in the caller's language: Chinese when its {@code Accept-Language} prefers Chinese, the
     * English of old otherwise; the API's own refusals and the domain's alike, codes and exception names unchanged.
     */
    @AllDatabases
    void describesErrorsInTheCallersLanguage(TestDatabase db) {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            Response english = s.http.get("/acme/nochat/users", token);
            assertError(english, 404, "organization_application_not_found");
            assertEquals("Could not find application for acme/nochat from URI: acme/nochat",
                    english.json().get("error_description").asText());
            assertEquals("Accept-Language", english.header("Vary"));

            Response chinese = s.http.send(s.http.request("/acme/nochat/users", token).header("Accept-Language", "zh-CN,zh;q=0.9"));
            assertError(chinese, 404, "organization_application_not_found");
            assertEquals("org.apache.usergrid.rest.exceptions.OrganizationApplicationNotFoundException",
                    chinese.json().get("exception").asText());
            assertEquals("根据 URI 找不到应用 acme/nochat", chinese.json().get("error_description").asText());

            Response preferred = s.http.send(s.http.request("/acme/nochat/users", token).header("Accept-Language", "en-US,zh;q=0.8"));
            assertEquals(english.json().get("error_description"), preferred.json().get("error_description"), "English first");

            Response refused = s.http.send(s.http.request("/acme/chat/users", token).header("Content-Type", "application/json")
                    .header("Accept-Language", "zh").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\": \"no way\", \"password\": \"pw\"}")));
            assertError(refused, 400, "illegal_argument");
            assertEquals("username [no way] 不合法：必须由 1-64 个 [a-z0-9_.-] 字符组成", refused.json().get("error_description").asText());
            assertEquals("username [no way] is not legal: 1-64 characters of [a-z0-9_.-]",
                    s.register(app, token, user("no way", "pw", "n")).json().get("error_description").asText());
        }
    }

    @Test
    void theLanguageIsChineseOnlyWhenTheCallerPrefersIt() {
        assertEquals(Locale.ENGLISH, RestExchange.language(null));
        assertEquals(Locale.ENGLISH, RestExchange.language(""));
        assertEquals(Locale.ENGLISH, RestExchange.language("fr-FR"));
        assertEquals(Locale.ENGLISH, RestExchange.language("en-GB,zh-CN;q=0.5"));
        assertEquals(Locale.ENGLISH, RestExchange.language("*"));
        assertEquals(Locale.ENGLISH, RestExchange.language("zh;q=0, en;q=0.1"), "zh refused");
        assertEquals(Locale.ENGLISH, RestExchange.language(";;;=="), "a header that does not parse");
        assertEquals(Locale.SIMPLIFIED_CHINESE, RestExchange.language("zh"));
        assertEquals(Locale.SIMPLIFIED_CHINESE, RestExchange.language("zh-Hans-CN"));
        assertEquals(Locale.SIMPLIFIED_CHINESE, RestExchange.language("zh-TW"));
        assertEquals(Locale.SIMPLIFIED_CHINESE, RestExchange.language("fr, zh-CN;q=0.8, en;q=0.5"));
    }

    /**
     * A request refused before its body was read (here 401) must leave the connection usable: the
     * body arrives only after the server has decided, and the next request follows on the same socket.
     */
    @AllDatabases
    void refusedRequestKeepsTheConnectionUsable(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            s.createApp("acme", "chat", false);
            String body = "{\"username\":\"late\",\"password\":\"pw\"}";
            URI uri = s.http.uri("/acme/chat/users");
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(300);
                out.write(body.getBytes(StandardCharsets.US_ASCII));
                out.write(("GET " + uri.getPath() + "/nobody HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answers.startsWith("HTTP/1.1 401"), answers);
                assertTrue(answers.indexOf("HTTP/1.1 401", 20) > 0, "the second request was answered too: " + answers);
            }
            assertEquals(0, db.count("ofImUser"));
        }
    }
}
