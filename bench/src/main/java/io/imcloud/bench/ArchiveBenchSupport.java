package io.imcloud.bench;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageIds;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the archive and unread benchmarks share: the databases to run on, a raw JDBC batch insert of
 * archive rows (the baseline and the fast way to fill a large archive), conversation rows computed from
 * the generated messages, and latency percentiles.
 */
final class ArchiveBenchSupport {

    static final AppKey APP = AppKey.of("bench", "chat");
    private static final String INSERT = "INSERT INTO ofImMessage (msgId, appKey, sender, receiver, userA, userB, sentAt,"
            + " msgType, body, ext, stanza, clientMsgId, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_CONVERSATION = "INSERT INTO ofImConversation (appKey, userA, userB, unreadA, unreadB,"
            + " lastMsgId, lastTs, readUpToA, readUpToB) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)";

    private ArchiveBenchSupport() {
    }

    /** {@code -Dbench.dbs=hsqldb,postgresql} or HSQLDB plus every server the test environment names. */
    static List<DatabaseType> databases() {
        String names = System.getProperty("bench.dbs");
        if (names == null) {
            return TestDatabase.available();
        }
        return Arrays.stream(names.split(",")).map(String::trim).map(DatabaseType::fromName).toList();
    }

    static int intProperty(String name, int defaultValue) {
        return Integer.parseInt(System.getProperty(name, Integer.toString(defaultValue)));
    }

    /** A message with an id from {@code ids}, timed by the id. */
    static ArchivedMessage message(MessageIds ids, String from, String to, int n) {
        long id = ids.next();
        return new ArchivedMessage(id, APP, from, to, MessageIds.timestampOf(id), "chat", "message number " + n,
                null, null, "c" + n, DeliveryState.DELIVERED);
    }

    /** Ids whose clock starts {@code daysAgo} days back and advances 1 ms every 8 ids (a busy but plausible archive). */
    static MessageIds pastIds(int daysAgo) {
        AtomicLong ticks = new AtomicLong();
        long start = System.currentTimeMillis() - daysAgo * 86_400_000L;
        return new MessageIds(0, () -> start + ticks.getAndIncrement() / 8);
    }

    /** Inserts {@code messages} with raw JDBC batches of {@code batchSize}, one transaction per batch. */
    static void insertRaw(Connection con, List<ArchivedMessage> messages, int batchSize) throws SQLException {
        con.setAutoCommit(false);
        try (PreparedStatement ps = con.prepareStatement(INSERT)) {
            int inBatch = 0;
            for (ArchivedMessage m : messages) {
                ps.setLong(1, m.msgId());
                ps.setString(2, m.appKey().toString());
                ps.setString(3, m.sender());
                ps.setString(4, m.receiver());
                ps.setString(5, m.sender().compareTo(m.receiver()) <= 0 ? m.sender() : m.receiver());
                ps.setString(6, m.sender().compareTo(m.receiver()) <= 0 ? m.receiver() : m.sender());
                ps.setLong(7, m.sentAt());
                ps.setString(8, m.type());
                ps.setString(9, m.body());
                ps.setNull(10, Types.VARCHAR);
                ps.setNull(11, Types.VARCHAR);
                ps.setString(12, m.clientMsgId());
                ps.setInt(13, m.state().code());
                ps.addBatch();
                if (++inBatch == batchSize) {
                    ps.executeBatch();
                    con.commit();
                    inBatch = 0;
                }
            }
            if (inBatch > 0) { // HSQLDB refuses an empty batch
                ps.executeBatch();
            }
            con.commit();
        } finally {
            con.setAutoCommit(true);
        }
    }

    /** Writes the {@code ofImConversation} rows the archive writer would have kept for {@code messages}, all unread. */
    static void insertConversations(Connection con, List<ArchivedMessage> messages) throws SQLException {
        Map<List<String>, long[]> rows = new HashMap<>(); // (userA, userB) -> unreadA, unreadB, lastId, lastTs
        for (ArchivedMessage m : messages) {
            boolean senderIsA = m.sender().compareTo(m.receiver()) <= 0;
            long[] row = rows.computeIfAbsent(senderIsA ? List.of(m.sender(), m.receiver()) : List.of(m.receiver(), m.sender()),
                    k -> new long[4]);
            if (!m.sender().equals(m.receiver())) {
                row[senderIsA ? 1 : 0]++;
            }
            row[2] = m.msgId();
            row[3] = m.sentAt();
        }
        con.setAutoCommit(false);
        try (PreparedStatement ps = con.prepareStatement(INSERT_CONVERSATION)) {
            int n = 0;
            for (Map.Entry<List<String>, long[]> e : rows.entrySet()) {
                ps.setString(1, APP.toString());
                ps.setString(2, e.getKey().get(0));
                ps.setString(3, e.getKey().get(1));
                ps.setInt(4, (int) e.getValue()[0]);
                ps.setInt(5, (int) e.getValue()[1]);
                ps.setLong(6, e.getValue()[2]);
                ps.setLong(7, e.getValue()[3]);
                ps.addBatch();
                if (++n % 2000 == 0 || n == rows.size()) {
                    ps.executeBatch();
                }
            }
            con.commit();
        } finally {
            con.setAutoCommit(true);
        }
    }

    /**
     * A million-message archive (by default): {@code hot} messages between alice and bob, {@code ownerPeers}
     * conversations of user "owner" with 20 messages each, the rest between 5,000 users with 10 partners each;
     * interleaved in time. Returns the messages in id order.
     */
    static List<ArchivedMessage> generate(int total, int hot, int ownerPeers) {
        MessageIds ids = pastIds(30);
        List<ArchivedMessage> out = new ArrayList<>(total);
        java.util.Random random = new java.util.Random(42);
        int ownerMessages = ownerPeers * 20;
        for (int i = 0; i < total; i++) {
            int pick = random.nextInt(total);
            if (pick < hot) {
                out.add(i % 2 == 0 ? message(ids, "alice", "bob", i) : message(ids, "bob", "alice", i));
            } else if (pick < hot + ownerMessages) {
                String peer = "peer" + random.nextInt(ownerPeers);
                out.add(random.nextBoolean() ? message(ids, peer, "owner", i) : message(ids, "owner", peer, i));
            } else {
                int user = random.nextInt(5000);
                int partner = (user + 1 + random.nextInt(10)) % 5000;
                out.add(message(ids, "user" + user, "user" + partner, i));
            }
        }
        return out;
    }

    /** The median of {@code values} (the mean of the middle two when their count is even). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** "p50 x ms, p99 y ms" of latencies in nanoseconds; also returns p99 in ms through {@code p99Out[0]}. */
    static String percentiles(long[] nanos, double[] p99Out) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double p50 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.50) - 1)] / 1e6;
        double p99 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6;
        p99Out[0] = p99;
        return String.format(Locale.ROOT, "p50 %.3f ms, p99 %.3f ms", p50, p99);
    }

    /**
     * p50/p99 of {@code SELECT 1} round trips on {@code db}, printed next to latency figures: on a shared,
     * loaded machine the p99 of any query is bounded below by scheduling delays, and this shows how much.
     */
    static void printNoiseFloor(io.imcloud.sql.ConnectionProvider db, int requests) throws SQLException {
        String sql = db.databaseType() == DatabaseType.HSQLDB ? "VALUES (1)" : "SELECT 1";
        long[] nanos = new long[requests];
        for (int i = 0; i < requests; i++) {
            long t = System.nanoTime();
            try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql);
                 java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
            nanos[i] = System.nanoTime() - t;
        }
        System.out.printf(Locale.ROOT, "  %-48s %s%n", "noise floor: SELECT 1 round trip", percentiles(nanos, new double[1]));
    }

    static String ratio(String what, double value, double limit, boolean atLeast) {
        boolean ok = atLeast ? value >= limit : value <= limit;
        return String.format(Locale.ROOT, "  %-58s %8.3f  (target %s %.2f: %s)", what, value, atLeast ? ">=" : "<=", limit,
                ok ? "MET" : "MISSED");
    }
}
