package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imcloud.push.CallbackDispatcher;
import io.imcloud.push.CallbackQueue;
import io.imcloud.push.CallbackSignature;
import io.imcloud.push.PushSettings;
import io.imcloud.rest.ArchiveApiStack.TestApp;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.CallbackReceiver;
import io.imcloud.testsupport.CallbackReceiver.Request;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;
import org.xmpp.packet.Message;

import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole way of an offline-message callback: the operator sets the app's callback URL over the management API, bob
 * binds his phone over REST, a message to bob is stored offline (an XMPP chat through the real interceptor and offline
 * listener, and a REST server-side send routed to the offline store), and the app's receiver gets each, signed.
 */
class OfflineCallbackApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @AllDatabases
    void offlineMessagesReachTheAppsReceiverWithBobsDeviceToken(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db); CallbackReceiver receiver = CallbackReceiver.answering(200)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            Response set = stack.s.http.send(stack.s.http.request("/management/apps/acme/chat", null)
                    .header("Authorization", RestHarnessStack.adminAuthorization()).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"callback_url\":\"" + receiver.url() + "\"}")));
            assertEquals(200, set.status(), set.body());
            String secret = set.json().at("/data/callback_secret").asText();
            Response bound = app.stack().s.http.put(app.path("/users/bob/push/binding"), app.userToken("bob"),
                    Map.of("device_id", "bobs-phone", "device_token", "apns-of-bobs-phone", "notifier_name", "prod-cert"));
            assertEquals(200, bound.status(), bound.body());

            ObjectMapper json = new ObjectMapper();
            PushSettings quick = new PushSettings(Duration.ofSeconds(10), 3, Duration.ofMillis(100), Duration.ofMillis(100), 1_000, 4, 16,
                    1_000, Duration.ofMillis(50));
            try (CallbackDispatcher callbacks = new CallbackDispatcher(new CallbackQueue(db), stack.bindings, stack.archive,
                    stack.s.apps::find, stack.s.apps::callback, MessageJson.exporter(json, stack.attachments, stack.fileUrls), json, () -> quick,
                    Clock.systemUTC()).start()) {
                stack.storedOffline.set(callbacks);

                Message online = app.chat("alice", "bob", "seen at once", "c0");
                stack.deliver(online);
                Message offline = app.chat("alice", "bob", "are you there?", "c1");
                stack.storeOffline(offline);
                String xmppId = offline.getElement().element("stanza-id").attributeValue("id");
                assertTrue(receiver.await(r -> r.size() == 1, WAIT), "the callback of the XMPP message");

                Response sent = app.post("/messages/users", app.token(), Map.of("from", "alice", "to", List.of("bob"), "type", "txt",
                        "body", Map.of("msg", "from the back-end"), "ext", Map.of("em_push_content", "Alice: from the back-end")));
                assertEquals(200, sent.status(), sent.body());
                String restId = sent.json().at("/data/bob").asText();
                Message routed = stack.routed.stream().filter(m -> restId.equals(m.getID())).findFirst().orElseThrow();
                stack.storeOffline(routed);
                assertTrue(receiver.await(r -> r.size() == 2, WAIT), "the callback of the REST send");
                Thread.sleep(300);
                assertEquals(2, receiver.requests().size(), "nothing for the message delivered online");

                Request first = receiver.requests().get(0);
                Request second = receiver.requests().get(1);
                for (Request r : List.of(first, second)) {
                    assertTrue(CallbackSignature.verify(secret, r.header(CallbackSignature.TIMESTAMP_HEADER),
                            r.header(CallbackSignature.SIGNATURE_HEADER), r.body(), System.currentTimeMillis(), 300_000));
                    JsonNode devices = r.json().get("devices");
                    assertEquals(1, devices.size());
                    assertEquals("apns-of-bobs-phone", devices.get(0).get("device_token").asText());
                    assertEquals("prod-cert", devices.get(0).get("notifier_name").asText());
                    assertEquals("bob", r.json().get("to").asText());
                    assertEquals("alice", r.json().get("from").asText());
                }
                assertEquals(xmppId, first.json().get("msg_id").asText(), "the stanza-id bob's client will get");
                assertEquals("are you there?", first.json().at("/payload/bodies/0/msg").asText());
                assertEquals(restId, second.json().get("msg_id").asText());
                assertEquals("from the back-end", second.json().at("/payload/bodies/0/msg").asText());
                assertEquals("Alice: from the back-end", second.json().at("/payload/ext/em_push_content").asText());
                assertEquals(history(app, restId), second.json().get("payload"), "the same shape as history");
            }
        }
    }

    /** The payload of message {@code id} in bob's history with alice over REST. */
    private static JsonNode history(TestApp app, String id) {
        for (JsonNode m : app.get("/users/bob/conversations/alice/messages", app.token()).json().get("entities")) {
            if (id.equals(m.get("msg_id").asText())) {
                return m.get("payload");
            }
        }
        throw new AssertionError("no message " + id + " in the history");
    }
}
