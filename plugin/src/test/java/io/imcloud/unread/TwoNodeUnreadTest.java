package io.imcloud.unread;

import io.imcloud.archive.ArchiveFixtures;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.assertCountersConsistent;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unread counters under load from two cluster nodes: two archive writers with their own node ids on one database,
 * messages to one user from senders on both nodes at once, while both nodes fold the counters and the user marks
 * conversations read on either node. The counts are exact: each message counted once, nothing counted that was read.
 */
class TwoNodeUnreadTest {

    private static final AppUser BOB = AppUser.of(APP, "bob");
    private static final List<String> ON_NODE_1 = List.of("alice", "carol");
    private static final List<String> ON_NODE_2 = List.of("dave", "erin");
    private static final int PER_SENDER = 250;
    private static final int MARK_READS = 40;

    @AllDatabases
    void messagesFromBothNodesAtOnceAreEachCountedOnce(TestDatabase db) throws Exception {
        try (SqlArchive node1 = new SqlArchive(db, new MessageIds(1), settings(10_000, 20));
             SqlArchive node2 = new SqlArchive(db, new MessageIds(2), settings(10_000, 20))) {
            AtomicBoolean writing = new AtomicBoolean(true);
            CompletableFuture<Void> folds = foldWhile(writing, node1, node2);
            List<CompletableFuture<Void>> senders = new ArrayList<>();
            ON_NODE_1.forEach(sender -> senders.add(sendAll(node1, sender, PER_SENDER)));
            ON_NODE_2.forEach(sender -> senders.add(sendAll(node2, sender, PER_SENDER)));
            senders.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < PER_SENDER; i++) {
                    send(i % 2 == 0 ? node1 : node2, APP, "bob", i % 2 == 0 ? "alice" : "dave", null);
                }
            }));
            CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            node1.flush();
            node2.flush();
            writing.set(false);
            folds.get(5, TimeUnit.MINUTES);

            UnreadCounters counters = new UnreadCounters(db);
            assertEquals(4 * PER_SENDER, counters.unread(BOB).total(), "every message to bob once, none of his own");
            for (String sender : List.of("alice", "carol", "dave", "erin")) {
                assertEquals(PER_SENDER, counters.unread(BOB, sender), sender);
            }
            assertEquals(PER_SENDER / 2, counters.unread(AppUser.of(APP, "alice"), "bob"), "bob's messages to alice");
            assertEquals(PER_SENDER / 2, counters.unread(AppUser.of(APP, "dave"), "bob"), "bob's messages to dave");
            assertCountersConsistent(db);
            node2.foldCounters();
            assertCountersConsistent(db);
            assertEquals(4 * PER_SENDER, counters.unread(BOB).total(), "the same once everything is folded");
        }
    }

    /**
     * Mark-reads on both nodes while messages from both nodes arrive and both nodes fold: afterwards each conversation
     * counts exactly the messages above bob's read mark, as the archive has them.
     */
    @AllDatabases
    void readMarksOnBothNodesAmongMessagesFromBothNodesLeaveExactCounts(TestDatabase db) throws Exception {
        try (SqlArchive node1 = new SqlArchive(db, new MessageIds(1), settings(10_000, 20));
             SqlArchive node2 = new SqlArchive(db, new MessageIds(2), settings(10_000, 20))) {
            AtomicBoolean writing = new AtomicBoolean(true);
            CompletableFuture<Void> folds = foldWhile(writing, node1, node2);
            List<CompletableFuture<Void>> senders = new ArrayList<>();
            ON_NODE_1.forEach(sender -> senders.add(sendAll(node1, sender, PER_SENDER)));
            ON_NODE_2.forEach(sender -> senders.add(sendAll(node2, sender, PER_SENDER)));
            for (int i = 0; i < MARK_READS; i++) {
                SqlArchive node = i % 2 == 0 ? node1 : node2;
                int left = node.markRead(BOB, List.of("alice", "carol", "dave", "erin").get(i % 4), null).get(1, TimeUnit.MINUTES);
                assertTrue(left >= 0, "bob's unread messages after a mark-read: " + left);
            }
            CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            node1.flush();
            node2.flush();
            writing.set(false);
            folds.get(5, TimeUnit.MINUTES);
            node1.foldCounters();

            assertCountersConsistent(db);
            UnreadCounters counters = new UnreadCounters(db);
            long total = 0;
            for (String sender : List.of("alice", "carol", "dave", "erin")) {
                long aboveMark = unreadOverTheArchive(db, sender);
                assertEquals(aboveMark, counters.unread(BOB, sender), sender);
                total += aboveMark;
            }
            assertEquals(total, counters.unread(BOB).total());
        }
    }

    /**
     * Bob's client shows alice's message and marks it displayed on node 2 before node 1 has committed it (here: while
     * node 1 cannot reach the database): the mark holds, and the message counts as read when it comes. An unknown id
     * that is not recent, or ahead of the clock, still marks nothing, and neither does a recent one on a lone node.
     */
    @AllDatabases
    void aMarkByAnArchiveIdAnotherNodeHasNotCommittedYetHolds(TestDatabase db) throws Exception {
        ArchiveFixtures.FlakyDatabase node1Link = new ArchiveFixtures.FlakyDatabase(db);
        try (SqlArchive node1 = new SqlArchive(node1Link, new MessageIds(1), settings(10_000, 20));
             SqlArchive node2 = new SqlArchive(db, new MessageIds(2), settings(10_000, 20))) {
            node1Link.setDown(true);
            ArchivedMessage shown = send(node1, APP, "alice", "bob", "a1");
            assertEquals(0, node2.markRead(BOB, "alice", Long.toString(shown.msgId())).get(1, TimeUnit.MINUTES));
            long now = System.currentTimeMillis();
            assertEquals(-1, node2.markRead(BOB, "alice", Long.toString(MessageIds.firstIdAt(now - 60_000))).get(1, TimeUnit.MINUTES),
                    "a minute old");
            assertEquals(-1, node2.markRead(BOB, "alice", Long.toString(MessageIds.firstIdAt(now + 60_000))).get(1, TimeUnit.MINUTES),
                    "a minute ahead");
            node1Link.setDown(false);
            node1.flush();
            send(node1, APP, "alice", "bob", "a2");
            node1.flush();
            assertEquals(1, new UnreadCounters(db).unread(BOB, "alice"), "a1 read, a2 not");
            node1.foldCounters();
            assertEquals(1, new UnreadCounters(db).unread(BOB, "alice"), "the same once folded");
            assertCountersConsistent(db);
        }
        try (SqlArchive alone = new SqlArchive(db, new MessageIds(3), settings(10_000, 20), () -> false)) {
            assertEquals(-1, alone.markRead(BOB, "alice", Long.toString(alone.nextId())).get(1, TimeUnit.MINUTES),
                    "on a lone node an id in no table was never issued");
        }
    }

    private static CompletableFuture<Void> sendAll(SqlArchive node, String sender, int count) {
        return CompletableFuture.runAsync(() -> {
            for (int i = 0; i < count; i++) {
                send(node, APP, sender, "bob", null);
            }
        });
    }

    /** Folds on the two nodes in turn until {@code writing} ends, as their maintenance threads would. */
    private static CompletableFuture<Void> foldWhile(AtomicBoolean writing, SqlArchive node1, SqlArchive node2) {
        return CompletableFuture.runAsync(() -> {
            for (int i = 0; writing.get(); i++) {
                (i % 2 == 0 ? node1 : node2).foldCounters();
            }
        });
    }

    /** Messages from {@code sender} to bob above bob's read mark of that conversation, counted over the archive. */
    private static long unreadOverTheArchive(TestDatabase db, String sender) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImMessage m"
                + " WHERE m.appKey = ? AND m.sender = ? AND m.receiver = 'bob' AND m.msgId > COALESCE((SELECT CASE WHEN"
                + " c.userA = 'bob' THEN c.readUpToA ELSE c.readUpToB END FROM ofImConversation c WHERE c.appKey = m.appKey"
                + " AND ((c.userA = 'bob' AND c.userB = m.sender) OR (c.userB = 'bob' AND c.userA = m.sender))), 0)")) {
            ps.setString(1, APP.toString());
            ps.setString(2, sender);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
