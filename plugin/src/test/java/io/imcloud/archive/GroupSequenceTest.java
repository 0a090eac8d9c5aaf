package io.imcloud.archive;

import io.imcloud.groups.Group;
import io.imcloud.groups.GroupLimits;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.NewGroup;
import io.imcloud.groups.RecordingRooms;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.unread.UnreadCounters;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The group sequence under two cluster nodes' writers committing into one group at once, with read marks moving
 * meanwhile: every message gets its own number, the numbers have no gap, and each member's count from the two rows
 * equals a count over the archive.
 */
class GroupSequenceTest {

    private static final int PER_NODE = 300;

    @AllDatabases
    void twoNodesNumberOneGroupsMessagesWithoutGapAndTheCountsStayExact(TestDatabase db) throws Exception {
        try (SqlArchive node1 = new SqlArchive(db, new MessageIds(1), ArchiveFixtures.settings(10_000, 20));
             SqlArchive node2 = new SqlArchive(db, new MessageIds(2), ArchiveFixtures.settings(10_000, 20))) {
            GroupService groups = new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, node1::nextId,
                    Clock.systemUTC(), GroupLimits::defaults);
            Group group = groups.create(APP, new NewGroup("g", null, false, null, "alice", List.of("bob", "carol")));
            AppUser carol = new AppUser(APP, "carol");
            List<CompletableFuture<Integer>> marks = new ArrayList<>();
            Thread alice = new Thread(() -> send(node1, group, "alice"));
            Thread bob = new Thread(() -> send(node2, group, "bob"));
            alice.start();
            bob.start();
            while (alice.isAlive() || bob.isAlive()) {
                marks.add((marks.size() % 2 == 0 ? node1 : node2).markGroupRead(carol, group.groupId(), null));
                Thread.sleep(2);
            }
            alice.join();
            bob.join();
            node1.flush();
            node2.flush();
            for (CompletableFuture<Integer> mark : marks) {
                assertTrue(mark.get(10, TimeUnit.SECONDS) >= 0);
            }

            List<Long> seqs = longs(db, "SELECT seq FROM ofImGroupMessage ORDER BY seq");
            assertEquals(2 * PER_NODE, seqs.size());
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i + 1, seqs.get(i), "numbers 1.." + seqs.size() + " without gap or repeat");
            }
            assertEquals(List.of((long) 2 * PER_NODE), longs(db, "SELECT lastSeq FROM ofImGroup"));
            for (String member : List.of("alice", "bob", "carol")) {
                long fromRows = longs(db, "SELECT g.lastSeq - m.readSeq - m.ownAfterRead FROM ofImGroup g JOIN ofImGroupMember m"
                        + " ON m.appKey = g.appKey AND m.groupId = g.groupId WHERE m.username = '" + member + "'").get(0);
                long readSeq = longs(db, "SELECT readSeq FROM ofImGroupMember WHERE username = '" + member + "'").get(0);
                long overArchive = longs(db, "SELECT COUNT(*) FROM ofImGroupMessage WHERE seq > " + readSeq
                        + " AND sender <> '" + member + "'").get(0);
                assertEquals(overArchive, fromRows, member + "'s unread count");
            }
            assertEquals(PER_NODE, longs(db, "SELECT ownAfterRead FROM ofImGroupMember WHERE username = 'alice'").get(0),
                    "alice read nothing: all her messages are above her mark");
        }
    }

    @AllDatabases
    void theMessagesOfADeletedGroupAreDroppedAndTheRestOfTheBatchKept(TestDatabase db) throws Exception {
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), ArchiveFixtures.settings(1000, 100))) {
            GroupService groups = new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, archive::nextId,
                    Clock.systemUTC(), GroupLimits::defaults);
            Group kept = groups.create(APP, new NewGroup("kept", null, false, null, "alice", List.of()));
            Group gone = groups.create(APP, new NewGroup("gone", null, false, null, "alice", List.of()));
            groups.delete(APP, gone.groupId());
            append(archive, gone, "alice", "lost");
            append(archive, kept, "alice", "kept");
            archive.flush();
            assertEquals(List.of(kept.groupId()), longs(db, "SELECT groupId FROM ofImGroupMessage"));
            assertEquals(-1, archive.markGroupRead(new AppUser(APP, "alice"), gone.groupId(), null).get(),
                    "no member of a deleted group");
        }
    }

    /**
     * Carol's client shows alice's group message and marks it displayed on node 2 before node 1 has committed it (here:
     * while node 1 cannot reach the database): the mark waits for the message's number and then holds, so the message
     * counts as read; a later one does not. An unknown id a minute old, and a recent one on a lone node, mark nothing.
     */
    @AllDatabases
    void aGroupMarkByAMessageAnotherNodeHasNotCommittedYetWaitsForIt(TestDatabase db) throws Exception {
        ArchiveFixtures.FlakyDatabase node1Link = new ArchiveFixtures.FlakyDatabase(db);
        AppUser carol = new AppUser(APP, "carol");
        try (SqlArchive node1 = new SqlArchive(node1Link, new MessageIds(1), ArchiveFixtures.settings(10_000, 20));
             SqlArchive node2 = new SqlArchive(db, new MessageIds(2), ArchiveFixtures.settings(10_000, 20))) {
            GroupService groups = new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, node2::nextId,
                    Clock.systemUTC(), GroupLimits::defaults);
            Group group = groups.create(APP, new NewGroup("g", null, false, null, "alice", List.of("carol")));
            append(node2, group, "alice", "committed before");
            node2.flush();
            node1Link.setDown(true);
            long shown = append(node1, group, "alice", "shown");
            CompletableFuture<Integer> mark = node2.markGroupRead(carol, group.groupId(), Long.toString(shown));
            Thread.sleep(5 * SqlArchive.UNCOMMITTED_MARK_RETRY_MILLIS);
            assertFalse(mark.isDone(), "the mark waits while the message has no number");
            long minuteOld = MessageIds.firstIdAt(System.currentTimeMillis() - 60_000);
            assertEquals(-1, node2.markGroupRead(carol, group.groupId(), Long.toString(minuteOld)).get(1, TimeUnit.MINUTES));

            node1Link.setDown(false);
            node1.flush();
            assertEquals(0, mark.get(1, TimeUnit.MINUTES), "both messages read");
            append(node1, group, "alice", "after");
            node1.flush();
            assertEquals(1, new UnreadCounters(db).unread(carol).total(), "only the message after the mark");
        }
        try (SqlArchive alone = new SqlArchive(db, new MessageIds(3), ArchiveFixtures.settings(10_000, 20), () -> false)) {
            Group group = new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, alone::nextId,
                    Clock.systemUTC(), GroupLimits::defaults).create(APP, new NewGroup("lone", null, false, null, "alice", List.of("carol")));
            assertEquals(-1, alone.markGroupRead(carol, group.groupId(), Long.toString(alone.nextId())).get(1, TimeUnit.MINUTES),
                    "on a lone node an id in no table was never issued");
        }
    }

    private static void send(SqlArchive archive, Group group, String sender) {
        for (int i = 0; i < PER_NODE; i++) {
            append(archive, group, sender, sender + " " + i);
        }
    }

    private static long append(SqlArchive archive, Group group, String sender, String body) {
        long id = archive.nextId();
        assertTrue(archive.appendGroup(new GroupMessage(id, APP, group.groupId(), sender, MessageIds.timestampOf(id), "groupchat",
                body, null, null, null)));
        return id;
    }

    private static List<Long> longs(TestDatabase db, String sql) throws Exception {
        List<Long> values = new ArrayList<>();
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }
}
