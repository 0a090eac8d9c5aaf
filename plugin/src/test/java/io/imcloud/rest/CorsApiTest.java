package io.imcloud.rest;

import io.imcloud.sql.DatabaseType;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Browser pages of the configured origins may call the API; by default none may, and others never. */
class CorsApiTest {

    private static final String PAGE = "https://app.example.com";

    @Test
    void byDefaultNoPageElsewhereMayReadAnAnswer() {
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB); RestHarnessStack s = RestHarnessStack.start(db)) {
            Response preflight = s.http.send(preflight(s, "/acme/chat/token"));
            assertNull(preflight.header("Access-Control-Allow-Origin"), preflight.toString());
            assertTrue(preflight.status() >= 400, "no route answers OPTIONS: " + preflight);
            Response answer = s.http.send(s.http.request("/acme/chat/users/alice", null).header("Origin", PAGE).GET());
            assertEquals(401, answer.status());
            assertNull(answer.header("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void aListedOriginGetsPreflightsAnsweredAndItsAnswersMarkedEvenErrors() {
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB); RestHarnessStack s = RestHarnessStack.start(db)) {
            allow(s, CorsOrigins.parse("https://APP.example.com:443, http://localhost:8080").orElseThrow());
            Response preflight = s.http.send(preflight(s, "/acme/chat/chatfiles"));
            assertEquals(204, preflight.status(), preflight.toString());
            assertEquals(PAGE, preflight.header("Access-Control-Allow-Origin"));
            assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Authorization"));
            assertTrue(preflight.header("Access-Control-Allow-Methods").contains("PUT"));
            assertTrue(preflight.headers().allValues("Vary").contains("Origin"), preflight.headers().toString());
            assertNull(preflight.header("Access-Control-Allow-Credentials"), "bearer tokens, never cookies");

            Response refused = s.http.send(s.http.request("/acme/chat/users/alice", null).header("Origin", PAGE).GET());
            assertEquals(401, refused.status());
            assertEquals(PAGE, refused.header("Access-Control-Allow-Origin"), "a page must be able to read why it was refused");
            assertTrue(refused.header("Access-Control-Expose-Headers").contains("Retry-After"));
            assertEquals(Set.of("Origin", "Accept-Language"), Set.copyOf(refused.headers().allValues("Vary")));

            Response local = s.http.send(s.http.request("/acme/chat/users/alice", null).header("Origin", "http://LOCALHOST:8080").GET());
            assertEquals("http://LOCALHOST:8080", local.header("Access-Control-Allow-Origin"));

            for (String other : List.of("https://app.example.com.evil.example", "http://app.example.com", "https://evil.example",
                    "null")) {
                Response foreign = s.http.send(preflight(s, "/acme/chat/token").setHeader("Origin", other));
                assertNull(foreign.header("Access-Control-Allow-Origin"), other);
                assertTrue(foreign.status() >= 400, other + " -> " + foreign);
            }
        }
    }

    @Test
    void aStarAllowsEveryOriginWithoutVaryingByIt() {
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB); RestHarnessStack s = RestHarnessStack.start(db)) {
            allow(s, CorsOrigins.parse("*").orElseThrow());
            Response preflight = s.http.send(preflight(s, "/acme/chat/token").setHeader("Origin", "https://anyone.example"));
            assertEquals(204, preflight.status());
            assertEquals("*", preflight.header("Access-Control-Allow-Origin"));
            assertFalse(preflight.headers().allValues("Vary").contains("Origin"));
        }
    }

    @Test
    void anOriginListIsCheckedAsASetting() {
        assertEquals(CorsOrigins.NONE, CorsOrigins.parse(" ").orElseThrow());
        assertEquals(Set.of("https://app.example.com", "http://localhost:8080"),
                CorsOrigins.parse("https://App.Example.com/, http://localhost:8080").orElseThrow().origins());
        for (String bad : List.of("app.example.com", "https://app.example.com/page", "ftp://app.example.com", "https://u@app.example.com",
                "https://app.example.com?x", "*, https://app.example.com", "https://a.example,,https://b.example")) {
            assertTrue(CorsOrigins.parse(bad).isEmpty(), bad);
        }
        assertTrue(CorsOrigins.parse(String.join(",", java.util.Collections.nCopies(CorsOrigins.MAX_ORIGINS, "https://a.example"))).isPresent());
        StringBuilder tooMany = new StringBuilder();
        for (int i = 0; i <= CorsOrigins.MAX_ORIGINS; i++) {
            tooMany.append(i == 0 ? "" : ",").append("https://h").append(i).append(".example");
        }
        assertTrue(CorsOrigins.parse(tooMany.toString()).isEmpty());
    }

    private static HttpRequest.Builder preflight(RestHarnessStack s, String path) {
        return s.http.request(path, null).header("Origin", PAGE).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
    }

    private static void allow(RestHarnessStack s, CorsOrigins origins) {
        RestSettings d = RestSettings.defaults();
        s.settings.set(new RestSettings(d.maxBodyBytes(), d.tokenDefaultTtlSeconds(), d.tokenMaxTtlSeconds(), d.registrationPerSecond(),
                d.registrationBurst(), d.openRegistrationPerIpPerSecond(), d.openRegistrationPerIpBurst(), false, Set.of(), origins));
    }
}
