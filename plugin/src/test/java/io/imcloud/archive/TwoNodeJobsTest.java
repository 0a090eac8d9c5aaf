package io.imcloud.archive;

import io.imcloud.groups.Group;
import io.imcloud.groups.GroupLimits;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.NewGroup;
import io.imcloud.groups.RecordingRooms;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.OTHER_APP;
import static io.imcloud.archive.ArchiveFixtures.assertCountersConsistent;
import static io.imcloud.archive.ArchiveFixtures.createApp;
import static io.imcloud.archive.ArchiveFixtures.foldCommitted;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The archive's background jobs run by two cluster nodes at once on one database, as every node of a cluster runs
 * them: each message is deleted by one of them (the counts they report add up to what went), and the counters and
 * conversation list stay consistent.
 */
class TwoNodeJobsTest {

    private static final long DAY = 86_400_000L;
    private static final long NOW = 1_750_000_000_000L;
    private static final String[] USERS = {"alice", "bob", "carol", "dave"};

    @AllDatabases
    void retentionSweepsOnTwoNodesAtOnceDeleteEachMessageOnce(TestDatabase db) throws Exception {
        createApp(db, APP, 2);
        AtomicLong clock = new AtomicLong(NOW - 5 * DAY);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1, clock::get), settings(10_000, 100))) {
            GroupService groups = new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, archive::nextId,
                    Clock.systemUTC(), GroupLimits::defaults);
            Group group = groups.create(APP, new NewGroup("g", null, false, null, "alice", List.of("bob", "carol")));
            int old = writeMessages(archive, group, 300);
            clock.set(NOW - DAY);
            writeMessages(archive, group, 40);
            archive.flush();
            foldCommitted(archive);

            RetentionSweeper nodeA = new RetentionSweeper(db, 7, 1000, () -> NOW);
            RetentionSweeper nodeB = new RetentionSweeper(db, 7, 1000, () -> NOW);
            CompletableFuture<Long> onA = CompletableFuture.supplyAsync(() -> sweepUntilDone(nodeA::sweepOnce));
            CompletableFuture<Long> onB = CompletableFuture.supplyAsync(() -> sweepUntilDone(nodeB::sweepOnce));

            assertEquals(old, onA.get() + onB.get(), "every expired message deleted once, by one node or the other");
            assertEquals(40, db.count("ofImMessage") + db.count("ofImGroupMessage"));
            assertCountersConsistent(db);
            for (String member : List.of("alice", "bob", "carol")) {
                assertEquals(longOf(db, "SELECT COUNT(*) FROM ofImGroupMessage WHERE sender <> '" + member + "'"),
                        longOf(db, "SELECT g.lastSeq - m.readSeq - m.ownAfterRead FROM ofImGroup g JOIN ofImGroupMember m"
                                + " ON m.appKey = g.appKey AND m.groupId = g.groupId WHERE m.username = '" + member + "'"),
                        member + "'s group unread: the fresh messages of the others");
            }
        }
    }

    @AllDatabases
    void purgesOfOneAppOnTwoNodesAtOnceDeleteEachMessageOnce(TestDatabase db) throws Exception {
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(10_000, 100))) {
            GroupService groups = new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, archive::nextId,
                    Clock.systemUTC(), GroupLimits::defaults);
            Group group = groups.create(APP, new NewGroup("g", null, false, null, "alice", List.of("bob")));
            int written = writeMessages(archive, group, 200);
            send(archive, OTHER_APP, "alice", "bob", null);
            archive.flush();
            foldCommitted(archive);

            ArchivePurge nodeA = new ArchivePurge(db, 3);
            ArchivePurge nodeB = new ArchivePurge(db, 3);
            CompletableFuture<Long> onA = CompletableFuture.supplyAsync(() -> nodeA.deleteAll(APP));
            CompletableFuture<Long> onB = CompletableFuture.supplyAsync(() -> nodeB.deleteAll(APP));

            assertEquals(written, onA.get() + onB.get());
            assertEquals(1, db.count("ofImMessage"), "the other app's message stays");
            assertEquals(0, db.count("ofImGroupMessage"));
            assertEquals(1, db.count("ofImConversation"), "the other app's conversation stays");
        }
    }

    /** {@code count} messages: 1:1 between every pair of users in turn, every third one to the group instead. */
    private static int writeMessages(SqlArchive archive, Group group, int count) {
        for (int i = 0; i < count; i++) {
            String from = USERS[i % USERS.length];
            if (i % 3 == 0) {
                String member = List.of("alice", "bob").get(i % 2);
                long id = archive.nextId();
                archive.appendGroup(new GroupMessage(id, APP, group.groupId(), member, MessageIds.timestampOf(id), "groupchat",
                        "g" + i, null, null, null));
            } else {
                String to = USERS[(i / USERS.length + i + 1) % USERS.length];
                send(archive, APP, from, to.equals(from) ? USERS[(i + 2) % USERS.length] : to, null);
            }
        }
        return count;
    }

    private static long longOf(TestDatabase db, String sql) throws SQLException {
        try (Connection con = db.getConnection(); Statement st = con.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long sweepUntilDone(LongSupplier sweep) {
        long total = 0;
        long n;
        while ((n = sweep.getAsLong()) > 0) {
            total += n;
        }
        return total;
    }
}
