package io.imcloud.rest;

import io.imcloud.tenancy.AppCredentials;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;

import java.util.List;
import java.util.Map;

import static io.imcloud.testsupport.RestHarnessStack.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two apps with the same usernames: no credential of one reaches anything of the other. */
class TenantIsolationTest {

    @AllDatabases
    void noEndpointCrossesApps(TestDatabase db) throws Exception {
        try (RestHarnessStack s = RestHarnessStack.start(db)) {
            AppCredentials a = s.createApp("acme", "a", false);
            AppCredentials b = s.createApp("acme", "b", false);
            String tokenA = s.appToken(a);
            String tokenB = s.appToken(b);
            assertEquals(200, s.register(a, tokenA, List.of(user("alice", "pw-a", "A"), user("bob", "pw-a", "A"))).status());
            assertEquals(200, s.register(b, tokenB, List.of(user("alice", "pw-b", "B"), user("bob", "pw-b", "B"))).status());
            String aliceA = s.userToken(a, "alice", "pw-a");

            for (String token : new String[] {tokenA, aliceA}) {
                assertUnauthorized(s.http.post("/acme/b/users", token, user("carol", "pw", "C")));
                assertUnauthorized(s.http.get("/acme/b/users", token));
                assertUnauthorized(s.http.get("/acme/b/users/alice", token));
                assertUnauthorized(s.http.delete("/acme/b/users/alice", token));
                assertUnauthorized(s.http.put("/acme/b/users/alice/password", token, Map.of("newpassword", "stolen")));
            }
            assertEquals(400, s.http.post("/acme/b/token", null,
                    Map.of("grant_type", "password", "username", "alice", "password", "pw-a")).status(), "invalid_grant");
            assertEquals(401, s.http.post("/acme/b/token", null, Map.of("grant_type", "client_credentials",
                    "client_id", a.app().clientId(), "client_secret", a.clientSecret())).status());

            String uuidA = s.http.get("/acme/a/users/alice", tokenA).json().get("entities").get(0).get("uuid").asText();
            String uuidB = s.http.get("/acme/b/users/alice", tokenB).json().get("entities").get(0).get("uuid").asText();
            assertNotEquals(uuidA, uuidB);
            Response listA = s.http.get("/acme/a/users", tokenA);
            assertEquals(2, listA.json().get("count").asInt());
            assertTrue(listA.body().contains(uuidA) && !listA.body().contains(uuidB));

            assertEquals(200, s.http.delete("/acme/a/users/alice", tokenA).status());
            assertEquals(200, s.http.get("/acme/b/users/alice", tokenB).status(), "b's alice untouched");
            assertTrue(s.directory.authenticate("acme#b_alice", "pw-b"));
            assertTrue(s.directory.authenticate("acme#b_bob", "pw-b"), "no password changed across apps");
            assertEquals(3, db.count("ofImUser"));
        }
    }

    private static void assertUnauthorized(Response r) {
        assertEquals(401, r.status(), r.body());
        assertEquals("unauthorized", r.error());
    }
}
