package io.imcloud.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.CallbackReceiver;
import io.imcloud.testsupport.CallbackReceiver.Request;
import io.imcloud.testsupport.TestDatabase;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.imcloud.push.CallbackFixture.APP;
import static io.imcloud.push.CallbackFixture.OTHER;
import static io.imcloud.push.CallbackFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Offline-message callbacks posted to a real HTTP receiver on 127.0.0.1, from the queue in a real database. */
class CallbackDispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * One callback per message stored offline for a user with a bound device: Easemob's chat_offline fields, the
     * message's export record and the devices, signed so that the receiver's check passes; a tampered body, another
     * secret or an old timestamp fail it. A user without devices and an app without callback URL get nothing.
     */
    @AllDatabases
    void aSignedCallbackCarriesTheDeviceTokensAndTheMessage(TestDatabase db) throws Exception {
        try (CallbackFixture f = new CallbackFixture(db); CallbackReceiver receiver = CallbackReceiver.answering(200)) {
            String secret = f.createApp(APP, receiver.url());
            f.createApp(OTHER, null);
            f.bind(APP, "bob", "phone", "token-bob-phone");
            f.bind(APP, "bob", "pad", "token-bob-pad");
            f.bind(OTHER, "bob", "phone", "token-other-bob");
            CallbackDispatcher d = f.dispatcher(CallbackFixture.fast());

            long id = f.offline(d, APP, "alice", "bob", "are you there?", "{\"em_push_title\":\"Alice\"}");
            f.offline(d, APP, "bob", "carol", "carol has no device", null);
            f.offline(d, OTHER, "alice", "bob", "the other app has no callback", null);

            assertTrue(receiver.await(r -> r.size() >= 1, WAIT), "the callback arrives");
            eventually("delivered is counted", () -> d.health(APP).delivered() == 1);
            Thread.sleep(300); // nothing else comes
            assertEquals(1, receiver.requests().size(), "only bob of the app with a callback URL: " + receiver.requests());

            Request r = receiver.requests().get(0);
            assertEquals("POST", r.method());
            assertEquals("/callbacks/offline", r.path());
            assertTrue(r.header("Content-Type").startsWith("application/json"));
            String timestamp = r.header(CallbackSignature.TIMESTAMP_HEADER);
            String signature = r.header(CallbackSignature.SIGNATURE_HEADER);
            long now = System.currentTimeMillis();
            assertTrue(signature.matches("sha256=[0-9a-f]{64}"), signature);
            assertTrue(CallbackSignature.verify(secret, timestamp, signature, r.body(), now, CallbackSignature.DEFAULT_TOLERANCE_MILLIS));
            assertFalse(CallbackSignature.verify("another-secret", timestamp, signature, r.body(), now, 300_000));
            byte[] tampered = new String(r.body(), StandardCharsets.UTF_8).replace("are you there?", "are you THERE?")
                    .getBytes(StandardCharsets.UTF_8);
            assertFalse(CallbackSignature.verify(secret, timestamp, signature, tampered, now, 300_000));
            assertFalse(CallbackSignature.verify(secret, timestamp, signature, r.body(), now + 600_000, 300_000), "a replay later");
            assertFalse(CallbackSignature.verify(secret, Long.toString(Long.parseLong(timestamp) + 1), signature, r.body(), now,
                    300_000), "the timestamp is signed too");

            JsonNode body = r.json();
            assertEquals("acme#chat_" + id, body.get("callId").asText());
            assertEquals(body.get("callId").asText(), r.header(CallbackSignature.CALLBACK_ID_HEADER));
            assertEquals("chat_offline", body.get("eventType").asText());
            assertEquals("acme#chat", body.get("appkey").asText());
            assertEquals(Long.toString(id), body.get("msg_id").asText());
            assertEquals("alice", body.get("from").asText());
            assertEquals("bob", body.get("to").asText());
            assertEquals("chat", body.get("chat_type").asText());
            assertEquals("txt", body.at("/payload/bodies/0/type").asText());
            assertEquals("are you there?", body.at("/payload/bodies/0/msg").asText());
            assertEquals("Alice", body.at("/payload/ext/em_push_title").asText());
            assertTrue(body.get("timestamp").asLong() > 0);
            Map<String, String> tokens = new java.util.TreeMap<>();
            body.get("devices").forEach(dev -> tokens.put(dev.get("device_id").asText(), dev.get("device_token").asText()));
            assertEquals(Map.of("phone", "token-bob-phone", "pad", "token-bob-pad"), tokens);
            assertEquals("notifier-phone", body.get("devices").get(0).get("device_id").asText().equals("phone")
                    ? body.get("devices").get(0).get("notifier_name").asText() : body.get("devices").get(1).get("notifier_name").asText());
            assertFalse(new String(r.body(), StandardCharsets.UTF_8).contains(secret), "the secret is never sent");

            assertEquals(0, f.rows(CallbackQueue.PENDING), "a delivered callback is no longer pending");
            assertEquals(1, f.rows(CallbackQueue.DELIVERED), "it is kept a day, to recognise its message");
            assertEquals(new PushHealth(0, 1, 0, 0), d.health(APP));
            assertEquals(PushHealth.NONE, d.health(OTHER));
        }
    }

    /** A receiver that fails once gets the same callback (same callId) again after the backoff; it then counts once. */
    @AllDatabases
    void aFailedCallbackIsRetriedAndDeliveredOnce(TestDatabase db) throws Exception {
        try (CallbackFixture f = new CallbackFixture(db); CallbackReceiver receiver = CallbackReceiver.start(n -> n == 0 ? 500 : 200)) {
            f.createApp(APP, receiver.url());
            f.bind(APP, "bob", "phone", "token-1");
            CallbackDispatcher d = f.dispatcher(CallbackFixture.fast());

            f.offline(d, APP, "alice", "bob", "hello", null);

            assertTrue(receiver.await(r -> r.size() == 2, WAIT), "a second attempt: " + receiver.requests());
            List<Request> requests = receiver.requests();
            assertEquals(List.of(500, 200), requests.stream().map(Request::status).toList());
            assertEquals(requests.get(0).callId(), requests.get(1).callId(), "the same callback");
            assertNotEquals(requests.get(0).header(CallbackSignature.TIMESTAMP_HEADER), requests.get(1).header(CallbackSignature.TIMESTAMP_HEADER),
                    "each attempt signs its own time");
            eventually("delivered", () -> d.health(APP).equals(new PushHealth(0, 1, 0, 0)));
            Thread.sleep(300);
            assertEquals(2, receiver.requests().size(), "no third attempt");
        }
    }

    /** After the most attempts a callback becomes a dead letter: counted, kept with its last error, not sent again. */
    @AllDatabases
    void aCallbackGoesToTheDeadLettersAfterTheMostAttempts(TestDatabase db) throws Exception {
        try (CallbackFixture f = new CallbackFixture(db); CallbackReceiver receiver = CallbackReceiver.answering(500)) {
            f.createApp(APP, receiver.url());
            f.bind(APP, "bob", "phone", "token-1");
            CallbackDispatcher d = f.dispatcher(CallbackFixture.fast());

            f.offline(d, APP, "alice", "bob", "hello", null);

            eventually("a dead letter", () -> d.health(APP).dead() == 1);
            Thread.sleep(500);
            assertEquals(CallbackFixture.fast().maxAttempts(), receiver.requests().size(), "3 attempts, no more");
            assertEquals(1, f.rows(CallbackQueue.DEAD));
            assertEquals(new PushHealth(0, 0, 1, 0), d.health(APP));
            try (Connection con = db.getConnection(); Statement st = con.createStatement();
                 ResultSet rs = st.executeQuery("SELECT attempts, lastError, leaseOwner FROM ofImPushQueue")) {
                assertTrue(rs.next());
                assertEquals(3, rs.getInt(1));
                assertEquals("HTTP 500", rs.getString(2));
                assertNull(rs.getString(3));
            }
            assertEquals(1, f.queue.prune(0, System.currentTimeMillis() + 1), "dead letters are pruned by age");
            assertEquals(1, d.health(APP).dead(), "the count stays");
        }
    }

    /**
     * A receiver that never answers: each attempt ends at the timeout, no more than the per-app share is under way at
     * once (before the first attempt could time out, only that many arrive), every message is queued meanwhile (the
     * intake never waits for the receiver), the callbacks end as dead letters, and another app's healthy receiver gets
     * its callback in the meantime.
     */
    @AllDatabases
    void aHangingReceiverIsTimedOutAndBlocksNeitherTheQueueNorOtherApps(TestDatabase db) throws Exception {
        try (CallbackFixture f = new CallbackFixture(db); CallbackReceiver hanging = CallbackReceiver.answering(CallbackReceiver.HANG);
             CallbackReceiver healthy = CallbackReceiver.answering(204)) {
            f.createApp(APP, hanging.url());
            f.createApp(OTHER, healthy.url());
            f.bind(APP, "bob", "phone", "token-1");
            f.bind(OTHER, "bob", "phone", "token-2");
            PushSettings s = new PushSettings(Duration.ofSeconds(1), 2, Duration.ofMillis(50), Duration.ofMillis(50), 1_000, 4, 16,
                    1_000, Duration.ofMillis(50));
            CallbackDispatcher d = f.dispatcher(s);

            for (int i = 0; i < 8; i++) {
                f.offline(d, APP, "alice", "bob", "m" + i, null);
            }
            eventually("all 8 queued while the receiver hangs", () -> {
                PushHealth h = d.health(APP);
                return h.pending() + h.dead() == 8;
            });
            f.offline(d, OTHER, "alice", "bob", "to the healthy app", null);
            assertTrue(healthy.await(r -> r.size() == 1, WAIT), "the other app's callback is not held up");
            eventually("every callback timed out twice and went dead", () -> d.health(APP).dead() == 8);
            List<Request> attempts = hanging.requests();
            assertEquals(16, attempts.size(), "2 attempts each");
            long first = attempts.get(0).arrivedNanos();
            long beforeAnyTimeout = attempts.stream().filter(r -> r.arrivedNanos() - first < s.timeout().toNanos() / 2).count();
            assertTrue(beforeAnyTimeout >= 1 && beforeAnyTimeout <= s.inFlightPerApp(), "the app's share at once at most: " + beforeAnyTimeout);
            eventually("the other app's delivery counted", () -> d.health(OTHER).delivered() == 1);
        }
    }

    /**
     * Stopping the dispatcher with callbacks queued (failed once, due again) and others still in its intake buffer, then
     * starting a new one on the same database: every callback is delivered exactly once.
     */
    @AllDatabases
    void nothingIsLostOverARestartAndNothingIsDeliveredTwice(TestDatabase db) throws Exception {
        try (CallbackFixture f = new CallbackFixture(db); CallbackReceiver receiver = CallbackReceiver.answering(503)) {
            f.createApp(APP, receiver.url());
            for (String user : List.of("bob", "carol", "dave")) {
                f.bind(APP, user, "phone", "token-" + user);
            }
            PushSettings s = new PushSettings(Duration.ofSeconds(5), 8, Duration.ofSeconds(1), Duration.ofSeconds(1), 1_000, 4, 16,
                    1_000, Duration.ofMillis(50));
            CallbackDispatcher first = f.dispatcher(s);
            Set<String> sent = new HashSet<>();
            for (int i = 0; i < 15; i++) {
                sent.add("acme#chat_" + f.offline(first, APP, "alice", List.of("bob", "carol", "dave").get(i % 3), "m" + i, null));
            }
            assertTrue(receiver.await(r -> r.size() >= 15, WAIT), "each tried once and refused");
            for (int i = 15; i < 25; i++) { // these may still be in the intake buffer when it stops
                sent.add("acme#chat_" + f.offline(first, APP, "alice", "bob", "m" + i, null));
            }
            first.close();
            assertEquals(25, f.rows(CallbackQueue.PENDING), "everything is in the queue after the stop");

            receiver.answer(n -> 200);
            CallbackDispatcher second = f.dispatcher(s);
            eventually("all delivered after the restart", () -> second.health(APP).delivered() == 25);
            Thread.sleep(300);
            Map<String, Long> accepted = receiver.accepted().stream().collect(Collectors.groupingBy(Request::callId, Collectors.counting()));
            assertEquals(sent, accepted.keySet(), "every callback reached the receiver");
            assertTrue(accepted.values().stream().allMatch(n -> n == 1), "none twice: " + accepted);
            assertEquals(0, f.rows(CallbackQueue.PENDING));
        }
    }

    /** Two nodes' dispatchers on one database claim each row with a conditional UPDATE: no callback is sent twice. */
    @AllDatabases
    void twoNodesNeverSendTheSameCallback(TestDatabase db) throws Exception {
        try (CallbackFixture f = new CallbackFixture(db); CallbackReceiver receiver = CallbackReceiver.answering(200)) {
            f.createApp(APP, receiver.url());
            f.bind(APP, "bob", "phone", "token-1");
            CallbackDispatcher nodeA = f.dispatcher(CallbackFixture.fast());
            CallbackDispatcher nodeB = f.dispatcher(CallbackFixture.fast());
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                CallbackDispatcher d = i % 2 == 0 ? nodeA : nodeB;
                sent.add("acme#chat_" + f.offline(d, APP, "alice", "bob", "m" + i, null));
            }
            assertTrue(receiver.await(r -> r.size() >= 40, WAIT));
            eventually("all counted", () -> nodeA.health(APP).delivered() == 40);
            Thread.sleep(300);
            Map<String, Long> received = receiver.requests().stream().collect(Collectors.groupingBy(Request::callId, Collectors.counting()));
            assertEquals(new HashSet<>(sent), received.keySet());
            assertTrue(received.values().stream().allMatch(n -> n == 1), "each once: " + received);
        }
    }

    /** Beyond the app's queue bound callbacks are refused and counted as dropped; the queue never grows past it. */
    @AllDatabases
    void aFullQueueDropsAndCountsCallbacks(TestDatabase db) throws Exception {
        try (CallbackFixture f = new CallbackFixture(db); CallbackReceiver receiver = CallbackReceiver.answering(500)) {
            f.createApp(APP, receiver.url());
            f.bind(APP, "bob", "phone", "token-1");
            PushSettings s = new PushSettings(Duration.ofMillis(500), 5, Duration.ofMinutes(1), Duration.ofMinutes(1), 5, 4, 16,
                    1_000, Duration.ofMillis(50));
            CallbackDispatcher d = f.dispatcher(s);
            for (int i = 0; i < 9; i++) {
                f.offline(d, APP, "alice", "bob", "m" + i, null);
            }
            eventually("5 queued, 4 dropped", () -> d.health(APP).equals(new PushHealth(5, 0, 0, 4)));
            assertEquals(5, f.rows(CallbackQueue.PENDING));
        }
    }

    /** A message reported twice (stored offline again) is queued and sent once, until its delivered row is pruned. */
    @AllDatabases
    void aMessageReportedTwiceIsSentOnce(TestDatabase db) throws Exception {
        try (CallbackFixture f = new CallbackFixture(db); CallbackReceiver receiver = CallbackReceiver.answering(200)) {
            f.createApp(APP, receiver.url());
            f.bind(APP, "bob", "phone", "token-1");
            CallbackDispatcher d = f.dispatcher(CallbackFixture.fast());
            long id = f.offline(d, APP, "alice", "bob", "to bob", null);
            d.messageStoredOffline(AppUser.of(APP, "bob"), id);
            assertTrue(receiver.await(r -> r.size() >= 1, WAIT));
            eventually("counted", () -> d.health(APP).delivered() == 1);
            d.messageStoredOffline(AppUser.of(APP, "bob"), id);
            Thread.sleep(300);
            assertEquals(1, receiver.requests().size(), "sent once: " + receiver.requests());
            assertEquals(1, f.queue.prune(System.currentTimeMillis() + 1, 0), "delivered rows are pruned by age");
        }
    }

    /**
     * What changed after a callback was queued decides when it is due: a user whose devices were all unbound (a
     * deactivation, a logout) or an app whose callback URL was removed gets nothing; the rows go uncounted.
     */
    @AllDatabases
    void aCallbackWhoseDevicesOrUrlAreGoneIsDroppedUnsent(TestDatabase db) throws Exception {
        try (CallbackFixture f = new CallbackFixture(db); CallbackReceiver receiver = CallbackReceiver.answering(200)) {
            f.createApp(APP, receiver.url());
            f.createApp(OTHER, receiver.url());
            f.bind(APP, "carol", "phone", "token-carol");
            f.bind(OTHER, "bob", "phone", "token-bob");
            long now = System.currentTimeMillis();
            assertEquals(1, f.queue.enqueue(APP, Map.of(f.archiveOffline(APP, "alice", "carol", "to carol"), "carol"), 100, now).queued());
            assertEquals(1, f.queue.enqueue(OTHER, Map.of(f.archiveOffline(OTHER, "alice", "bob", "to bob"), "bob"), 100, now).queued());
            assertEquals(1, f.bindings.unbindAll(AppUser.of(APP, "carol")));
            f.apps.update(OTHER, AppOptions.callback(""));

            CallbackDispatcher d = f.dispatcher(CallbackFixture.fast());
            eventually("both rows dropped", () -> {
                try {
                    return f.rows(CallbackQueue.PENDING) == 0;
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            assertEquals(List.of(), receiver.requests());
            assertEquals(0, d.health(APP).delivered() + d.health(OTHER).delivered());
        }
    }

    /** A stopped dispatcher takes no more messages: they are counted as dropped, and it never blocks the caller. */
    @AllDatabases
    void aStoppedDispatcherCountsWhatItIsToldAsDropped(TestDatabase db) throws Exception {
        try (CallbackFixture f = new CallbackFixture(db)) {
            f.createApp(APP, "http://127.0.0.1:9/never");
            f.bind(APP, "bob", "phone", "token-1");
            CallbackDispatcher d = f.dispatcher(CallbackFixture.fast());
            d.close();
            d.messageStoredOffline(AppUser.of(APP, "bob"), f.archiveOffline(APP, "alice", "bob", "late"));
            assertEquals(0, f.rows(CallbackQueue.PENDING));
            assertEquals(new PushHealth(0, 0, 0, 1), d.health(APP));
        }
    }
}
