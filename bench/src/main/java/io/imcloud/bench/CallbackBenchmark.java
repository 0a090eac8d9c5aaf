package io.imcloud.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.archive.WriterSettings;
import io.imcloud.attachments.AttachmentLimits;
import io.imcloud.attachments.Attachments;
import io.imcloud.push.CallbackDispatcher;
import io.imcloud.push.CallbackQueue;
import io.imcloud.push.PushBindings;
import io.imcloud.push.PushHealth;
import io.imcloud.push.PushSettings;
import io.imcloud.push.StoredOffline;
import io.imcloud.rest.FileUrls;
import io.imcloud.rest.MessageJson;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.tenancy.AppStore;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.CallbackReceiver;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.xmpp.ImcloudPacketInterceptor;
import io.imcloud.xmpp.OfflineStateListener;
import org.jivesoftware.openfire.session.ClientSession;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

import static io.imcloud.bench.ArchiveBenchSupport.intProperty;

/**
 * What offline-message callbacks add to the message path, on Openfire's packet thread, with real Tinder packets: a
 * chat message from alice's session to offline bob through the interceptor (read, before and after: stamped and
 * queued for the archive) and then the offline listener (OFFLINE recorded, and the message handed to the callbacks).
 * Bob has a bound device in every case. Four phases, each with its own dispatcher, alternating over the rounds:
 * <ul>
 * <li><b>no push hook</b>: the offline listener as it was before callbacks existed;</li>
 * <li><b>no callback URL</b>: the dispatcher running, bob's app without a callback URL (the limit: what every
 * offline message pays once the feature is installed);</li>
 * <li><b>receiver hangs</b>: the app's callback URL points at a receiver that never answers (5 s timeouts, the
 * default settings: its queue fills to 10,000 and the rest is dropped and counted);</li>
 * <li><b>receiver answers 200</b>: callbacks delivered meanwhile.</li>
 * </ul>
 * It prints median and p99 per message and messages/s of each phase, the CPU the dispatcher's thread spent per
 * message meanwhile, and the ratios of the hanging and the answering receiver to "no callback URL" (goal: 1.0). The dispatcher's thread, the archive writer and the receivers run on the
 * same cores meanwhile, so their work shows in these figures as it would on a server; so does the embedded HSQLDB.
 * <p>
 * Then the delivery rate from a full queue to a receiver that answers at once, against raw HTTP posts of the same
 * bodies by the same client, as many at once.
 * <p>
 * Run: {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.CallbackBenchmark};
 * sizes {@code -Dbench.messages=50000 -Dbench.warmup=20000 -Dbench.rounds=5 -Dbench.callbacks=5000}.
 */
public final class CallbackBenchmark {

    static final String DOMAIN = "im.example.com";
    static final AppKey APP_NO_URL = AppKey.of("bench", "nourl");
    static final AppKey APP_HANGING = AppKey.of("bench", "hanging");
    static final AppKey APP_ANSWERING = AppKey.of("bench", "answering");

    private CallbackBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int measured = intProperty("bench.messages", 50_000);
        int warmup = intProperty("bench.warmup", 20_000);
        int rounds = intProperty("bench.rounds", 5);
        int perPhase = measured + warmup;
        WriterSettings writer = WriterSettings.of(Math.min(WriterSettings.MAX_QUEUE_CAPACITY, 4 * perPhase), 1000);
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB);
             SqlArchive archive = new SqlArchive(db, new MessageIds(1), writer);
             CallbackReceiver hanging = CallbackReceiver.answering(CallbackReceiver.HANG);
             CallbackReceiver answering = CallbackReceiver.answering(200)) {
            AppStore apps = new AppStore(db, Clock.systemUTC());
            apps.create(APP_NO_URL, AppOptions.none()).orElseThrow();
            apps.create(APP_HANGING, AppOptions.callback(hanging.url())).orElseThrow();
            apps.create(APP_ANSWERING, AppOptions.callback(answering.url())).orElseThrow();
            PushBindings bindings = new PushBindings(db, Clock.systemUTC());
            for (AppKey app : List.of(APP_NO_URL, APP_HANGING, APP_ANSWERING)) {
                bindings.bind(AppUser.of(app, "bob"), "bobs-phone", "token-" + app.app(), "cert");
            }
            CallbackQueue queue = new CallbackQueue(db);
            ObjectMapper json = new ObjectMapper();
            ImcloudPacketInterceptor interceptor = new ImcloudPacketInterceptor(archive,
                    InterceptorBenchmark.firewall(InterceptorBenchmark.membershipByShape()), true, p -> { });

            System.out.printf(Locale.ROOT, "offline-message path per message (interceptor read + offline listener), %d measured"
                    + " after %d warm-up, %d rounds, HSQLDB in memory%n", measured, warmup, rounds);
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                System.out.println(" round " + round);
                for (Phase phase : Phase.values()) {
                    clearQueue(db);
                    archive.flush();
                    CallbackDispatcher dispatcher = phase == Phase.NO_HOOK ? null : new CallbackDispatcher(queue, bindings,
                            archive, apps::find, apps::callback, exporter(db, json), json,
                            () -> PushSettings.DEFAULTS, Clock.systemUTC()).start();
                    StoredOffline hook = dispatcher == null ? StoredOffline.NONE : dispatcher;
                    OfflineStateListener offline = new OfflineStateListener(interceptor.archiver(), hook);
                    double[] figures = run(interceptor, offline, phase.app, warmup, measured);
                    results.computeIfAbsent(phase.label, k -> new ArrayList<>()).add(figures);
                    String extra = "";
                    if (dispatcher != null) {
                        Thread.sleep(1000); // the queue catches up with the intake
                        PushHealth h = dispatcher.health(phase.app);
                        extra = String.format(Locale.ROOT, "   [sender thread CPU %.1f µs/message; callbacks: %d pending,"
                                + " %d delivered, %d dead, %d dropped]", senderCpuNanos() / 1000.0 / perPhase,
                                h.pending(), h.delivered(), h.dead(), h.dropped());
                        dispatcher.close();
                    }
                    System.out.printf(Locale.ROOT, "  %-22s median %6.2f µs   p99 %7.2f µs   %8.0f messages/s%s%n",
                            phase.label, figures[0], figures[1], figures[2], extra);
                }
            }
            System.out.println(" medians over the rounds, ratios to \"" + Phase.NO_URL.label + "\" (goal 1.0):");
            double[] limit = rounds == 0 ? null : median(results.get(Phase.NO_URL.label));
            for (Phase phase : rounds == 0 ? new Phase[0] : Phase.values()) {
                double[] m = median(results.get(phase.label));
                System.out.printf(Locale.ROOT, "  %-22s median %6.2f µs (%.2fx)   p99 %7.2f µs (%.2fx)   %8.0f messages/s (%.2fx)%n",
                        phase.label, m[0], m[0] / limit[0], m[1], m[1] / limit[1], m[2], m[2] / limit[2]);
            }
            delivery(db, archive, apps, bindings, queue, json, answering, intProperty("bench.callbacks", 5_000));
        }
    }

    /** CPU time so far of the dispatcher's worker thread (there is one at a time here). */
    /** Callbacks' message objects as the plugin makes them, reading file links from an empty store. */
    private static Function<List<ArchivedMessage>, List<ObjectNode>> exporter(TestDatabase db, ObjectMapper json) throws IOException {
        Path files = Files.createTempDirectory("bench-files");
        files.toFile().deleteOnExit();
        return MessageJson.exporter(json, new Attachments(db, files, Clock.systemUTC(), AttachmentLimits::defaults),
                new FileUrls(() -> "", () -> "http://im.example.com:7070/imcloud"));
    }

    private static long senderCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("imcloud-push-callbacks"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId()))).sum();
    }

    private static void clearQueue(TestDatabase db) throws Exception {
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            st.execute("DELETE FROM ofImPushQueue");
            st.execute("DELETE FROM ofImPushStats");
        }
    }

    /**
     * Callbacks delivered per second from a full queue ({@code count} of them) to a receiver that answers at once,
     * against the limit: the same HTTP client posting bodies of the same size to the same receiver, as many at once as
     * the dispatcher sends for one app, with no database.
     */
    static void delivery(TestDatabase db, SqlArchive archive, AppStore apps, PushBindings bindings, CallbackQueue queue,
                         ObjectMapper json, CallbackReceiver receiver, int count) throws Exception {
        clearQueue(db);
        Map<Long, String> rows = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            long id = archive.nextId();
            archive.append(new ArchivedMessage(id, APP_ANSWERING, "alice", "bob", MessageIds.timestampOf(id), "chat",
                    "Are you there? message " + i, null, null, "d-" + i, DeliveryState.OFFLINE));
            rows.put(id, "bob");
        }
        archive.flush();
        queue.enqueue(APP_ANSWERING, rows, count, System.currentTimeMillis());
        int before = receiver.requests().size();
        long start = System.nanoTime();
        CallbackDispatcher dispatcher = new CallbackDispatcher(queue, bindings, archive, apps::find, apps::callback,
                exporter(db, json), json, () -> PushSettings.DEFAULTS, Clock.systemUTC()).start();
        while (receiver.requests().size() < before + count) { // the receiver's count: no database query competes
            Thread.sleep(5);
        }
        double dispatched = count / ((System.nanoTime() - start) / 1e9);
        dispatcher.close();
        PushHealth health = dispatcher.health(APP_ANSWERING);
        if (health.delivered() != count || receiver.requests().size() != before + count) {
            System.out.println("  (not all delivered exactly once: " + health + ", " + (receiver.requests().size() - before) + " posts)");
        }
        byte[] body = receiver.requests().get(before).body();

        int inFlight = PushSettings.DEFAULTS.inFlightPerApp();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore slots = new Semaphore(inFlight);
        start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            client.sendAsync(HttpRequest.newBuilder(URI.create(receiver.url())).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> slots.release());
        }
        slots.acquire(inFlight);
        double raw = count / ((System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, " delivery from a full queue of %d callbacks to a receiver answering 200 at once (%d at a"
                + " time):%n  dispatcher %8.0f callbacks/s   raw HTTP posts of the same body %8.0f/s   ratio %.2f%n",
                count, inFlight, dispatched, raw, dispatched / raw);
    }

    private enum Phase {
        NO_HOOK("no push hook", APP_NO_URL),
        NO_URL("no callback URL", APP_NO_URL),
        HANGING_RECEIVER("receiver hangs", APP_HANGING),
        ANSWERING_RECEIVER("receiver answers 200", APP_ANSWERING);

        final String label;
        final AppKey app;

        Phase(String label, AppKey app) {
            this.label = label;
            this.app = app;
        }
    }

    /** Median µs, p99 µs and messages/s of the measured messages (alice to offline bob of {@code app}). */
    private static double[] run(ImcloudPacketInterceptor interceptor, OfflineStateListener offline, AppKey app, int warmup,
                                int measured) throws Exception {
        JID alice = new JID(app + "_alice", DOMAIN, "phone");
        JID bob = new JID(app + "_bob", DOMAIN, null);
        ClientSession aliceSession = InterceptorBenchmark.session(alice);
        for (int i = 0; i < warmup; i++) {
            once(interceptor, offline, aliceSession, message(alice, bob, i));
        }
        long[] nanos = new long[measured];
        long started = System.nanoTime();
        for (int i = 0; i < measured; i++) {
            Message m = message(alice, bob, i);
            long start = System.nanoTime();
            once(interceptor, offline, aliceSession, m);
            nanos[i] = System.nanoTime() - start;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Arrays.sort(nanos);
        return new double[] {nanos[measured / 2] / 1000.0, nanos[(int) (measured * 0.99)] / 1000.0, measured / seconds};
    }

    private static void once(ImcloudPacketInterceptor interceptor, OfflineStateListener offline, ClientSession session, Message m)
            throws Exception {
        interceptor.interceptPacket(m, session, true, false);
        interceptor.interceptPacket(m, session, true, true);
        offline.messageStored(m);
    }

    private static Message message(JID from, JID to, int n) {
        Message m = new Message();
        m.setType(Message.Type.chat);
        m.setFrom(from);
        m.setTo(to);
        m.setID("c-" + n);
        m.setBody("Are you there? message " + n);
        return m;
    }

    private static double[] median(List<double[]> rounds) {
        double[] m = new double[3];
        for (int k = 0; k < 3; k++) {
            final int field = k;
            double[] values = rounds.stream().mapToDouble(r -> r[field]).sorted().toArray();
            m[k] = values[values.length / 2];
        }
        return m;
    }
}
