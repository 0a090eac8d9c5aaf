package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.archive.ArchivePurge;
import io.imcloud.push.CallbackQueue;
import io.imcloud.push.PushBindings;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.imcloud.testsupport.RestHarnessStack.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Easemob's push binding, {@code PUT} and {@code GET /{org}/{app}/users/{u}/push/binding}, over real HTTP. */
class PushBindingApiTest {

    private static final String PASSWORD = "pw-secret";

    /** The REST stack with the push routes, deleting a user's bindings and queued callbacks with the user. */
    private record Stack(RestHarnessStack s, PushBindings bindings, CallbackQueue queue, AppCredentials app, String appToken)
            implements AutoCloseable {

        static Stack start(TestDatabase db) {
            PushBindings bindings = new PushBindings(db, Clock.systemUTC());
            CallbackQueue queue = new CallbackQueue(db);
            RestHarnessStack s = RestHarnessStack.start(db, List.of(bindings, queue), new PushRoutes(bindings));
            AppCredentials app = s.createApp("acme", "chat", false);
            String token = s.appToken(app);
            Response r = s.register(app, token, List.of(user("alice", PASSWORD, "Alice"), user("bob", PASSWORD, "Bob")));
            assertEquals(200, r.status(), r.body());
            return new Stack(s, bindings, queue, app, token);
        }

        Response put(String user, String bearer, Object body) {
            return s.http.put("/acme/chat/users/" + user + "/push/binding", bearer, body);
        }

        Response get(String user, String bearer) {
            return s.http.get("/acme/chat/users/" + user + "/push/binding", bearer);
        }

        /** device id to token, as GET answers it with the app token. */
        Map<String, String> devices(String user) {
            Response r = get(user, appToken);
            assertEquals(200, r.status(), r.body());
            Map<String, String> devices = new HashMap<>();
            r.json().get("entities").forEach(e -> devices.put(e.get("device_id").asText(), e.get("device_token").asText()));
            assertEquals(devices.size(), r.json().get("count").asInt());
            return devices;
        }

        @Override
        public void close() {
            s.close();
        }
    }

    private static Map<String, String> binding(String deviceId, String token, String notifier) {
        Map<String, String> body = new HashMap<>();
        body.put("device_id", deviceId);
        body.put("device_token", token);
        if (notifier != null) {
            body.put("notifier_name", notifier);
        }
        return body;
    }

    /** Bind (app or own token), list, bind a new token to the same device, unbind with an empty token. */
    @AllDatabases
    void bindsListsRebindsAndUnbinds(TestDatabase db) {
        try (Stack st = Stack.start(db)) {
            Response bound = st.put("bob", st.appToken(), binding("8ce08cad-9369-4bdd", "apns-token-1", "104410638"));
            assertEquals(200, bound.status(), bound.body());
            JsonNode entity = bound.json().get("entities").get(0);
            assertEquals("8ce08cad-9369-4bdd", entity.get("device_id").asText());
            assertEquals("apns-token-1", entity.get("device_token").asText());
            assertEquals("104410638", entity.get("notifier_name").asText());
            assertEquals("put", bound.json().get("action").asText());
            assertEquals("chat", bound.json().get("applicationName").asText());

            String bobsToken = st.s.userToken(st.app(), "bob", PASSWORD);
            Response own = st.put("bob", bobsToken, binding("pixel-7", "fcm-token-1", null));
            assertEquals(200, own.status(), own.body());
            assertEquals("", own.json().at("/entities/0/notifier_name").asText(), "no certificate name given");
            Response listed = st.get("bob", bobsToken);
            assertEquals(200, listed.status(), listed.body());
            assertEquals(2, listed.json().get("count").asInt());
            assertEquals(Map.of("8ce08cad-9369-4bdd", "apns-token-1", "pixel-7", "fcm-token-1"), st.devices("bob"));

            assertEquals(200, st.put("bob", bobsToken, binding("pixel-7", "fcm-token-2", "fcm")).status());
            assertEquals(Map.of("8ce08cad-9369-4bdd", "apns-token-1", "pixel-7", "fcm-token-2"), st.devices("bob"), "a new token, one device");

            Response unbound = st.put("bob", bobsToken, binding("pixel-7", "", "fcm"));
            assertEquals(200, unbound.status(), unbound.body());
            assertEquals(0, unbound.json().get("entities").size(), "an unbind answers no binding");
            assertEquals(Map.of("8ce08cad-9369-4bdd", "apns-token-1"), st.devices("bob"));
            assertEquals(200, st.put("bob", bobsToken, binding("never-bound", "", null)).status(), "unbinding twice is fine");
            assertEquals(Map.of(), st.devices("alice"));
            assertEquals(200, st.put("BOB", st.appToken(), binding("pad", "t-pad", null)).status(), "usernames are case-insensitive");
            assertEquals(2, st.devices("bob").size());
        }
    }

    /** Only the app's back-end and the user themself: no token 401, another user's token 403, another app's tokens 401. */
    @AllDatabases
    void onlyTheAppAndTheUserThemselfMayBindOrList(TestDatabase db) {
        try (Stack st = Stack.start(db)) {
            AppCredentials other = st.s().createApp("acme", "other", false);
            String otherAppToken = st.s().appToken(other);
            assertEquals(200, st.s().register(other, otherAppToken, user("bob", PASSWORD, "Other Bob")).status());
            String otherBobsToken = st.s().userToken(other, "bob", PASSWORD);
            String alicesToken = st.s().userToken(st.app(), "alice", PASSWORD);
            Map<String, String> body = binding("phone", "stolen-token", null);

            assertEquals(401, st.put("bob", null, body).status());
            assertEquals(401, st.get("bob", null).status());
            assertEquals(403, st.put("bob", alicesToken, body).status(), "alice's token is not bob's");
            assertEquals(403, st.get("bob", alicesToken).status());
            assertEquals(401, st.put("bob", otherAppToken, body).status(), "another app's back-end");
            assertEquals(401, st.get("bob", otherAppToken).status());
            assertEquals(401, st.put("bob", otherBobsToken, body).status(), "a bob of another app");
            assertEquals(401, st.s().http.put("/acme/chat/users/bob/push/binding?access_token=" + st.appToken(), null, body).status(),
                    "tokens only in the header");
            assertEquals(Map.of(), st.devices("bob"), "nothing was bound");

            assertEquals(404, st.put("nobody", st.appToken(), body).status(), "an unknown user");
            assertEquals("service_resource_not_found", st.get("nobody", st.appToken()).error());
            assertEquals(404, st.s().http.put("/acme/none/users/bob/push/binding", st.appToken(), body).status(), "an unknown app");
            assertEquals(405, st.s().http.delete("/acme/chat/users/bob/push/binding", st.appToken()).status());

            assertEquals(200, st.s().http.put("/acme/other/users/bob/push/binding", otherBobsToken, binding("phone", "t", null)).status());
            assertEquals(Map.of(), st.devices("bob"), "the other app's bob is another user");
        }
    }

    /** At most 10 devices; bounded lengths; no control characters; the fields' types; JSON only. Refusals change nothing. */
    @AllDatabases
    void bindingsAreBounded(TestDatabase db) {
        try (Stack st = Stack.start(db)) {
            for (int i = 0; i < PushBindings.MAX_DEVICES; i++) {
                assertEquals(200, st.put("bob", st.appToken(), binding("device-" + i, "token-" + i, null)).status());
            }
            Response eleventh = st.put("bob", st.appToken(), binding("device-10", "token-10", null));
            assertEquals(400, eleventh.status(), eleventh.body());
            assertEquals("illegal_argument", eleventh.error());
            assertEquals(200, st.put("bob", st.appToken(), binding("device-3", "token-3b", null)).status(), "a known device may change");
            assertEquals(200, st.put("bob", st.appToken(), binding("device-3", "", null)).status());
            assertEquals(200, st.put("bob", st.appToken(), binding("device-10", "token-10", null)).status(), "room again after an unbind");
            Map<String, String> before = st.devices("bob");
            assertEquals(PushBindings.MAX_DEVICES, before.size());

            List<Object> refused = List.of(
                    binding("", "t", null),
                    binding("d".repeat(PushBindings.MAX_DEVICE_ID + 1), "t", null),
                    binding("device-0", "t".repeat(PushBindings.MAX_DEVICE_TOKEN + 1), null),
                    binding("device-0", "t", "n".repeat(PushBindings.MAX_NOTIFIER_NAME + 1)),
                    binding("device-0", "t\nx", null),
                    binding("device\u0000", "t", null),
                    Map.of("device_token", "t"),
                    Map.of("device_id", "device-0"),
                    Map.of("device_id", 7, "device_token", "t"),
                    Map.of("device_id", "device-0", "device_token", List.of("t")),
                    Map.of("device_id", "device-0", "device_token", "t", "notifier_name", 104410638),
                    List.of(binding("device-0", "t", null)),
                    "\"device-0\"");
            for (Object body : refused) {
                Response r = st.put("bob", st.appToken(), body);
                assertEquals(400, r.status(), body + ": " + r.body());
            }
            assertEquals(400, st.put("bob", st.appToken(), "{").status(), "not JSON");
            assertEquals(415, st.s().http.send(st.s().http.request("/acme/chat/users/bob/push/binding", st.appToken())
                    .header("Content-Type", "text/plain").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))).status());
            assertEquals(before, st.devices("bob"), "nothing changed");
            String longest = "d".repeat(PushBindings.MAX_DEVICE_ID);
            assertEquals(200, st.put("alice", st.appToken(), binding(longest, "t".repeat(PushBindings.MAX_DEVICE_TOKEN),
                    "n".repeat(PushBindings.MAX_NOTIFIER_NAME))).status(), "the longest values fit");
            assertEquals(Map.of(longest, "t".repeat(PushBindings.MAX_DEVICE_TOKEN)), st.devices("alice"));
        }
    }

    /** A device token belongs to one user of the app: binding it to another user takes it from the first. */
    @AllDatabases
    void aTokenBoundToAnotherUserLeavesTheFirst(TestDatabase db) {
        try (Stack st = Stack.start(db)) {
            assertEquals(200, st.put("alice", st.appToken(), binding("shared-phone", "token-of-the-phone", null)).status());
            assertEquals(200, st.put("alice", st.appToken(), binding("her-pad", "token-of-the-pad", null)).status());
            assertEquals(200, st.put("bob", st.appToken(), binding("shared-phone", "token-of-the-phone", null)).status());
            assertEquals(Map.of("her-pad", "token-of-the-pad"), st.devices("alice"), "alice's phone now pushes to bob only");
            assertEquals(Map.of("shared-phone", "token-of-the-phone"), st.devices("bob"));
        }
    }

    /**
     * Deleting a user removes their bindings and queued callbacks (a later user of the name starts without devices);
     * {@code unbindAll} (a deactivation) removes every device; deleting an app removes all of its bindings, callbacks and
     * counts and nothing of another app.
     */
    @AllDatabases
    void bindingsGoWithTheUserTheAppAndADeactivation(TestDatabase db) throws Exception {
        try (Stack st = Stack.start(db)) {
            AppKey app = st.app().app().key();
            assertEquals(200, st.put("bob", st.appToken(), binding("phone", "token-bob", null)).status());
            assertEquals(200, st.put("alice", st.appToken(), binding("phone", "token-alice", null)).status());
            assertEquals(200, st.put("alice", st.appToken(), binding("pad", "token-alice-pad", null)).status());
            st.queue().enqueue(app, Map.of(1L, "bob", 2L, "alice"), 100, 0);

            assertEquals(200, st.s().http.delete("/acme/chat/users/bob", st.appToken()).status());
            assertEquals(2, db.count("ofImPushBinding"), "bob's device went, alice's stay");
            assertEquals(1, st.queue().health(app).pending(), "bob's queued callback went");
            assertEquals(200, st.s().register(st.app(), st.appToken(), user("bob", PASSWORD, "New Bob")).status());
            assertEquals(Map.of(), st.devices("bob"), "a new bob has no devices");

            assertEquals(2, st.bindings().unbindAll(AppUser.of(app, "alice")));
            assertEquals(Map.of(), st.devices("alice"));

            AppCredentials other = st.s().createApp("acme", "other", false);
            st.bindings().bind(AppUser.of(other.app().key(), "zed"), "phone", "token-zed", null);
            st.put("alice", st.appToken(), binding("phone", "token-alice", null));
            AppRemoval removal = new AppRemoval(st.s().apps, List.of(st.s().users, new ArchivePurge(db), st.bindings(), st.queue()));
            Map<String, Long> removed = removal.delete(app).orElseThrow();
            assertEquals(1L, removed.get("push_bindings"));
            assertEquals(1L, removed.get("push_callbacks"));
            assertEquals(1, db.count("ofImPushBinding"), "the other app's binding stays");
            assertEquals(0, db.count("ofImPushQueue"));
            assertEquals(0, db.count("ofImPushStats"));
            assertTrue(st.bindings().list(AppUser.of(other.app().key(), "zed")).size() == 1);
        }
    }
}
