package io.imcloud.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.archive.WriterSettings;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.testsupport.SchemaScript;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static io.imcloud.bench.ArchiveBenchSupport.APP;
import static io.imcloud.bench.ArchiveBenchSupport.intProperty;
import static io.imcloud.bench.ArchiveBenchSupport.ratio;

/**
 * The archive on Openfire's embedded database as it grows: CACHED tables (schema 8) against MEMORY tables (schema 7).
 * Each variant gets a fresh file database set up as Openfire's embedded one ({@code jdbc:hsqldb:<dir>/openfire},
 * {@code SET FILES LOG SIZE 20}, {@code SET FILES WRITE DELAY 1000 MILLIS}, HSQLDB's default cache and transaction
 * control) with the plugin's install script run on it; the MEMORY variant then sets {@code ofImMessage},
 * {@code ofImGroupMessage} and {@code ofImConversation} back to {@code TYPE MEMORY}. The plugin's archive writer
 * ({@link SqlArchive}, production's queue and batch sizes) takes 1:1 chat messages with a stored stanza text of about
 * 300 bytes (a client's stanza with receipts, markers and an origin-id, less its body and stanza-id), between 5,000
 * users ({@code bench.users}) with 10 partners each, as fast as its queue takes them, in blocks of
 * {@code bench.block} messages; each block ends with a flush and one fold of the block into the unread counters (the
 * maintenance thread's work, every 10 s in production). HSQLDB checkpoints by itself whenever its log reaches 20 MB,
 * as in Openfire; those checkpoints (counted by watching the log shrink) fall into the blocks that caused them.
 *
 * <p>After each block it prints the messages archived so far; the process's CPU time per message in the block, and its
 * parts: the writer thread, HSQLDB's timer thread (which runs the checkpoints and the log syncs), the benchmark's own
 * thread (appends and the fold) and the rest (GC, JIT, other threads); wall time per message; the heap used after a
 * full GC; the files' sizes and the checkpoints. At the end: the CACHED / MEMORY ratios per block, the first block
 * from which on CACHED costs no more CPU per message than MEMORY (the crossover, if any), and the time to shut the database
 * down and open it again (MEMORY tables are read whole from the {@code .script} at startup). Figures, not targets:
 * the only limit is the other variant in the same run.
 *
 * <p>Run: {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.EmbeddedArchiveBenchmark};
 * sizes {@code -Dbench.messages=500000 -Dbench.block=50000}, {@code -Dbench.variants=memory,cached} (order and choice),
 * {@code -Dbench.dir=...} (where the temporary databases go; the system's temporary directory by default; the CACHED
 * variant needs about 2 KB of disk a message), {@code -Dbench.mvcc=true} adds {@code hsqldb.tx=mvcc} to the URL,
 * {@code -Dbench.cacheRows=50000 -Dbench.cacheSize=10000} (KB) change HSQLDB's row cache from its default (which
 * Openfire keeps). A MEMORY archive of {@code n} messages needs about 1.2 {@code n} KB of heap.
 */
public final class EmbeddedArchiveBenchmark {

    private static final String[] TABLES = {"ofImMessage", "ofImGroupMessage", "ofImConversation"};
    /** Users of the load ({@code bench.users}), each writing to up to 10 partners. */
    private static final int USERS = intProperty("bench.users", 5000);
    private static final int PARTNERS = Math.min(10, USERS - 1);
    private static final String DOMAIN = "im.example.com";
    private static final String[] WORDS = {"ok", "yes", "no", "see", "you", "at", "the", "station", "tomorrow", "morning",
            "thanks", "for", "sending", "photos", "what", "time", "is", "meeting", "running", "late", "sorry", "call",
            "me", "when", "free", "dinner", "tonight", "sounds", "good", "great", "idea", "let's", "do", "it", "haha",
            "where", "are", "now", "on", "my", "way", "traffic", "terrible", "did", "get", "message", "about", "project"};

    private EmbeddedArchiveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        run(intProperty("bench.messages", 500_000), intProperty("bench.block", 50_000));
    }

    /** Both variants (or those of {@code bench.variants}) up to {@code total} messages in blocks of {@code block}. */
    static void run(int total, int block) throws Exception {
        List<Variant> variants = Arrays.stream(System.getProperty("bench.variants", "memory,cached").split(","))
                .map(s -> Variant.valueOf(s.trim().toUpperCase(Locale.ROOT))).toList();
        boolean mvcc = Boolean.getBoolean("bench.mvcc");
        Path base = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
        System.out.printf(Locale.ROOT, "== embedded HSQLDB (file, LOG SIZE 20, WRITE DELAY 1000 MILLIS%s), %,d messages in"
                + " blocks of %,d, %d cores, max heap %,d MB%n", mvcc ? ", MVCC" : "", total, block,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        // warm-up: the JIT compiles the writer's and both table types' paths before either variant is measured
        for (Variant v : variants) {
            measure(v, base, mvcc, Math.min(block, 20_000), Math.min(block, 20_000), false);
        }
        List<Result> results = new ArrayList<>();
        for (Variant v : variants) {
            results.add(measure(v, base, mvcc, total, block, true));
        }
        if (results.size() == 2) {
            compare(results.get(0), results.get(1));
        }
    }

    private enum Variant { MEMORY, CACHED }

    /**
     * One block's figures: CPU per message of the process and of its parts (the writer thread; HSQLDB's timer thread,
     * which runs the checkpoints and the log syncs; this thread, which appends and folds; the rest: GC, JIT, others).
     */
    private record Block(long messages, double cpuMicros, double writerMicros, double hsqldbMicros, double mainMicros,
                         double wallMicros, long heap, long fileBytes, int checkpoints) {
    }

    /** CPU time so far of the process and of the threads a block's figures name. */
    private record Cpu(long process, long writer, long hsqldb, long main) {

        static Cpu now() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long writer = 0;
            long hsqldb = 0;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("imcloud-writer")) {
                    writer += Math.max(0, threads.getThreadCpuTime(t.getId()));
                } else if (t.getName().startsWith("HSQLDB Timer")) {
                    hsqldb += Math.max(0, threads.getThreadCpuTime(t.getId()));
                }
            }
            return new Cpu(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime(), writer, hsqldb, threads.getCurrentThreadCpuTime());
        }
    }

    private record Result(Variant variant, long baseHeap, List<Block> blocks) {
    }

    private static Result measure(Variant variant, Path base, boolean mvcc, int total, int block, boolean report) throws Exception {
        Path dir = Files.createTempDirectory(base, "imcloud-embedded-" + variant.name().toLowerCase(Locale.ROOT) + "-");
        Path files = dir.resolve("embedded-db").resolve("openfire");
        Files.createDirectories(files.getParent());
        List<Block> blocks = new ArrayList<>();
        String url = "jdbc:hsqldb:" + files + (mvcc ? ";hsqldb.tx=mvcc" : "");
        long baseHeap;
        try (EmbeddedDb db = EmbeddedDb.open(url)) {
            install(db, variant);
            baseHeap = liveHeap();
            if (report) {
                System.out.printf(Locale.ROOT, "%n%s tables (%s), heap after GC with the empty database %,.1f MB%n", variant, dir,
                        baseHeap / 1048576.0);
                System.out.printf(Locale.ROOT, "  %9s %11s %8s %8s %8s %8s %11s %8s %9s %9s %6s%n", "messages", "CPU us/msg",
                        "writer", "hsqldb", "main", "rest", "wall us/msg", "msg/s", "heap MB", "files MB", "ckpts");
            }
            LogWatch checkpoints = LogWatch.start(Path.of(files + ".log"));
            MessageIds ids = new MessageIds(1);
            Random random = new Random(42);
            long done = 0;
            long bytes = 0;
            // production's queue and batch sizes; the fold is run at the end of each block instead of every 10 s
            WriterSettings settings = WriterSettings.of(100_000, 500).withFolding(Duration.ofHours(1), Duration.ZERO);
            try (SqlArchive archive = new SqlArchive(db, ids, settings)) {
                while (done < total) {
                    int n = (int) Math.min(block, total - done);
                    List<ArchivedMessage> load = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        load.add(chat(ids, random));
                    }
                    bytes += load.stream().mapToLong(m -> m.stanzaXml().length()).sum();
                    System.gc(); // the previous block's garbage is not this block's cost
                    int checkpointsBefore = checkpoints.count();
                    Cpu before = Cpu.now();
                    long start = System.nanoTime();
                    for (ArchivedMessage m : load) {
                        while (!archive.append(m)) {
                            LockSupport.parkNanos(50_000); // queue full: let the writer (and the database) have the CPU
                        }
                    }
                    archive.flush();
                    long folded = archive.foldCounters();
                    long wall = System.nanoTime() - start;
                    Cpu after = Cpu.now();
                    if (folded != n) {
                        throw new IllegalStateException("folded " + folded + " of " + n);
                    }
                    done += n;
                    load = null;
                    Block b = new Block(done, (after.process() - before.process()) / 1e3 / n,
                            (after.writer() - before.writer()) / 1e3 / n, (after.hsqldb() - before.hsqldb()) / 1e3 / n,
                            (after.main() - before.main()) / 1e3 / n, wall / 1e3 / n, liveHeap(), sizeOf(dir),
                            checkpoints.count() - checkpointsBefore);
                    blocks.add(b);
                    if (report) {
                        System.out.printf(Locale.ROOT, "  %,9d %11.1f %8.1f %8.1f %8.1f %8.1f %11.1f %,8.0f %9.1f %9.1f %6d%n",
                                b.messages(), b.cpuMicros(), b.writerMicros(), b.hsqldbMicros(), b.mainMicros(),
                                b.cpuMicros() - b.writerMicros() - b.hsqldbMicros() - b.mainMicros(), b.wallMicros(),
                                1e6 / b.wallMicros(), b.heap() / 1048576.0, b.fileBytes() / 1048576.0, b.checkpoints());
                    }
                }
            }
            checkpoints.stop();
            if (report) {
                System.out.printf(Locale.ROOT, "  stanza text %.0f bytes a message on average; %s%n", (double) bytes / done,
                        describeFiles(files));
            }
            long start = System.nanoTime();
            db.shutdown();
            double shutdown = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            try (Connection con = DriverManager.getConnection(url, "sa", ""); Statement st = con.createStatement()) {
                double open = (System.nanoTime() - start) / 1e9;
                long heap = liveHeap();
                st.execute("SHUTDOWN");
                if (report) {
                    System.out.printf(Locale.ROOT, "  SHUTDOWN %.1f s; opening the database again %.1f s, heap after GC then %,.1f MB%n",
                            shutdown, open, heap / 1048576.0);
                }
            }
        } finally {
            deleteTree(dir);
        }
        return new Result(variant, baseHeap, blocks);
    }

    /** ofVersion (Openfire's), Openfire's file settings, the plugin's install script; MEMORY tables for that variant. */
    private static void install(EmbeddedDb db, Variant variant) throws IOException, SQLException {
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            st.execute("CREATE TABLE ofVersion (name VARCHAR(50) NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (name))");
            st.execute("SET FILES LOG SIZE 20");
            st.execute("SET FILES WRITE DELAY 1000 MILLIS");
            if (System.getProperty("bench.cacheRows") != null) {
                st.execute("SET FILES CACHE ROWS " + Integer.getInteger("bench.cacheRows"));
            }
            if (System.getProperty("bench.cacheSize") != null) {
                st.execute("SET FILES CACHE SIZE " + Integer.getInteger("bench.cacheSize"));
            }
            SchemaScript.run(con, SchemaScript.installScript(DatabaseType.HSQLDB.scriptName()), false);
            if (variant == Variant.MEMORY) {
                for (String table : TABLES) {
                    st.execute("SET TABLE " + table + " TYPE MEMORY");
                }
            }
            st.execute("CHECKPOINT");
        }
    }

    /** A 1:1 chat message as the interceptor archives it: fresh strings, the stanza as it stores it. */
    private static ArchivedMessage chat(MessageIds ids, Random random) {
        int user = random.nextInt(USERS);
        int partner = (user + 1 + random.nextInt(PARTNERS)) % USERS;
        String from = "user" + user;
        String to = "user" + partner;
        long id = ids.next();
        String clientId = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
        StringBuilder body = new StringBuilder();
        int words = 3 + random.nextInt(20);
        for (int i = 0; i < words; i++) {
            body.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        String text = body.toString();
        // as the archive stores it: without the body and the stanza-id, which its columns hold
        String stanza = "<message xmlns=\"jabber:client\" to=\"" + APP + "_" + to + "@" + DOMAIN + "\" from=\"" + APP + "_" + from
                + "@" + DOMAIN + "/android-" + Integer.toHexString(user * 31 + 7) + "\" type=\"chat\" id=\"" + clientId + "\">"
                + "<request xmlns=\"urn:xmpp:receipts\"/><markable xmlns=\"urn:xmpp:chat-markers:0\"/>"
                + "<origin-id xmlns=\"urn:xmpp:sid:0\" id=\"" + clientId + "\"/></message>";
        return new ArchivedMessage(id, APP, from, to, MessageIds.timestampOf(id), "chat", text, null, stanza, clientId,
                DeliveryState.DELIVERED);
    }

    private static void compare(Result first, Result second) {
        Result cached = first.variant() == Variant.CACHED ? first : second;
        Result memory = first.variant() == Variant.MEMORY ? first : second;
        if (cached == memory) {
            return;
        }
        System.out.printf(Locale.ROOT, "%nCACHED / MEMORY per block (heap: used after GC; growth: over the empty database)%n");
        System.out.printf(Locale.ROOT, "  %9s %10s %10s %10s %10s%n", "messages", "CPU/msg", "wall/msg", "heap", "growth");
        long crossover = -1;
        for (int i = 0; i < Math.min(cached.blocks().size(), memory.blocks().size()); i++) {
            Block c = cached.blocks().get(i);
            Block m = memory.blocks().get(i);
            double cpu = c.cpuMicros() / m.cpuMicros();
            System.out.printf(Locale.ROOT, "  %,9d %10.2f %10.2f %10.2f %10.2f%n", c.messages(), cpu, c.wallMicros() / m.wallMicros(),
                    (double) c.heap() / m.heap(), (double) (c.heap() - cached.baseHeap()) / Math.max(1, m.heap() - memory.baseHeap()));
            if (cpu > 1) {
                crossover = -1;
            } else if (crossover < 0) {
                crossover = c.messages();
            }
        }
        System.out.println(crossover < 0 ? "  crossover: none, CACHED costs more CPU per message in the last block"
                : String.format(Locale.ROOT, "  crossover: CACHED costs no more CPU per message than MEMORY in every block"
                + " from the one ending at %,d messages", crossover));
        Block c = cached.blocks().get(cached.blocks().size() - 1);
        Block m = memory.blocks().get(memory.blocks().size() - 1);
        System.out.println(ratio("last block: CPU per message, CACHED / MEMORY", c.cpuMicros() / m.cpuMicros(), 1.0, false));
        System.out.println(ratio("last block: heap after GC, CACHED / MEMORY", (double) c.heap() / m.heap(), 1.0, false));
    }

    private static long liveHeap() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String describeFiles(Path files) {
        StringBuilder out = new StringBuilder("files:");
        for (String suffix : new String[] {".script", ".data", ".log", ".backup"}) {
            long size = Path.of(files + suffix).toFile().length();
            out.append(String.format(Locale.ROOT, " %s %,.1f MB", suffix, size / 1048576.0));
        }
        return out.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Counts HSQLDB's checkpoints: each one empties the {@code .log}, so a log shorter than at the last look (every
     * 20 ms) is one more.
     */
    private static final class LogWatch {
        private final AtomicInteger count = new AtomicInteger();
        private volatile boolean running = true;
        private final Thread thread;

        private LogWatch(Path log) {
            thread = new Thread(() -> {
                long last = log.toFile().length();
                while (running) {
                    LockSupport.parkNanos(20_000_000);
                    long now = log.toFile().length();
                    if (now < last) {
                        count.incrementAndGet();
                    }
                    last = now;
                }
            }, "bench-log-watch");
            thread.setDaemon(true);
        }

        static LogWatch start(Path log) {
            LogWatch watch = new LogWatch(log);
            watch.thread.start();
            return watch;
        }

        int count() {
            return count.get();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    /** The file database behind a pool, as Openfire's embedded provider keeps it (HikariCP here, DBCP there). */
    private static final class EmbeddedDb implements ConnectionProvider, AutoCloseable {
        private final HikariDataSource pool;
        private boolean shut;

        private EmbeddedDb(HikariDataSource pool) {
            this.pool = pool;
        }

        static EmbeddedDb open(String url) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername("sa");
            config.setPassword("");
            config.setMaximumPoolSize(25);
            config.setPoolName("embedded");
            return new EmbeddedDb(new HikariDataSource(config));
        }

        @Override
        public Connection getConnection() throws SQLException {
            return pool.getConnection();
        }

        @Override
        public DatabaseType databaseType() {
            return DatabaseType.HSQLDB;
        }

        /** SHUTDOWN, as Openfire's embedded provider does when the server stops. */
        void shutdown() throws SQLException {
            try (Connection con = getConnection(); Statement st = con.createStatement()) {
                st.execute("SHUTDOWN");
            }
            pool.close();
            shut = true;
        }

        @Override
        public void close() {
            if (!shut) {
                try {
                    shutdown();
                } catch (SQLException ignored) {
                    pool.close();
                }
            }
        }
    }
}
