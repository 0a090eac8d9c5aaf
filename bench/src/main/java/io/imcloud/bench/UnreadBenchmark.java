package io.imcloud.bench;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.unread.ConversationList;
import io.imcloud.unread.ConversationPage;
import io.imcloud.unread.UnreadCounters;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;

import static io.imcloud.bench.ArchiveBenchSupport.intProperty;
import static io.imcloud.bench.ArchiveBenchSupport.percentiles;
import static io.imcloud.bench.ArchiveBenchSupport.ratio;

/**
 * (c) Conversation list and unread total latency, p50/p99, for a user with 500 conversations in an archive
 * of 1,000,000 messages (target p99 < 5 ms each), printed with the ratio to the limit. The counters are
 * folded up to the newest {@code bench.tail} messages (about 200 of them the owner's, more than a busy
 * person exchanges between two folds), which every read adds up.
 *
 * <p>Run: {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.UnreadBenchmark};
 * sizes {@code -Dbench.archive=1000000 -Dbench.peers=500 -Dbench.requests=2000 -Dbench.tail=20000
 * -Dbench.dbs=hsqldb,postgresql}.
 */
public final class UnreadBenchmark {

    private UnreadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int size = intProperty("bench.archive", 1_000_000);
        int peers = intProperty("bench.peers", 500);
        int requests = intProperty("bench.requests", 2000);
        int tail = intProperty("bench.tail", 20_000);
        List<ArchivedMessage> all = ArchiveBenchSupport.generate(size, size / 50, peers);
        for (DatabaseType type : ArchiveBenchSupport.databases()) {
            System.out.println("== " + type.scriptName());
            try (TestDatabase db = TestDatabase.create(type)) {
                long start = System.nanoTime();
                try (Connection con = db.getConnection()) {
                    ArchiveBenchSupport.insertRaw(con, all, 5000);
                    // folded up to the tail: the readers add the newest messages, as between two folds
                    List<ArchivedMessage> folded = all.subList(0, all.size() - tail);
                    ArchiveBenchSupport.insertConversations(con, folded);
                    try (PreparedStatement ps = con.prepareStatement("UPDATE ofImUnreadFold SET upTo = ? WHERE node < 0")) {
                        ps.setLong(1, folded.get(folded.size() - 1).msgId());
                        ps.executeUpdate();
                    }
                    if (type == DatabaseType.POSTGRESQL) {
                        try (Statement st = con.createStatement()) {
                            st.execute("ANALYZE ofImMessage");
                            st.execute("ANALYZE ofImConversation");
                        }
                    }
                }
                AppUser owner = AppUser.of(ArchiveBenchSupport.APP, "owner");
                long ownerTail = all.subList(all.size() - tail, all.size()).stream()
                        .filter(m -> m.sender().equals("owner") || m.receiver().equals("owner")).count();
                System.out.printf(Locale.ROOT, "  filled %,d messages and %,d conversation rows in %.1f s; not folded: the last %,d"
                        + " messages, %,d of them the owner's%n", size, db.count("ofImConversation"), (System.nanoTime() - start) / 1e9,
                        tail, ownerTail);
                ConversationList list = new ConversationList(db);
                UnreadCounters counters = new UnreadCounters(db);
                int conversations = countAll(list, owner);
                System.out.printf(Locale.ROOT, "  owner has %d conversations%n", conversations);
                ArchiveBenchSupport.printNoiseFloor(db, requests);
                measure("(c) conversation list, first page of 20", requests, 5,
                        () -> list.list(owner, null, 20).conversations().size());
                String[] cursor = {null};
                measure("(c) conversation list, pages of 20 by cursor", requests, 5, () -> {
                    ConversationPage page = list.list(owner, cursor[0], 20);
                    cursor[0] = page.cursor();
                    return page.conversations().size();
                });
                measure("(c) unread total and per conversation", requests, 5,
                        () -> (int) counters.unread(owner).total());
            }
        }
    }

    private static int countAll(ConversationList list, AppUser owner) {
        int n = 0;
        String cursor = null;
        do {
            ConversationPage page = list.list(owner, cursor, 100);
            n += page.conversations().size();
            cursor = page.cursor();
        } while (cursor != null);
        return n;
    }

    private static void measure(String what, int requests, double limitMillis, IntSupplier call) {
        long[] nanos = new long[requests];
        for (int round = 0; round < 2; round++) { // the first round warms up
            for (int i = 0; i < requests; i++) {
                long t = System.nanoTime();
                if (call.getAsInt() <= 0) {
                    throw new IllegalStateException(what + ": empty result");
                }
                nanos[i] = System.nanoTime() - t;
            }
        }
        double[] p99 = new double[1];
        System.out.printf(Locale.ROOT, "  %-48s %s%n", what, percentiles(nanos, p99));
        System.out.println(ratio(what.substring(0, 3) + " p99 / " + limitMillis + " ms", p99[0] / limitMillis, 1.0, false));
    }
}
