package io.imcloud.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.Archive;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppCallback;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends offline-message callbacks (Easemob's {@code chat_offline} callbacks, for pushes) to the apps' receivers, off
 * the message path.
 * <p>
 * <b>Intake.</b> {@link #messageStoredOffline} runs on Openfire's packet threads: it only puts the message's id into a
 * bounded memory buffer (full: counted as dropped, never waiting). One worker thread takes the buffer in batches,
 * keeps the messages of apps with a callback URL whose receiver has a bound device, and queues them in the database
 * ({@link CallbackQueue}), where nothing is lost over a restart. Stopping the worker first queues what the buffer
 * holds.
 * <p>
 * <b>Sending.</b> The worker claims due rows (a conditional UPDATE: one cluster node sends each) and posts them with the
 * JDK {@link HttpClient}, asynchronously: it never waits for a receiver, at most {@link PushSettings#inFlight()}
 * callbacks are under way at once, and at most {@link PushSettings#inFlightPerApp()} of one app, so a slow or dead
 * receiver holds only its own app's share. The body is built when it is sent (the message from the archive, the
 * receiver's devices as bound then, the chat files that the messages claimed together link read at once) and signed
 * ({@link CallbackSignature}). A 2xx answer delivers it; anything else (a
 * status, a refused connection, no answer within {@link PushSettings#timeout()}) is retried with exponential backoff
 * up to {@link PushSettings#maxAttempts()} attempts, then kept as a dead letter. Delivery is at least once: a node
 * that stops or dies while a callback is under way may send it again later, with the same {@code callId}.
 */
public final class CallbackDispatcher implements StoredOffline, AutoCloseable {

    private static final Logger Log = LoggerFactory.getLogger(CallbackDispatcher.class);

    /** How long dead letters stay in the queue (their count stays for ever). */
    static final long DEAD_KEEP_MILLIS = Duration.ofDays(7).toMillis();
    /** How long delivered callbacks stay in the queue, so that a message stored offline again is not called back twice. */
    static final long DELIVERED_KEEP_MILLIS = Duration.ofDays(1).toMillis();
    private static final long PRUNE_EVERY_MILLIS = Duration.ofHours(1).toMillis();
    /** Offline messages taken from the buffer at a time. */
    private static final int INTAKE_BATCH = 500;
    /** Most rows read per look at the queue. */
    private static final int DUE_BATCH = 100;
    /**
     * A queued message the archive does not have yet (a writer, on this or another node, has not committed it) is
     * looked for again every {@value #MESSAGE_RETRY_MILLIS} ms, for {@value #MESSAGE_WAIT_MILLIS} ms from its queueing;
     * after that it is taken as deleted (its user, or retention) and its callback dropped.
     */
    private static final long MESSAGE_RETRY_MILLIS = 200;
    private static final long MESSAGE_WAIT_MILLIS = 120_000;
    /** Beyond the attempt's timeout, how long the lease of a claimed row lasts (then another node may take it). */
    private static final long LEASE_MARGIN_MILLIS = 30_000;
    /** How long {@link #close()} lets callbacks under way finish. */
    private static final long CLOSE_GRACE_MILLIS = 2_000;
    private static final long LOG_EVERY_MILLIS = 60_000;
    /** How long the worker, woken by a message stored offline, waits for more before it takes them. */
    private static final long INTAKE_LINGER_MILLIS = 10;

    private final CallbackQueue queue;
    private final PushBindings bindings;
    private final Archive archive;
    private final Function<AppKey, Optional<App>> apps;
    private final Function<AppKey, Optional<AppCallback>> callbacks;
    private final Function<List<ArchivedMessage>, List<ObjectNode>> exporter;
    private final ObjectMapper json;
    private final Supplier<PushSettings> settings;
    private final Clock clock;
    /** This sender's name in the leases of the rows it claims; new at every start. */
    private final String owner = UUID.randomUUID().toString();

    private final ArrayBlockingQueue<Offline> intake;
    private final ConcurrentHashMap<AppKey, LongAdder> intakeDropped = new ConcurrentHashMap<>();
    private final AtomicLong lastOverflowWarning = new AtomicLong(Long.MIN_VALUE);
    private final ConcurrentLinkedQueue<Done> completions = new ConcurrentLinkedQueue<>();
    private final Semaphore wake = new Semaphore(0);
    /** Set by the first message put into the buffer since the worker last took from it; the worker clears it. */
    private final AtomicBoolean intakeSignalled = new AtomicBoolean();
    private volatile boolean stopping;
    private Thread worker;

    // --- the worker thread's own state -------------------------------------------------------------------------
    private final List<Offline> carried = new ArrayList<>();
    private final Deque<Done> unrecorded = new ArrayDeque<>();
    private final Map<Long, Sending> inFlight = new HashMap<>();
    private final Map<AppKey, Integer> inFlightPerApp = new HashMap<>();
    private final List<CallbackQueue.Entry> backlog = new ArrayList<>();
    private long backlogReadAt;
    private long dropsCountedAt;
    /** Whether rows may have become due or sendable since the backlog was read (queued, finished, deferred). */
    private boolean backlogChanged = true;
    /** Apps whose queue was found full, until when that is believed without asking again. */
    private final Map<AppKey, Long> fullUntil = new HashMap<>();
    private final Set<AppKey> failingApps = new HashSet<>();
    private final Map<AppKey, Integer> deadSinceLogged = new HashMap<>();
    private final Map<AppKey, Long> queueFullLogged = new HashMap<>();
    private long deadLoggedAt;
    private boolean databaseFailing;
    private ExecutorService httpExecutor;
    private HttpClient http;

    /**
     * @param apps      an app by key (the store's cached view), to skip apps without a callback URL cheaply
     * @param callbacks an app's callback URL and secret as the database has them now
     * @param exporter  Easemob's export records of messages ({@code msg_id, timestamp, from, to, chat_type, payload}), in
     *                  their order, made for the callbacks claimed together
     * @param settings  asked at every step, so that changed settings apply at once (the intake's size only at start)
     */
    public CallbackDispatcher(CallbackQueue queue, PushBindings bindings, Archive archive, Function<AppKey, Optional<App>> apps,
                              Function<AppKey, Optional<AppCallback>> callbacks, Function<List<ArchivedMessage>, List<ObjectNode>> exporter,
                              ObjectMapper json, Supplier<PushSettings> settings, Clock clock) {
        this.queue = queue;
        this.bindings = bindings;
        this.archive = archive;
        this.apps = apps;
        this.callbacks = callbacks;
        this.exporter = exporter;
        this.json = json;
        this.settings = settings;
        this.clock = clock;
        this.intake = new ArrayBlockingQueue<>(settings.get().intakeCapacity());
    }

    /** Starts the worker thread; returns this. */
    public synchronized CallbackDispatcher start() {
        if (worker != null) {
            throw new IllegalStateException("already started");
        }
        worker = new Thread(this::run, "imcloud-push-callbacks");
        worker.setDaemon(true);
        worker.start();
        return this;
    }

    /**
     * Never blocks: the message goes to the intake buffer, or is counted as dropped when the buffer is full. The worker
     * is woken only by the first message since it last looked at the buffer (waking a parked thread costs the caller a
     * system call; the others are taken with the first).
     */
    @Override
    public void messageStoredOffline(AppUser receiver, long msgId) {
        if (!stopping && intake.offer(new Offline(receiver, msgId))) {
            if (!intakeSignalled.getAndSet(true)) {
                wake.release();
            }
            return;
        }
        intakeDropped.computeIfAbsent(receiver.appKey(), k -> new LongAdder()).increment();
        long now = clock.millis();
        long last = lastOverflowWarning.get();
        if (now - last >= LOG_EVERY_MILLIS && lastOverflowWarning.compareAndSet(last, now)) {
            Log.warn("imcloud: the offline-message callback intake is full ({} messages){}; callbacks are dropped and counted",
                    intake.size(), stopping ? " or stopping" : "");
        }
    }

    /** Every app's callback health that has any: pending, delivered, dead, dropped (those of this node's intake too). */
    public Map<AppKey, PushHealth> health() {
        Map<AppKey, PushHealth> health = new HashMap<>(queue.health());
        intakeDropped.forEach((app, n) -> health.merge(app, PushHealth.NONE.plusDropped(n.sum()),
                (a, b) -> a.plusDropped(b.dropped())));
        return health;
    }

    /** One app's callback health. */
    public PushHealth health(AppKey app) {
        LongAdder dropped = intakeDropped.get(app);
        return queue.health(app).plusDropped(dropped == null ? 0 : dropped.sum());
    }

    /**
     * Stops the worker: what the intake buffer holds is queued in the database, callbacks under way get a moment
     * to finish, the rest are cancelled and their rows given back (due at once for the next start or another node).
     */
    @Override
    public void close() {
        Thread w;
        synchronized (this) {
            stopping = true;
            w = worker;
        }
        wake.release();
        if (w == null) {
            return;
        }
        try {
            w.join(CLOSE_GRACE_MILLIS + 30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (w.isAlive()) {
            Log.warn("imcloud: the offline-message callback sender did not stop in time; interrupting it");
            w.interrupt();
        }
    }

    // --- worker ----------------------------------------------------------------------------------------------

    private void run() {
        long nextPrune = 0;
        long pause = 0;
        while (true) {
            boolean last = stopping;
            boolean more = false;
            try {
                recordCompletions();
                cancelOverdue();
                more = takeIntake(last);
                countIntakeDrops(last);
                if (!last) {
                    more |= dispatch();
                }
                long now = clock.millis();
                if (now >= nextPrune) {
                    queue.prune(now - DELIVERED_KEEP_MILLIS, now - DEAD_KEEP_MILLIS);
                    nextPrune = now + PRUNE_EVERY_MILLIS;
                }
                logDeadLetters(now);
                if (databaseFailing) {
                    databaseFailing = false;
                    Log.info("imcloud: offline-message callbacks reach the database again");
                }
                pause = 0;
            } catch (RuntimeException | LinkageError e) {
                // LinkageError too: the worker must outlive a driver class the database layer cannot load
                if (!databaseFailing) {
                    databaseFailing = true;
                    Log.warn("imcloud: offline-message callbacks cannot use the database; retrying: {}", e.toString());
                }
                pause = Math.min(5_000, Math.max(100, pause * 2));
            }
            if (last) {
                finish();
                return;
            }
            if (!more || pause > 0) {
                await(pause > 0 ? pause : settings.get().poll().toMillis());
                if (intakeSignalled.get() && completions.isEmpty()) {
                    // Woken by a message stored offline: linger a moment, so that what arrives meanwhile is taken
                    // together and its senders find the worker awake (no wake-up of a parked thread to pay).
                    sleep(INTAKE_LINGER_MILLIS);
                }
            }
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            stopping = true;
        }
    }

    private void await(long millis) {
        try {
            if (wake.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            stopping = true;
        }
    }

    /**
     * Queues what the buffer holds (everything when {@code all}), keeping what the database did not take for later;
     * true when the buffer holds more than one batch took.
     */
    private boolean takeIntake(boolean all) {
        // cleared before taking: a message put in after this wakes the worker again, one put in before is taken now
        intakeSignalled.set(false);
        List<Offline> batch = new ArrayList<>(carried);
        carried.clear();
        intake.drainTo(batch, all ? Integer.MAX_VALUE : INTAKE_BATCH);
        if (batch.isEmpty()) {
            return false;
        }
        Map<AppKey, Map<Long, String>> byApp = new LinkedHashMap<>();
        for (Offline o : batch) {
            byApp.computeIfAbsent(o.receiver().appKey(), k -> new LinkedHashMap<>()).put(o.msgId(), o.receiver().username());
        }
        long now = clock.millis();
        PushSettings s = settings.get();
        Iterator<Map.Entry<AppKey, Map<Long, String>>> apps = byApp.entrySet().iterator();
        try {
            while (apps.hasNext()) {
                Map.Entry<AppKey, Map<Long, String>> app = apps.next();
                enqueue(app.getKey(), app.getValue(), s, now);
                apps.remove();
            }
        } catch (RuntimeException e) {
            byApp.forEach((app, messages) -> messages.forEach((id, user) -> carried.add(new Offline(new AppUser(app, user), id))));
            throw e;
        }
        return !intake.isEmpty();
    }

    private void enqueue(AppKey key, Map<Long, String> messages, PushSettings s, long now) {
        Optional<App> app = apps.apply(key);
        if (app.isEmpty() || !app.get().hasCallback()) {
            return;
        }
        Set<String> withDevices = bindings.withDevices(key, messages.values());
        Map<Long, String> pushed = new LinkedHashMap<>();
        messages.forEach((id, user) -> {
            if (withDevices.contains(user)) {
                pushed.put(id, user);
            }
        });
        if (pushed.isEmpty()) {
            return;
        }
        if (now < fullUntil.getOrDefault(key, Long.MIN_VALUE)) {
            // found full a moment ago (a dead receiver): dropped without asking the database each time
            intakeDropped.computeIfAbsent(key, k -> new LongAdder()).add(pushed.size());
            return;
        }
        CallbackQueue.Enqueued result = queue.enqueue(key, pushed, s.queuePerApp(), now);
        if (result.queued() > 0 && inFlightPerApp.getOrDefault(key, 0) < s.inFlightPerApp()) {
            backlogChanged = true; // (an app with all its callbacks under way can send none of these now)
        }
        if (result.pending() >= s.queuePerApp()) {
            fullUntil.put(key, now + s.poll().toMillis());
        } else {
            fullUntil.remove(key);
        }
        if (result.dropped() > 0 && now - queueFullLogged.getOrDefault(key, Long.MIN_VALUE / 2) >= LOG_EVERY_MILLIS) {
            queueFullLogged.put(key, now);
            Log.warn("imcloud: the callback queue of app {} is full ({} waiting); {} callbacks dropped and counted", key,
                    s.queuePerApp(), result.dropped());
        }
    }

    /**
     * Adds the drops counted in memory to the database's counts, for apps with a callback URL (the others lose
     * nothing), at most once per poll interval unless {@code now}.
     */
    private void countIntakeDrops(boolean now) {
        long time = clock.millis();
        if (!now && time - dropsCountedAt < settings.get().poll().toMillis()) {
            return;
        }
        dropsCountedAt = time;
        for (Map.Entry<AppKey, LongAdder> e : intakeDropped.entrySet()) {
            long n = e.getValue().sum();
            if (n == 0) {
                continue;
            }
            if (apps.apply(e.getKey()).map(App::hasCallback).orElse(false)) {
                queue.addDropped(e.getKey(), n);
            }
            e.getValue().add(-n);
        }
    }

    /**
     * Claims due callbacks up to the in-flight bounds and starts them; true when more may be due at once. Due rows are
     * read a batch at a time into a local backlog, which later turns take from (a claim of a row another node took in
     * between simply fails); the backlog is read anew when nothing in it may be sent now or it is older than the poll
     * interval, leaving out the apps that have all the callbacks under way they may.
     */
    private boolean dispatch() {
        PushSettings s = settings.get();
        if (inFlight.size() >= s.inFlight()) {
            return false;
        }
        long now = clock.millis();
        List<CallbackQueue.Entry> picked = pick(s);
        boolean read = false;
        if (picked.isEmpty() && backlogChanged || now - backlogReadAt >= s.poll().toMillis()) {
            backlogChanged = false;
            Set<AppKey> saturated = new HashSet<>();
            inFlightPerApp.forEach((app, n) -> {
                if (n >= s.inFlightPerApp()) {
                    saturated.add(app);
                }
            });
            backlog.clear();
            backlog.addAll(queue.due(now, DUE_BATCH, saturated));
            backlogReadAt = now;
            read = true;
            picked = pick(s);
        }
        if (picked.isEmpty()) {
            return false;
        }
        long leaseUntil = now + 2 * s.timeout().toMillis() + LEASE_MARGIN_MILLIS;
        Map<AppKey, Optional<AppCallback>> targets = new HashMap<>();
        Map<AppUser, List<DeviceBinding>> devices = new HashMap<>();
        List<Ready> ready = new ArrayList<>();
        try {
            for (CallbackQueue.Entry entry : queue.claim(picked, owner, now, leaseUntil)) {
                prepare(entry, targets.computeIfAbsent(entry.appKey(), callbacks), devices, now).ifPresent(ready::add);
            }
        } finally {
            // those prepared before a failure go out still, as they did when each was sent as soon as it was prepared
            start(ready, s);
        }
        return read && backlog.size() + picked.size() >= DUE_BATCH && inFlight.size() < s.inFlight();
    }

    /** Takes from the backlog what may be sent now: within the free places, and each app's. */
    private List<CallbackQueue.Entry> pick(PushSettings s) {
        int free = s.inFlight() - inFlight.size();
        Map<AppKey, Integer> taken = new HashMap<>();
        List<CallbackQueue.Entry> picked = new ArrayList<>();
        for (Iterator<CallbackQueue.Entry> i = backlog.iterator(); i.hasNext() && picked.size() < free; ) {
            CallbackQueue.Entry e = i.next();
            int app = inFlightPerApp.getOrDefault(e.appKey(), 0) + taken.getOrDefault(e.appKey(), 0);
            if (inFlight.containsKey(e.msgId())) {
                i.remove();
            } else if (app < s.inFlightPerApp()) {
                picked.add(e);
                taken.merge(e.appKey(), 1, Integer::sum);
                i.remove();
            }
        }
        return picked;
    }

    /**
     * What a claimed callback is sent with: its app's receiver, its message and its receiver's devices; empty when it is
     * not to be sent now (dropped, or deferred until its message is archived).
     */
    private Optional<Ready> prepare(CallbackQueue.Entry entry, Optional<AppCallback> target,
                                    Map<AppUser, List<DeviceBinding>> boundDevices, long now) {
        if (target.isEmpty()) {
            Log.debug("Callback {} dropped: its app has no callback URL any more", entry.callId());
            queue.discard(entry, owner);
            return Optional.empty();
        }
        Optional<ArchivedMessage> message = archive.find(entry.appKey(), entry.msgId());
        if (message.isEmpty()) {
            if (now - entry.created() < MESSAGE_WAIT_MILLIS) {
                queue.defer(entry, owner, now + MESSAGE_RETRY_MILLIS);
                backlogChanged = true;
            } else {
                Log.debug("Callback {} dropped: its message is no longer archived", entry.callId());
                queue.discard(entry, owner);
            }
            return Optional.empty();
        }
        List<DeviceBinding> devices = boundDevices.computeIfAbsent(new AppUser(entry.appKey(), entry.username()), bindings::list);
        if (devices.isEmpty()) {
            Log.debug("Callback {} dropped: its user has no bound device any more", entry.callId());
            queue.discard(entry, owner);
            return Optional.empty();
        }
        return Optional.of(new Ready(entry, target.get(), message.get(), devices));
    }

    /**
     * Starts the sends of {@code ready}, their messages' export records made together (the files they link read at
     * once); when those cannot be made, each send fails as its own would have.
     */
    private void start(List<Ready> ready, PushSettings s) {
        if (ready.isEmpty()) {
            return;
        }
        List<ObjectNode> records;
        try {
            records = exporter.apply(ready.stream().map(Ready::message).toList());
        } catch (RuntimeException e) {
            for (Ready r : ready) {
                track(r.entry(), CompletableFuture.failedFuture(e), s);
            }
            return;
        }
        for (int i = 0; i < ready.size(); i++) {
            start(ready.get(i), records.get(i), s);
        }
    }

    private void start(Ready ready, ObjectNode record, PushSettings s) {
        CallbackQueue.Entry entry = ready.entry();
        CompletableFuture<HttpResponse<Void>> sent;
        try {
            byte[] body = body(entry, ready.message(), record, ready.devices());
            String timestamp = Long.toString(clock.millis());
            HttpRequest request = HttpRequest.newBuilder(URI.create(ready.target().url()))
                    .timeout(s.timeout())
                    .header("Content-Type", "application/json; charset=UTF-8")
                    .header("User-Agent", "imcloud-callback")
                    .header(CallbackSignature.TIMESTAMP_HEADER, timestamp)
                    .header(CallbackSignature.SIGNATURE_HEADER, CallbackSignature.sign(ready.target().secret(), timestamp, body))
                    .header(CallbackSignature.CALLBACK_ID_HEADER, entry.callId())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            sent = client(s).sendAsync(request, HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        track(entry, sent, s);
    }

    /** Counts {@code sent} as under way until it completes. */
    private void track(CallbackQueue.Entry entry, CompletableFuture<HttpResponse<Void>> sent, PushSettings s) {
        Sending sending = new Sending(entry, sent, System.nanoTime() + 2 * s.timeout().toNanos());
        inFlight.put(entry.msgId(), sending);
        inFlightPerApp.merge(entry.appKey(), 1, Integer::sum);
        sent.whenComplete((response, error) -> {
            completions.add(new Done(entry, response == null ? -1 : response.statusCode(), error));
            wake.release();
        });
    }

    /**
     * The callback's JSON: Easemob's {@code chat_offline} callback ({@code callId, eventType, timestamp, appkey}, then the
     * message's export {@code record} {@code msg_id, from, to, chat_type, payload}) with the receiver's {@code devices}.
     */
    private byte[] body(CallbackQueue.Entry entry, ArchivedMessage message, ObjectNode record, List<DeviceBinding> devices) {
        ObjectNode body = json.createObjectNode();
        body.put("callId", entry.callId());
        body.put("eventType", "chat_offline");
        body.put("timestamp", message.sentAt());
        body.put("appkey", entry.appKey().toString());
        body.setAll(record);
        ArrayNode list = body.putArray("devices");
        for (DeviceBinding d : devices) {
            list.addObject().put("device_id", d.deviceId()).put("device_token", d.deviceToken())
                    .put("notifier_name", d.notifierName());
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A callback body cannot be written", e);
        }
    }

    /** Cancels sends whose receiver took more than twice the timeout (the request timeout covers only the headers). */
    private void cancelOverdue() {
        long now = System.nanoTime();
        for (Sending s : inFlight.values()) {
            if (now - s.deadlineNanos() > 0) {
                s.future().cancel(true);
            }
        }
    }

    /**
     * Records the outcome of finished sends, the delivered ones in one transaction; what the database did not take is
     * recorded at the next turn.
     */
    private void recordCompletions() {
        for (Done d; (d = completions.poll()) != null; ) {
            unrecorded.add(d);
        }
        if (unrecorded.isEmpty()) {
            return;
        }
        List<CallbackQueue.Entry> delivered = new ArrayList<>();
        for (Done d : unrecorded) {
            if (d.delivered()) {
                delivered.add(d.entry());
            }
        }
        if (!delivered.isEmpty()) {
            queue.delivered(delivered, owner, clock.millis());
            for (CallbackQueue.Entry e : delivered) {
                if (failingApps.remove(e.appKey())) {
                    Log.info("imcloud: offline-message callbacks of app {} are delivered again", e.appKey());
                }
            }
            unrecorded.removeIf(Done::delivered);
            delivered.forEach(this::finished);
        }
        PushSettings s = settings.get();
        while (!unrecorded.isEmpty()) {
            Done d = unrecorded.peek();
            recordFailure(d, s);
            unrecorded.remove();
            finished(d.entry());
        }
    }

    private void finished(CallbackQueue.Entry entry) {
        backlogChanged = true;
        if (inFlight.remove(entry.msgId()) != null) {
            inFlightPerApp.computeIfPresent(entry.appKey(), (app, n) -> n > 1 ? n - 1 : null);
        }
    }

    private void recordFailure(Done d, PushSettings s) {
        CallbackQueue.Entry entry = d.entry();
        AppKey app = entry.appKey();
        String error = d.error() == null ? "HTTP " + d.status() : describe(d.error());
        int attempts = entry.attempts() + 1;
        long now = clock.millis();
        if (attempts >= s.maxAttempts()) {
            queue.dead(entry, owner, attempts, error, now);
            deadSinceLogged.merge(app, 1, Integer::sum);
        } else {
            queue.retry(entry, owner, attempts, now + s.retryAfter(attempts).toMillis(), error);
        }
        if (failingApps.add(app)) {
            Log.warn("imcloud: offline-message callbacks of app {} fail ({}); retrying with backoff", app, error);
        }
    }

    private void logDeadLetters(long now) {
        if (deadSinceLogged.isEmpty() || now - deadLoggedAt < LOG_EVERY_MILLIS) {
            return;
        }
        deadLoggedAt = now;
        deadSinceLogged.forEach((app, n) -> Log.warn("imcloud: {} offline-message callbacks of app {} gave up after {}"
                + " attempts (dead letters, counted)", n, app, settings.get().maxAttempts()));
        deadSinceLogged.clear();
    }

    private static String describe(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof CancellationException) {
            return "no complete answer within the timeout";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** The last turn: queue the intake, let sends under way finish for a moment, give back the rest. */
    private void finish() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MILLIS);
        while (!inFlight.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                wake.tryAcquire(20, TimeUnit.MILLISECONDS);
                recordCompletions();
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                break;
            }
        }
        inFlight.values().forEach(s -> s.future().cancel(true));
        try {
            // what finished meanwhile is recorded; what was cancelled is given back below, due at once, no attempt counted
            completions.removeIf(d -> d.error() instanceof CancellationException);
            recordCompletions();
        } catch (RuntimeException | LinkageError e) {
            Log.debug("Could not record the last callbacks' outcome; they are given back", e);
        }
        try {
            takeIntake(true);
            countIntakeDrops(true);
        } catch (RuntimeException | LinkageError e) {
            Log.warn("imcloud: {} offline-message callbacks could not be queued before stopping (database: {})",
                    carried.size() + intake.size(), e.toString());
        }
        try {
            int released = queue.release(owner);
            if (released > 0) {
                Log.debug("Gave back {} callbacks under way", released);
            }
        } catch (RuntimeException | LinkageError e) {
            Log.warn("imcloud: could not give back the callbacks under way; they are sent again once their lease ends: {}",
                    e.toString());
        }
        closeClient();
    }

    private HttpClient client(PushSettings s) {
        if (http == null) {
            httpExecutor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "imcloud-push-http");
                t.setDaemon(true);
                return t;
            });
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(s.timeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(httpExecutor)
                    .build();
        }
        return http;
    }

    /**
     * Stops the client's threads: our executor's at once; the JDK's own selector thread through {@code shutdownNow}
     * where the JDK has it (21 and later), else it ends by itself once the client is unreachable (JDK 17).
     */
    private void closeClient() {
        if (http == null) {
            return;
        }
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(http);
        } catch (NoSuchMethodException e) {
            // JDK 17: no shutdown; the selector thread exits once the client is collected
        } catch (ReflectiveOperationException | RuntimeException e) {
            Log.debug("HttpClient.shutdownNow failed", e);
        }
        http = null;
        httpExecutor.shutdownNow();
        httpExecutor = null;
    }

    /** A message stored offline, waiting in the intake buffer. */
    private record Offline(AppUser receiver, long msgId) {
    }

    /** A claimed callback to send: its app's receiver, its message and its receiver's devices. */
    private record Ready(CallbackQueue.Entry entry, AppCallback target, ArchivedMessage message, List<DeviceBinding> devices) {
    }

    /** A callback under way. */
    private record Sending(CallbackQueue.Entry entry, CompletableFuture<HttpResponse<Void>> future, long deadlineNanos) {
    }

    /** A finished send: the status (-1 without answer) or the error. */
    private record Done(CallbackQueue.Entry entry, int status, Throwable error) {
        boolean delivered() {
            return error == null && status >= 200 && status < 300;
        }
    }
}
