package io.imcloud.bench;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.LossWindow;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.archive.WriterSettings;
import io.imcloud.sql.DatabaseType;
import io.imcloud.testsupport.TestDatabase;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

import static io.imcloud.bench.ArchiveBenchSupport.intProperty;
import static io.imcloud.bench.ArchiveBenchSupport.median;

/**
 * What the archive writer's linger buys at a moderate, steady rate: the writer thread's CPU per message, and the
 * loss window (append to commit) it costs, with each linger of {@code bench.lingers}, against the first of them
 * measured in the same run. A batch costs the writer its wake-ups and round trips whatever it holds, so at a
 * thousand messages a second the linger decides how many messages share them.
 *
 * <p>Run: {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.WriterPaceBenchmark} with
 * {@code IMCLOUD_TEST_POSTGRES_URL} and {@code IMCLOUD_TEST_MARIADB_URL} set for those servers. Sizes:
 * {@code -Dbench.rate=1000 -Dbench.messages=10000 -Dbench.warmup=60000 -Dbench.lingers=5,50 -Dbench.rounds=3
 * -Dbench.dbs=hsqldb,postgresql}. Each figure is the median of the rounds, which alternate the lingers.
 */
public final class WriterPaceBenchmark {

    /** The writer's thread name, as {@code ArchiveWriter} sets it. */
    private static final String WRITER_THREAD = "imcloud-writer";
    /** Pace of the warm-up: fast enough to be short, slow enough to keep the queue from filling. */
    private static final int WARMUP_RATE = 5000;

    private WriterPaceBenchmark() {
    }

    /** One run's figures. */
    private record Run(double writerMicrosPerMessage, double p50Millis, double p99Millis) {
    }

    public static void main(String[] args) throws Exception {
        int rate = intProperty("bench.rate", 1000);
        int messages = intProperty("bench.messages", 10_000);
        int warmup = intProperty("bench.warmup", 60_000);
        int rounds = intProperty("bench.rounds", 3);
        int[] lingers = Arrays.stream(System.getProperty("bench.lingers", "5," + WriterSettings.BATCH_LINGER.toMillis())
                .split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        for (DatabaseType type : ArchiveBenchSupport.databases()) {
            System.out.printf(Locale.ROOT, "== %s: %,d messages at %,d msg/s after %,d warm-up, %d rounds%n",
                    type.scriptName(), messages, rate, warmup, rounds);
            List<List<Run>> runs = new ArrayList<>();
            for (int ignored : lingers) {
                runs.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < lingers.length; i++) {
                    int at = round % 2 == 0 ? i : lingers.length - 1 - i; // alternate which linger runs first
                    Run run = run(type, lingers[at], rate, messages, warmup);
                    runs.get(at).add(run);
                    System.out.printf(Locale.ROOT, "  round %d linger %3d ms: writer %6.1f us/msg, loss window p50 %.1f ms, p99 %.1f ms%n",
                            round + 1, lingers[at], run.writerMicrosPerMessage(), run.p50Millis(), run.p99Millis());
                }
            }
            double base = median(runs.get(0).stream().mapToDouble(Run::writerMicrosPerMessage).toArray());
            for (int i = 0; i < lingers.length; i++) {
                double writer = median(runs.get(i).stream().mapToDouble(Run::writerMicrosPerMessage).toArray());
                System.out.printf(Locale.ROOT, "  median linger %3d ms: writer %6.1f us/msg (%.2fx linger %d ms), loss window p50 %.1f ms, p99 %.1f ms%n",
                        lingers[i], writer, writer / base, lingers[0],
                        median(runs.get(i).stream().mapToDouble(Run::p50Millis).toArray()),
                        median(runs.get(i).stream().mapToDouble(Run::p99Millis).toArray()));
            }
        }
    }

    private static Run run(DatabaseType type, int lingerMillis, int rate, int messages, int warmup) throws Exception {
        List<ArchivedMessage> load = ArchiveBenchSupport.generate(warmup + messages, 2000, 50);
        WriterSettings settings = WriterSettings.of(100_000, 500).withBatchLinger(Duration.ofMillis(lingerMillis));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (TestDatabase db = TestDatabase.create(type);
             SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings)) {
            append(archive, load.subList(0, warmup), WARMUP_RATE);
            archive.flush();
            archive.lossWindow().reset();
            long writer = writerThreadId();
            long before = threads.getThreadCpuTime(writer);
            append(archive, load.subList(warmup, warmup + messages), rate);
            archive.flush();
            long cpu = threads.getThreadCpuTime(writer) - before;
            LossWindow window = archive.lossWindow();
            return new Run(cpu / 1e3 / messages, window.percentileMicros(50) / 1e3, window.percentileMicros(99) / 1e3);
        }
    }

    /** Appends {@code messages} at {@code rate} a second, each at its own time (not in bursts). */
    private static void append(SqlArchive archive, List<ArchivedMessage> messages, int rate) {
        long between = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < messages.size(); i++) {
            long early = start + i * between - System.nanoTime();
            if (early > 0) {
                LockSupport.parkNanos(early);
            }
            while (!archive.append(messages.get(i))) {
                LockSupport.parkNanos(50_000); // queue full: let the writer have the CPU
            }
        }
    }

    private static long writerThreadId() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(WRITER_THREAD))
                .mapToLong(Thread::getId).findFirst()
                .orElseThrow(() -> new IllegalStateException("no thread " + WRITER_THREAD));
    }
}
