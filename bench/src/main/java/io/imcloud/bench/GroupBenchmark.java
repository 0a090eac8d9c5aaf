package io.imcloud.bench;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.GroupMessage;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.archive.WriterSettings;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.unread.UnreadCounters;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import static io.imcloud.bench.ArchiveBenchSupport.APP;
import static io.imcloud.bench.ArchiveBenchSupport.intProperty;
import static io.imcloud.bench.ArchiveBenchSupport.percentiles;
import static io.imcloud.bench.ArchiveBenchSupport.ratio;

/**
 * Group archive benchmarks, each figure with its ratio to a limit measured in the same run:
 * (a) archive writer messages/s for group messages (spread over {@code bench.groups} groups of 10 members, and over 10
 * busy groups) against the same writer with as many 1:1 messages (counters on, spread over many conversations): a group
 * message is stored once for its group, like a 1:1 message, but also moves its group's sequence and its sender's own
 * count, two primary-key updates per distinct group and sender of a batch: over 10 busy groups those are few (target
 * >= 0.5), spread over 1,000 groups nearly every message has its own, three statements where a 1:1 message has one
 * (target >= 0.33);
 * (b) one message to a group of {@code bench.size} members (3,000) against one to a group of 2: the rows it writes
 * (its own, the group's row, the sender's member row, whatever the size) and the time from append to commit, p50 over
 * {@code bench.samples} messages (target: the large group at most 1.5 times the small one); and reading a member's
 * unread summary in each (the same target).
 *
 * <p>Run: {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.GroupBenchmark}; sizes
 * {@code -Dbench.messages=50000 -Dbench.batch=500 -Dbench.rounds=3 -Dbench.groups=1000 -Dbench.size=3000
 * -Dbench.samples=300 -Dbench.dbs=hsqldb,postgresql}; throughput figures are the best of alternating rounds.
 */
public final class GroupBenchmark {

    private static final int MEMBERS_PER_GROUP = 10;
    /** Groups of the load in which a batch holds many messages of each group. */
    private static final int BUSY_GROUPS = 10;

    private GroupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = intProperty("bench.messages", 50_000);
        int batch = intProperty("bench.batch", 500);
        int rounds = intProperty("bench.rounds", 3);
        int groups = intProperty("bench.groups", 1000);
        int size = intProperty("bench.size", 3000);
        int samples = intProperty("bench.samples", 300);
        for (DatabaseType type : ArchiveBenchSupport.databases()) {
            System.out.println("== " + type.scriptName());
            throughput(type, messages, batch, rounds, groups);
            oneMessage(type, size, samples);
        }
    }

    private static void throughput(DatabaseType type, int messages, int batch, int rounds, int groups) throws Exception {
        WriterSettings settings = WriterSettings.of(batch * 20, batch);
        List<ArchivedMessage> chats = ArchiveBenchSupport.generate(messages, messages / 10, 500);
        List<GroupMessage> spread = groupMessages(messages, groups);
        List<GroupMessage> busy = groupMessages(messages, BUSY_GROUPS);
        chatWriter(type, chats.subList(0, Math.min(messages, 10_000)), settings);
        groupWriter(type, spread.subList(0, Math.min(messages, 10_000)), groups, settings);
        double chat = 0;
        double spreadRate = 0;
        double busyRate = 0;
        for (int round = 0; round < rounds; round++) {
            // which load goes first alternates, so that none always inherits another's garbage
            if (round % 2 == 0) {
                chat = Math.max(chat, chatWriter(type, chats, settings));
                spreadRate = Math.max(spreadRate, groupWriter(type, spread, groups, settings));
                busyRate = Math.max(busyRate, groupWriter(type, busy, BUSY_GROUPS, settings));
            } else {
                busyRate = Math.max(busyRate, groupWriter(type, busy, BUSY_GROUPS, settings));
                spreadRate = Math.max(spreadRate, groupWriter(type, spread, groups, settings));
                chat = Math.max(chat, chatWriter(type, chats, settings));
            }
        }
        System.out.printf(Locale.ROOT, "  writer, 1:1 messages (counters on)            %,10.0f msg/s%n", chat);
        System.out.printf(Locale.ROOT, "  writer, group messages over %,5d groups       %,10.0f msg/s%n", groups, spreadRate);
        System.out.printf(Locale.ROOT, "  writer, group messages over %,5d busy groups  %,10.0f msg/s%n", BUSY_GROUPS, busyRate);
        // spread thin, each message of a batch has a group and a sender of its own: three statements where a 1:1 has one
        System.out.println(ratio("(a) writer group / 1:1 messages, " + groups + " groups", spreadRate / chat, 0.33, true));
        System.out.println(ratio("(a) writer group / 1:1 messages, " + BUSY_GROUPS + " busy groups", busyRate / chat, 0.5, true));
    }

    private static double chatWriter(DatabaseType type, List<ArchivedMessage> load, WriterSettings settings) {
        try (TestDatabase db = TestDatabase.create(type); SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings)) {
            System.gc();
            long start = System.nanoTime();
            for (ArchivedMessage m : load) {
                while (!archive.append(m)) {
                    LockSupport.parkNanos(50_000);
                }
            }
            archive.flush();
            return load.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double groupWriter(DatabaseType type, List<GroupMessage> load, int groups, WriterSettings settings) throws SQLException {
        try (TestDatabase db = TestDatabase.create(type); SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings)) {
            for (int g = 0; g < groups; g++) {
                insertGroup(db, g, MEMBERS_PER_GROUP);
            }
            System.gc();
            long start = System.nanoTime();
            for (GroupMessage m : load) {
                while (!archive.appendGroup(m)) {
                    LockSupport.parkNanos(50_000);
                }
            }
            archive.flush();
            return load.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** {@code count} messages of weeks-old ids, each to a random one of {@code groups} groups from one of its members. */
    private static List<GroupMessage> groupMessages(int count, int groups) {
        MessageIds ids = ArchiveBenchSupport.pastIds(30);
        Random random = new Random(42);
        List<GroupMessage> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int g = random.nextInt(groups);
            long id = ids.next();
            out.add(new GroupMessage(id, APP, groupId(g), member(g, random.nextInt(MEMBERS_PER_GROUP)), MessageIds.timestampOf(id),
                    "groupchat", "message number " + i, null, null, "c" + i));
        }
        return out;
    }

    /**
     * One message at a time, appended and committed, to a group of {@code size} members and to a group of 2, in turn:
     * the rows each writes and the time to commit; then a member's unread summary in each.
     */
    private static void oneMessage(DatabaseType type, int size, int samples) throws Exception {
        try (TestDatabase db = TestDatabase.create(type);
             SqlArchive archive = new SqlArchive(db, new MessageIds(1), WriterSettings.of(10_000, 500))) {
            insertGroup(db, 0, size);
            insertGroup(db, 1, 2);
            Rows beforeLarge = rows(db, 0);
            Rows beforeSmall = rows(db, 1);
            long[] large = new long[samples];
            long[] small = new long[samples];
            for (int i = 0; i < samples; i++) {
                large[i] = commitOne(archive, 0, member(0, i % size));
                small[i] = commitOne(archive, 1, member(1, i % 2));
            }
            Rows afterLarge = rows(db, 0);
            Rows afterSmall = rows(db, 1);
            System.out.printf(Locale.ROOT, "  rows written per message, %,d members: %s%n", size, afterLarge.minus(beforeLarge, samples));
            System.out.printf(Locale.ROOT, "  rows written per message, 2 members:     %s%n", afterSmall.minus(beforeSmall, samples));
            double[] p99 = new double[1];
            System.out.printf(Locale.ROOT, "  append to commit, %,d members:        %s%n", size, percentiles(large, p99));
            System.out.printf(Locale.ROOT, "  append to commit, 2 members:            %s%n", percentiles(small, p99));
            System.out.println(ratio("(b) one message, " + size + " members / 2 members (p50)", median(large) / median(small), 1.5, false));

            UnreadCounters counters = new UnreadCounters(db);
            long[] readLarge = new long[samples];
            long[] readSmall = new long[samples];
            for (int i = 0; i < samples; i++) {
                readLarge[i] = timeUnread(counters, member(0, 1 + i % (size - 1)));
                readSmall[i] = timeUnread(counters, member(1, 1));
            }
            System.out.printf(Locale.ROOT, "  a member's unread summary, %,d members: %s%n", size, percentiles(readLarge, p99));
            System.out.printf(Locale.ROOT, "  a member's unread summary, 2 members:     %s%n", percentiles(readSmall, p99));
            System.out.println(ratio("(b) unread summary, " + size + " members / 2 members (p50)", median(readLarge) / median(readSmall),
                    1.5, false));
        }
    }

    private static long commitOne(SqlArchive archive, int group, String sender) {
        long start = System.nanoTime();
        long id = archive.nextId();
        if (!archive.appendGroup(new GroupMessage(id, APP, groupId(group), sender, MessageIds.timestampOf(id), "groupchat",
                "hello everyone", null, null, null))) {
            throw new IllegalStateException("queue full");
        }
        archive.flush();
        return System.nanoTime() - start;
    }

    private static long timeUnread(UnreadCounters counters, String username) {
        long start = System.nanoTime();
        if (counters.unread(new AppUser(APP, username)).total() < 0) {
            throw new IllegalStateException("negative unread");
        }
        return System.nanoTime() - start;
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** What one group's messages changed: message rows, and group and member rows whose values differ. */
    private record Rows(long messages, String group, List<String> members) {
        String minus(Rows before, int sent) {
            int changedMembers = 0;
            for (int i = 0; i < members.size(); i++) {
                if (!members.get(i).equals(before.members.get(i))) {
                    changedMembers++;
                }
            }
            return String.format(Locale.ROOT, "%.2f message row inserted, %d group row updated, %d member rows updated over"
                    + " %d messages (one per distinct sender; none per receiving member)",
                    (messages - before.messages) / (double) sent, group.equals(before.group) ? 0 : 1, changedMembers, sent);
        }
    }

    private static Rows rows(TestDatabase db, int group) throws SQLException {
        try (Connection con = db.getConnection()) {
            long messages;
            try (PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImGroupMessage WHERE groupId = ?")) {
                ps.setLong(1, groupId(group));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    messages = rs.getLong(1);
                }
            }
            String row;
            try (PreparedStatement ps = con.prepareStatement("SELECT lastSeq, lastMsgId FROM ofImGroup WHERE groupId = ?")) {
                ps.setLong(1, groupId(group));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    row = rs.getLong(1) + "/" + rs.getLong(2);
                }
            }
            List<String> members = new ArrayList<>();
            try (PreparedStatement ps = con.prepareStatement("SELECT username, readSeq, ownAfterRead FROM ofImGroupMember"
                    + " WHERE groupId = ? ORDER BY username")) {
                ps.setLong(1, groupId(group));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        members.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getInt(3));
                    }
                }
            }
            return new Rows(messages, row, members);
        }
    }

    /** The group's row and {@code members} member rows, as the group service writes them at creation. */
    private static void insertGroup(TestDatabase db, int group, int members) throws SQLException {
        try (Connection con = db.getConnection()) {
            con.setAutoCommit(false);
            try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImGroup (appKey, groupId, groupName, publicGroup,"
                    + " maxUsers, owner, memberCount, lastSeq, lastMsgId, lastTs, created, modified)"
                    + " VALUES (?, ?, ?, 0, ?, ?, ?, 0, 0, 0, 0, 0)")) {
                ps.setString(1, APP.toString());
                ps.setLong(2, groupId(group));
                ps.setString(3, "group " + group);
                ps.setInt(4, members);
                ps.setString(5, member(group, 0));
                ps.setInt(6, members);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImGroupMember (appKey, groupId, username, memberRole,"
                    + " joined, readSeq, ownAfterRead) VALUES (?, ?, ?, ?, 0, 0, 0)")) {
                for (int m = 0; m < members; m++) {
                    ps.setString(1, APP.toString());
                    ps.setLong(2, groupId(group));
                    ps.setString(3, member(group, m));
                    ps.setInt(4, m == 0 ? 0 : 2);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            con.commit();
        }
    }

    private static long groupId(int group) {
        return 1_000_000L + group;
    }

    private static String member(int group, int member) {
        return "g" + group + "m" + member;
    }
}
