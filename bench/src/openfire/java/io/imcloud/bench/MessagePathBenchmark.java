package io.imcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.it.OpenfireDatabase;
import io.imcloud.it.OpenfireServer;
import io.imcloud.it.RestClient;
import io.imcloud.it.XmppClient;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The message path's cost on the real server: a Smack load (sender/receiver pairs of one app's
 * users, chat messages) against a real Openfire ({@code $OPENFIRE_HOME}) without the plugin and with
 * {@code target/imcloud.jar}, alternating, on a fresh server each run. For each run: messages/s from
 * the first send to the last receipt (with the plugin: until the last message of every pair is also
 * committed to the archive, asked over REST by its stanza-id), and Openfire's own CPU time per message
 * (from {@code /proc}, the steadier figure on shared cores). Then the server idles for
 * {@value #SETTLE_SECONDS} s, long enough for the plugin's counter fold to count everything, and that
 * window's CPU is printed for both servers (it is not a clean measure of the fold: the stock server
 * spends seconds of JIT and GC there too). After it, every receiver's unread count must equal what it
 * was sent. Prints the medians and the plugin's ratios to stock: goals throughput &gt;= 0.97 and CPU per
 * message &lt;= 1.10; and the CPU per message outside the JIT compiler threads, whose share (each run prints it)
 * is whichever large methods happen to be compiled during the measured messages.
 * <p>
 * {@code mvn -B -Pintegration,bench package exec:java -Dexec.mainClass=io.imcloud.bench.MessagePathBenchmark}
 * with {@code -Dbench.pairs=4 -Dbench.messages=20000 -Dbench.warmup=300000 -Dbench.rounds=5}, and {@code -Dbench.rate=N}
 * to send the warm-up and the measured messages at N a second. Openfire's database is
 * its embedded HSQLDB, in Openfire's own process (so the archive's database work counts as Openfire's CPU); with
 * {@code -Dbench.postgres=jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres} it is a fresh PostgreSQL
 * database per run, whose work is the database server's.
 */
public final class MessagePathBenchmark {

    private static final int PAIRS = Integer.getInteger("bench.pairs", 4);
    private static final int MESSAGES = Integer.getInteger("bench.messages", 20_000);
    /**
     * Messages sent before the measured ones. A fresh JVM compiles what it runs hot, and the plugin's server has more
     * to compile (the plugin's and its database's classes, loaded just before the load): after 2,000 or 20,000
     * messages, flight recordings of its run still showed Openfire's own stanza parser running interpreted, so the
     * comparison measured the compile queue. After 100,000 sent at 4,000 a second, the plugin's server still compiled
     * during the measured messages, 0.03-0.09 ms of each (stock 0.002): a flight recording showed the PostgreSQL
     * driver's batch methods, which the writer runs a few hundred times a second, compiled then, and Netty's write path
     * compiled a second or third time; after 300,000, 0.004-0.013 ms. They are sent at
     * {@code bench.rate} too: what a load makes hot depends on its pace, and warmed up at full speed both servers still
     * compiled during paced measured messages, about 0.1 ms a message, nearly half of stock's CPU.
     */
    private static final int WARMUP = Integer.getInteger("bench.warmup", 300_000);
    private static final int WARMUP_BATCH = 10_000;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    /**
     * Messages per second over all pairs for the measured messages, 0 for as fast as the senders can. At full speed the
     * CPU per message also depends on the speed reached: Netty's I/O threads wake for fewer messages at a time when the
     * server (and, on shared cores, the database and the clients) is slower. Both servers sent at one rate below
     * either's limit compare the work each message costs alone.
     */
    private static final int RATE = Integer.getInteger("bench.rate", 0);
    private static final String POSTGRES = System.getProperty("bench.postgres", "");
    private static final String PASSWORD = "bench-Pass1";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);
    /** The counter fold runs every 10 s over messages older than 5 s: after 16 s it has folded everything. */
    private static final int SETTLE_SECONDS = 16;

    private MessagePathBenchmark() {
    }

    /** Thread names (as {@link OpenfireServer#cpuTimeByThreadGroup} groups them) of the JVM's JIT compilers. */
    private static final String COMPILER_THREADS = "CN CompilerThre";

    /**
     * One run's figures; {@code compilerMillisPerMessage} is the part of {@code cpuMillisPerMessage} spent by the JIT
     * compiler threads, which still compile after the warm-up (on stock too), a few large methods at a time.
     */
    record Run(double messagesPerSecond, double cpuMillisPerMessage, double compilerMillisPerMessage, double settleCpuMillis) {

        double outsideCompilerMillisPerMessage() {
            return cpuMillisPerMessage - compilerMillisPerMessage;
        }
    }

    public static void main(String[] args) throws Exception {
        if (!OpenfireServer.distributionPresent()) {
            System.out.println("MessagePathBenchmark: no Openfire distribution at " + OpenfireServer.distribution());
            return;
        }
        Path jar = Path.of(System.getProperty("imcloud.jar", "target/imcloud.jar"));
        System.out.printf("Message path on Openfire %s (%s): %d pairs, %d messages (after %d warm-up) %s, %d rounds alternating%n",
                OpenfireServer.distributionVersion(), POSTGRES.isEmpty() ? "embedded HSQLDB" : "PostgreSQL", PAIRS, MESSAGES,
                WARMUP, RATE > 0 ? "sent at " + RATE + " msg/s" : "sent as fast as the senders can", ROUNDS);
        List<Run> stock = new ArrayList<>();
        List<Run> plugin = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            boolean pluginFirst = round % 2 == 1;
            for (boolean withPlugin : pluginFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                Run run;
                try {
                    run = runOnce(withPlugin ? jar : null);
                } catch (IncompleteRunException e) {
                    System.out.printf("  round %d %-12s left out: %s%n", round + 1, withPlugin ? "with plugin" : "stock",
                            e.getMessage());
                    continue;
                }
                (withPlugin ? plugin : stock).add(run);
                System.out.printf("  round %d %-12s %8.0f msg/s   Openfire CPU %.3f ms/msg (JIT %.3f)   %d s after: %.0f ms CPU%n",
                        round + 1, withPlugin ? "with plugin" : "stock", run.messagesPerSecond(), run.cpuMillisPerMessage(),
                        run.compilerMillisPerMessage(), SETTLE_SECONDS, run.settleCpuMillis());
            }
        }
        double stockRate = median(stock.stream().mapToDouble(Run::messagesPerSecond).toArray());
        double pluginRate = median(plugin.stream().mapToDouble(Run::messagesPerSecond).toArray());
        double stockCpu = median(stock.stream().mapToDouble(Run::cpuMillisPerMessage).toArray());
        double pluginCpu = median(plugin.stream().mapToDouble(Run::cpuMillisPerMessage).toArray());
        System.out.printf("median stock        %8.0f msg/s   CPU %.3f ms/msg   %d s after: %.0f ms CPU%n", stockRate, stockCpu,
                SETTLE_SECONDS, median(stock.stream().mapToDouble(Run::settleCpuMillis).toArray()));
        System.out.printf("median with plugin  %8.0f msg/s   CPU %.3f ms/msg   %d s after: %.0f ms CPU%n", pluginRate, pluginCpu,
                SETTLE_SECONDS, median(plugin.stream().mapToDouble(Run::settleCpuMillis).toArray()));
        System.out.printf("throughput ratio %.3f (goal >= 0.97%s)   CPU per message ratio %.3f (goal <= 1.10)%n",
                pluginRate / stockRate, RATE > 0 ? "; paced, so both near the rate set" : "", pluginCpu / stockCpu);
        double stockOutside = median(stock.stream().mapToDouble(Run::outsideCompilerMillisPerMessage).toArray());
        double pluginOutside = median(plugin.stream().mapToDouble(Run::outsideCompilerMillisPerMessage).toArray());
        System.out.printf("outside the JIT compiler threads: stock %.3f ms/msg, with plugin %.3f ms/msg, ratio %.3f%n",
                stockOutside, pluginOutside, pluginOutside / stockOutside);
    }

    private static Run runOnce(Path pluginJar) throws Exception {
        List<String> senders = new ArrayList<>();
        List<String> receivers = new ArrayList<>();
        for (int i = 1; i <= PAIRS; i++) {
            senders.add("s" + i);
            receivers.add("r" + i);
        }
        List<String> accounts = new ArrayList<>();
        if (pluginJar == null) {
            senders.forEach(u -> accounts.add("acme#chat_" + u));
            receivers.forEach(u -> accounts.add("acme#chat_" + u));
        }
        OpenfireServer.requireFreePorts(OpenfireServer.Options.defaults()); // before a fresh database drops the one in use
        OpenfireDatabase database = POSTGRES.isEmpty() ? OpenfireDatabase.embedded()
                : OpenfireDatabase.freshPostgres(POSTGRES, "imcloud_bench");
        try (OpenfireServer server = OpenfireServer.prepare("bench", database, accounts)) {
            RestClient rest = new RestClient(OpenfireServer.HTTP_PORT);
            String appToken = null;
            if (pluginJar != null) {
                server.installPlugin(pluginJar);
                OpenfireServer.LogMark start = server.start();
                server.awaitLog(start, "Successfully loaded plugin 'imcloud", Duration.ofSeconds(60));
                appToken = registerUsers(rest, senders, receivers);
            } else {
                server.start();
            }
            String password = pluginJar == null ? null : PASSWORD;
            List<XmppClient> senderClients = new ArrayList<>();
            List<XmppClient> receiverClients = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                senderClients.add(login(senders.get(i), password));
                receiverClients.add(login(receivers.get(i), password));
            }
            try {
                // in batches, each archived before the next: a cold server must not fill the archive queue
                int warmedUp = 0; // each pair sends its whole share of a batch: what the counters must show
                for (int sent = 0; sent < WARMUP; sent += WARMUP_BATCH) {
                    int batch = Math.min(WARMUP_BATCH, WARMUP - sent);
                    List<String> warmIds = send(senderClients, receiverClients, receivers, batch, "warm", RATE);
                    warmedUp += batch / PAIRS * PAIRS;
                    if (appToken != null) {
                        awaitArchived(rest, appToken, receivers, warmIds);
                    }
                }
                Duration cpuBefore = server.cpuTime();
                Map<String, Duration> threadsBefore = server.cpuTimeByThreadGroup();
                MachineCpu machineBefore = MachineCpu.now();
                long started = System.nanoTime();
                List<String> lastIds = send(senderClients, receiverClients, receivers, MESSAGES, "load", RATE);
                double deliveredSeconds = (System.nanoTime() - started) / 1e9;
                if (appToken != null) {
                    awaitArchived(rest, appToken, receivers, lastIds);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                Duration cpuAtEnd = server.cpuTime();
                MachineCpu machine = MachineCpu.now().minus(machineBefore);
                Map<String, Duration> threadsAtEnd = server.cpuTimeByThreadGroup();
                printThreadGroups(threadsBefore, threadsAtEnd, pluginJar != null);
                printMachine(machine, cpuAtEnd.minus(cpuBefore), deliveredSeconds, seconds);
                Duration compiler = threadsAtEnd.getOrDefault(COMPILER_THREADS, Duration.ZERO)
                        .minus(threadsBefore.getOrDefault(COMPILER_THREADS, Duration.ZERO));
                Thread.sleep(SETTLE_SECONDS * 1000L);
                double settleMillis = server.cpuTime().minus(cpuAtEnd).toNanos() / 1e6;
                if (appToken != null) {
                    requireCounted(rest, appToken, senders, receivers, (warmedUp + MESSAGES / PAIRS * PAIRS) / PAIRS);
                }
                return new Run(MESSAGES / seconds, cpuAtEnd.minus(cpuBefore).toNanos() / 1e6 / MESSAGES,
                        compiler.toNanos() / 1e6 / MESSAGES, settleMillis);
            } catch (IncompleteRunException e) {
                List<String> warnings = OpenfireServer.logLines(server.logSince(new OpenfireServer.LogMark(0)), "WARN", "imcloud");
                throw new IncompleteRunException(e.getMessage() + "; the plugin's warnings: " + warnings);
            } finally {
                senderClients.forEach(XmppClient::close);
                receiverClients.forEach(XmppClient::close);
            }
        }
    }

    /** Where the load's CPU went: each thread group's ms per 1,000 messages, the busiest first. */
    private static void printThreadGroups(Map<String, Duration> before, Map<String, Duration> after, boolean withPlugin) {
        StringBuilder line = new StringBuilder(withPlugin ? "    with plugin, ms CPU per 1000 msg:" : "    stock, ms CPU per 1000 msg:");
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().minus(before.getOrDefault(e.getKey(), Duration.ZERO))))
                .filter(e -> e.getValue().toMillis() * 1000L / MESSAGES >= 1)
                .sorted(Map.Entry.<String, Duration>comparingByValue().reversed())
                .forEach(e -> line.append(String.format(" %s %d;", e.getKey(), e.getValue().toMillis() * 1000L / MESSAGES)));
        System.out.println(line);
    }

    /**
     * Who took the machine's cores during the measured messages, ms CPU per 1,000 messages: Openfire, its database
     * server, the clients (this JVM); and how long delivering took against delivering and archiving.
     */
    private static void printMachine(MachineCpu machine, Duration openfire, double deliveredSeconds, double seconds) {
        double perThousand = 1000.0 / MESSAGES;
        System.out.printf("    machine, ms CPU per 1000 msg: Openfire %.0f; database %.0f; clients %.0f; all busy %.0f;"
                        + " busy %.0f%%, steal %.0f%%; delivered in %.3f s, archived too in %.3f s%n",
                openfire.toNanos() / 1e6 * perThousand, machine.databaseMillis() * perThousand,
                machine.clientMillis() * perThousand, machine.busyMillis() * perThousand, machine.busyShare() * 100,
                machine.stealShare() * 100, deliveredSeconds, seconds);
    }

    /** Creates app acme#chat with the bench users; returns an app token. */
    private static String registerUsers(RestClient rest, List<String> senders, List<String> receivers) throws Exception {
        JsonNode app = rest.callAsAdmin("POST", "/imcloud/management/apps", "admin", OpenfireServer.ADMIN_PASSWORD,
                Map.of("org", "acme", "app", "chat")).expect(200).get("data");
        String token = rest.call("POST", "/imcloud/acme/chat/token", null, Map.of("grant_type", "client_credentials",
                "client_id", app.get("client_id").asText(), "client_secret", app.get("client_secret").asText()))
                .expect(200).get("access_token").asText();
        List<Map<String, String>> users = new ArrayList<>();
        for (String u : senders) {
            users.add(Map.of("username", u, "password", PASSWORD));
        }
        for (String u : receivers) {
            users.add(Map.of("username", u, "password", PASSWORD));
        }
        rest.call("POST", "/imcloud/acme/chat/users", token, users).expect(200);
        return token;
    }

    private static XmppClient login(String user, String password) throws Exception {
        String node = "acme#chat_" + user;
        return XmppClient.login(node, password == null ? node : password, XmppClient.Login.SCRAM_SHA_1);
    }

    /**
     * Each sender sends {@code total / pairs} messages to its receiver, all together {@code rate} a second (0: as fast
     * as it can); returns when every receiver has them all, with the stanza-id of each receiver's last message (null
     * without the plugin).
     */
    private static List<String> send(List<XmppClient> senders, List<XmppClient> receivers, List<String> receiverNames,
                                     int total, String prefix, int rate) throws Exception {
        int perPair = total / senders.size();
        long nanosBetween = rate > 0 ? TimeUnit.SECONDS.toNanos(1) * senders.size() / rate : 0;
        CountDownLatch received = new CountDownLatch(perPair * senders.size());
        List<StanzaListener> listeners = new ArrayList<>();
        String[] lastIds = new String[receivers.size()];
        for (int r = 0; r < receivers.size(); r++) {
            int receiver = r;
            StanzaListener listener = stanza -> {
                Message message = (Message) stanza;
                String body = message.getBody();
                if (body != null && body.startsWith(prefix)) {
                    StanzaIdElement id = XmppClient.stanzaId(message);
                    lastIds[receiver] = id == null ? null : id.getId();
                    received.countDown();
                }
            };
            receivers.get(r).connection().addSyncStanzaListener(listener, MessageTypeFilter.CHAT);
            listeners.add(listener);
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < senders.size(); i++) {
            XmppClient sender = senders.get(i);
            String to = "acme#chat_" + receiverNames.get(i);
            Thread thread = new Thread(() -> {
                try {
                    long start = System.nanoTime();
                    for (int n = 0; n < perPair; n++) {
                        long early = start + n * nanosBetween - System.nanoTime();
                        if (early > 0) {
                            LockSupport.parkNanos(early);
                        }
                        sender.sendChat(to, prefix + " message " + n + " of a benchmark of the imcloud message path");
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!received.await(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IncompleteRunException(received.getCount() + " of " + perPair * senders.size()
                    + " messages not received within " + DRAIN_TIMEOUT);
        }
        for (int i = 0; i < receivers.size(); i++) {
            receivers.get(i).connection().removeSyncStanzaListener(listeners.get(i));
        }
        return Arrays.asList(lastIds);
    }

    /**
     * Waits until the last message of each pair is committed as delivered: the writer commits in queue
     * order, so every earlier message is committed too. One primary-key read per poll, so that waiting
     * costs the server next to nothing.
     */
    private static void awaitArchived(RestClient rest, String token, List<String> receivers, List<String> lastIds)
            throws Exception {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        for (int i = 0; i < receivers.size(); i++) {
            String id = lastIds.get(i);
            if (id == null) {
                throw new IllegalStateException("the plugin stamped no stanza-id on the last message to " + receivers.get(i));
            }
            while (!isDelivered(rest.call("GET", "/imcloud/acme/chat/users/" + receivers.get(i)
                    + "/offline_msg_status/" + id, token, null), id)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not all messages archived within " + DRAIN_TIMEOUT);
                }
                Thread.sleep(20);
            }
        }
    }

    /** Whether the status answer says message {@code id} is committed as delivered; 404: not committed yet. */
    private static boolean isDelivered(RestClient.Answer answer, String id) {
        if (answer.status() == 404) {
            return false; // the server waits a moment for the queued messages, then answers this
        }
        return "delivered".equals(answer.expect(200).get("data").get(id).asText());
    }

    /** Fails unless each receiver's unread count from its sender is {@code perPair}: every message counted. */
    private static void requireCounted(RestClient rest, String token, List<String> senders, List<String> receivers,
                                       int perPair) throws Exception {
        for (int i = 0; i < receivers.size(); i++) {
            int unread = unread(rest, token, receivers.get(i), senders.get(i));
            if (unread != perPair) {
                throw new IllegalStateException(receivers.get(i) + " has " + unread + " unread, not " + perPair);
            }
        }
    }

    private static int unread(RestClient rest, String token, String owner, String peer) throws Exception {
        for (JsonNode c : rest.call("GET", "/imcloud/acme/chat/users/" + owner + "/unread", token, null)
                .expect(200).get("data").get("conversations")) {
            if (peer.equals(c.get("peer").asText())) {
                return c.get("unread_num").asInt();
            }
        }
        return 0;
    }

    /** A run in which the server did not deliver every message: reported, and left out of the medians. */
    static final class IncompleteRunException extends Exception {
        IncompleteRunException(String message) {
            super(message);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
