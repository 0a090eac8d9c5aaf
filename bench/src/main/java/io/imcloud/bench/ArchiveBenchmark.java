package io.imcloud.bench;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.LossWindow;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.archive.WriterSettings;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import static io.imcloud.bench.ArchiveBenchSupport.intProperty;
import static io.imcloud.bench.ArchiveBenchSupport.percentiles;
import static io.imcloud.bench.ArchiveBenchSupport.ratio;

/**
 * Archive benchmarks, each figure with its ratio to a limit measured in the same run:
 * (a) archive writer messages/s against a raw JDBC batch insert of the same rows (target >= 0.8);
 * (d) the writer with unread counters against the writer without them (target >= 0.9), with messages spread
 * over many conversations and all in one; what the writer leaves to the counter fold (the time to fold all
 * it wrote, into new rows and into existing ones); and a sustained run (the same conversations over and over
 * for {@code bench.sustain} seconds, the writer folding every 10 s, the last fold timed too) against the
 * writer without counters; the loss window (append to commit, p50/p99) saturated and at half the writer's capacity;
 * (b) history page latency (50 messages, one conversation) in a 1,000,000-message archive (p99 < 10 ms).
 *
 * <p>Run: {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.ArchiveBenchmark}
 * with {@code IMCLOUD_TEST_POSTGRES_URL} set for PostgreSQL. Sizes: {@code -Dbench.messages=50000
 * -Dbench.batch=500 -Dbench.rounds=5 -Dbench.sustain=30 -Dbench.archive=1000000 -Dbench.pages=2000
 * -Dbench.dbs=hsqldb,postgresql} ({@code bench.sustain=0} skips the sustained run);
 * throughput figures are the best of {@code bench.rounds} alternating rounds.
 */
public final class ArchiveBenchmark {

    private ArchiveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = intProperty("bench.messages", 50_000);
        int batch = intProperty("bench.batch", 500);
        int archive = intProperty("bench.archive", 1_000_000);
        int pages = intProperty("bench.pages", 2000);
        int rounds = intProperty("bench.rounds", 5);
        int sustainSeconds = intProperty("bench.sustain", 30);
        for (DatabaseType type : ArchiveBenchSupport.databases()) {
            System.out.println("== " + type.scriptName());
            writerThroughput(type, messages, batch, rounds, sustainSeconds);
            historyLatency(type, archive, pages);
        }
    }

    private static void writerThroughput(DatabaseType type, int messages, int batch, int rounds, int sustainSeconds) throws Exception {
        List<ArchivedMessage> load = ArchiveBenchSupport.generate(messages, messages / 10, 500);
        List<ArchivedMessage> warmUp = ArchiveBenchSupport.generate(Math.min(messages, 20_000), 2000, 50);
        WriterSettings counters = WriterSettings.of(batch * 20, batch);
        rawInsert(type, warmUp, batch);
        writer(type, warmUp, counters, false);
        // best of alternating rounds: other processes on a shared machine only ever slow a round down
        double raw = 0;
        double withCounters = 0;
        double withoutCounters = 0;
        for (int round = 0; round < rounds; round++) {
            raw = Math.max(raw, rawInsert(type, load, batch));
            // which mode goes first alternates, so that neither always inherits the other's garbage
            if (round % 2 == 0) {
                withCounters = Math.max(withCounters, writer(type, load, counters, round == rounds - 1));
                withoutCounters = Math.max(withoutCounters, writer(type, load, counters.withoutConversations(), false));
            } else {
                withoutCounters = Math.max(withoutCounters, writer(type, load, counters.withoutConversations(), false));
                withCounters = Math.max(withCounters, writer(type, load, counters, round == rounds - 1));
            }
        }
        System.out.printf(Locale.ROOT, "  raw JDBC batch insert          %,10.0f msg/s%n", raw);
        System.out.printf(Locale.ROOT, "  writer, counters on            %,10.0f msg/s%n", withCounters);
        System.out.printf(Locale.ROOT, "  writer, counters off           %,10.0f msg/s%n", withoutCounters);
        System.out.println(ratio("(a) writer (counters on) / raw insert", withCounters / raw, 0.8, true));
        System.out.println(ratio("    writer (counters off) / raw insert", withoutCounters / raw, 0.8, true));
        System.out.println(ratio("(d) writer counters on / counters off", withCounters / withoutCounters, 0.9, true));
        lossWindowAtHalfCapacity(type, load, counters, withCounters / 2);
        // what the writer left to the fold: every conversation of the load, counted once
        foldCost(type, load, counters, "many conversations, new rows", false);
        foldCost(type, load, counters, "many conversations, existing rows", true);
        // the same, when a batch holds few distinct conversations
        List<ArchivedMessage> chatty = ArchiveBenchSupport.generate(messages, messages, 0);
        double chattyOn = 0;
        double chattyOff = 0;
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                chattyOn = Math.max(chattyOn, writer(type, chatty, counters, false));
                chattyOff = Math.max(chattyOff, writer(type, chatty, counters.withoutConversations(), false));
            } else {
                chattyOff = Math.max(chattyOff, writer(type, chatty, counters.withoutConversations(), false));
                chattyOn = Math.max(chattyOn, writer(type, chatty, counters, false));
            }
        }
        System.out.println(ratio("(d) same, one busy conversation: on / off", chattyOn / chattyOff, 0.9, true));
        if (sustainSeconds > 0) {
            // a server's steady state: the load's conversations over and over, the writer folding every interval
            double sustainedOn = sustained(type, load, counters, sustainSeconds);
            double sustainedOff = sustained(type, load, counters.withoutConversations(), sustainSeconds);
            System.out.printf(Locale.ROOT, "  sustained %d s, counters on (folds every %d s, %d s behind; the last one timed too) %,10.0f msg/s%n",
                    sustainSeconds, WriterSettings.FOLD_INTERVAL.toSeconds(), WriterSettings.FOLD_LAG.toSeconds(), sustainedOn);
            System.out.printf(Locale.ROOT, "  sustained %d s, counters off   %,10.0f msg/s%n", sustainSeconds, sustainedOff);
            System.out.println(ratio("(d) sustained, folds included: on / off", sustainedOn / sustainedOff, 0.9, true));
        }
    }

    private static double rawInsert(DatabaseType type, List<ArchivedMessage> load, int batch) throws Exception {
        try (TestDatabase db = TestDatabase.create(type); Connection con = db.getConnection()) {
            System.gc();
            long start = System.nanoTime();
            ArchiveBenchSupport.insertRaw(con, load, batch);
            return load.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Appends as fast as the queue takes them (pausing briefly when full) and flushes; returns messages/s.
     * The load's ids are weeks old and the writer folds first after {@code foldInterval} (10 s by default,
     * longer than a run): the run measures the writer alone.
     */
    private static double writer(DatabaseType type, List<ArchivedMessage> load, WriterSettings settings, boolean report) {
        try (TestDatabase db = TestDatabase.create(type);
             SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings)) {
            System.gc(); // the previous run's garbage is not this run's cost
            long start = System.nanoTime();
            appendAll(archive, load);
            archive.flush();
            double rate = load.size() / ((System.nanoTime() - start) / 1e9);
            if (report) {
                printLossWindow("loss window, saturated (queue full)", archive.lossWindow());
            }
            return rate;
        }
    }

    private static void appendAll(SqlArchive archive, List<ArchivedMessage> load) {
        for (ArchivedMessage m : load) {
            while (!archive.append(m)) {
                LockSupport.parkNanos(50_000); // queue full: let the writer (and the database) have the CPU
            }
        }
    }

    /**
     * Archives {@code load} (with {@code existing}, after writing its conversation rows untimed, all read), then
     * times one fold of all of it and prints the cost per message, with the writer's and the fold's time
     * against the writer's time without counters.
     */
    private static void foldCost(DatabaseType type, List<ArchivedMessage> load, WriterSettings settings, String what,
                                 boolean existing) {
        try (TestDatabase db = TestDatabase.create(type);
             SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings.withFolding(Duration.ofHours(1), Duration.ZERO))) {
            if (existing) {
                try (Connection con = db.getConnection()) {
                    ArchiveBenchSupport.insertConversations(con, load);
                }
            }
            long start = System.nanoTime();
            appendAll(archive, load);
            archive.flush();
            long written = System.nanoTime() - start;
            start = System.nanoTime();
            long folded = archive.foldCounters();
            long fold = System.nanoTime() - start;
            if (folded != load.size()) {
                throw new IllegalStateException("folded " + folded + " of " + load.size());
            }
            int rows = (int) db.count("ofImConversation");
            System.out.printf(Locale.ROOT, "  fold of %,d messages into %,d conversation rows (%s): %.0f ms, %.1f us a message,"
                    + " %.0f%% of the writer's %.0f ms%n", folded, rows, what, fold / 1e6, fold / 1e3 / folded,
                    100.0 * fold / written, written / 1e6);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot measure the fold", e);
        }
    }

    /**
     * Archives the load's conversations for {@code seconds}, each message with a fresh id (so that the writer's
     * folds, every interval and a lag behind, count them), then flushes and, with counters, folds what is left
     * (as another node would, without lag): messages/s over the whole time.
     */
    private static double sustained(DatabaseType type, List<ArchivedMessage> load, WriterSettings settings, int seconds) {
        try (TestDatabase db = TestDatabase.create(type);
             SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings)) {
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long count = 0;
            for (int i = 0; System.nanoTime() < end; i = (i + 1) % load.size()) {
                ArchivedMessage m = load.get(i);
                long id = archive.nextId();
                ArchivedMessage fresh = new ArchivedMessage(id, m.appKey(), m.sender(), m.receiver(), MessageIds.timestampOf(id),
                        m.type(), m.body(), m.extJson(), m.stanzaXml(), m.clientMsgId(), m.state());
                while (!archive.append(fresh)) {
                    LockSupport.parkNanos(50_000);
                }
                count++;
            }
            archive.flush();
            if (settings.conversations()) {
                try (SqlArchive lastFold = new SqlArchive(db, new MessageIds(2), settings.withFolding(settings.foldInterval(), Duration.ZERO))) {
                    lastFold.foldCounters();
                }
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Offers messages at {@code rate} per second for about five seconds and reports append-to-commit times. */
    private static void lossWindowAtHalfCapacity(DatabaseType type, List<ArchivedMessage> load, WriterSettings settings, double rate) {
        int count = (int) Math.min(load.size(), rate * 5);
        try (TestDatabase db = TestDatabase.create(type);
             SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings)) {
            long start = System.nanoTime();
            int refused = 0;
            for (int i = 0; i < count; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (!archive.append(load.get(i))) {
                    refused++;
                }
            }
            archive.flush();
            printLossWindow(String.format(Locale.ROOT, "loss window at %,.0f msg/s (%d refused)", rate, refused), archive.lossWindow());
        }
    }

    private static void printLossWindow(String what, LossWindow window) {
        System.out.printf(Locale.ROOT, "  %-40s p50 %.2f ms, p99 %.2f ms over %,d messages%n", what,
                window.percentileMicros(50) / 1e3, window.percentileMicros(99) / 1e3, window.count());
    }

    private static void historyLatency(DatabaseType type, int size, int pages) throws Exception {
        List<ArchivedMessage> all = ArchiveBenchSupport.generate(size, Math.max(size / 50, 1000), 500);
        try (TestDatabase db = TestDatabase.create(type)) {
            long start = System.nanoTime();
            try (Connection con = db.getConnection()) {
                ArchiveBenchSupport.insertRaw(con, all, 5000);
                if (type == DatabaseType.POSTGRESQL) {
                    try (Statement st = con.createStatement()) {
                        st.execute("ANALYZE ofImMessage");
                    }
                }
            }
            System.out.printf(Locale.ROOT, "  filled an archive of %,d messages in %.1f s%n", size, (System.nanoTime() - start) / 1e9);
            ArchiveBenchSupport.printNoiseFloor(db, pages);
            long[] hot = all.stream().filter(m -> m.sender().equals("alice") || m.sender().equals("bob"))
                    .mapToLong(ArchivedMessage::msgId).toArray();
            AppUser alice = AppUser.of(ArchiveBenchSupport.APP, "alice");
            Random random = new Random(7);
            try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), WriterSettings.of(1000, 100))) {
                long[] nanos = new long[pages];
                for (int round = 0; round < 2; round++) { // the first round warms up
                    for (int i = 0; i < pages; i++) {
                        long before = i % 10 == 0 ? Long.MAX_VALUE : hot[50 + random.nextInt(hot.length - 50)];
                        long t = System.nanoTime();
                        int n = archive.history(alice, "bob", before, 50).size();
                        nanos[i] = System.nanoTime() - t;
                        if (n != 50) {
                            throw new IllegalStateException("short page: " + n);
                        }
                    }
                }
                double[] p99 = new double[1];
                System.out.printf(Locale.ROOT, "  (b) history page of 50 in a conversation of %,d, archive of %,d: %s%n",
                        hot.length, size, percentiles(nanos, p99));
                System.out.println(ratio("(b) history p99 / 10 ms", p99[0] / 10, 1.0, false));
            }
        }
    }
}
