package io.imcloud.unread;

import io.imcloud.archive.ArchiveFixtures;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.archive.WriterSettings;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.foldAndAssertConsistent;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unread counters: rising with archived messages, falling with mark-read, exact under concurrency. */
class UnreadCountersTest {

    private static final AppUser OWNER = AppUser.of(APP, "owner");

    @AllDatabases
    void countsMessagesFromEachPeerButNeverTheOwnersOwn(TestDatabase db) throws Exception {
        UnreadCounters counters = new UnreadCounters(db);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 7))) {
            int[] sent = {5, 3, 9};
            for (int round = 0; round < 9; round++) {
                for (int p = 0; p < sent.length; p++) {
                    if (round < sent[p]) {
                        send(archive, APP, "peer" + p, "owner", null);
                    }
                }
                if (round < 4) {
                    send(archive, APP, "owner", "peer0", null);
                }
            }
            send(archive, APP, "owner", "owner", null); // a note to self counts for nobody
            archive.flush();
            UnreadSummary summary = counters.unread(OWNER);
            assertEquals(17, summary.total());
            Map<String, Integer> perPeer = summary.conversations().stream()
                    .collect(Collectors.toMap(UnreadSummary.PeerUnread::peer, UnreadSummary.PeerUnread::unreadNum));
            assertEquals(Map.of("peer0", 5, "peer1", 3, "peer2", 9), perPeer);
            assertEquals("peer2", summary.conversations().get(0).peer(), "most recent conversation first");
            assertEquals(4, counters.unread(AppUser.of(APP, "peer0"), "owner"), "the owner's messages count for peer0");
            assertEquals(0, counters.unread(AppUser.of(APP, "peer1"), "owner"));
            assertEquals(0, counters.unread(OWNER, "nobody"));
            UnreadSummary before = counters.unread(OWNER);
            assertEquals(4, foldAndAssertConsistent(archive, db), "3 conversations of one row each + the note to self");
            assertEquals(before, counters.unread(OWNER), "the same counts after the fold");
        }
    }

    /** A client id is looked for among the conversation's newest messages only: markers name what was just shown. */
    @AllDatabases
    void aClientIdNamesOneOfTheConversationsNewestMessages(TestDatabase db) throws Exception {
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 100))) {
            send(archive, APP, "bob", "owner", "old");
            for (int i = 0; i < 200 - 1; i++) { // 200: the lookback the README documents
                send(archive, APP, i % 2 == 0 ? "bob" : "owner", i % 2 == 0 ? "owner" : "bob", "n" + i);
            }
            send(archive, APP, "bob", "owner", "n0"); // a client id used twice: the newest message is meant
            assertEquals(-1, archive.markRead(OWNER, "bob", "old").get(), "beyond the newest messages");
            assertEquals(0, archive.markRead(OWNER, "bob", "n0").get(), "the newest message of that id");
        }
    }

    @AllDatabases
    void markReadAllUpToAnArchiveIdOrAClientIdAndRefusesUnknownIds(TestDatabase db) throws Exception {
        UnreadCounters counters = new UnreadCounters(db);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 7))) {
            List<ArchivedMessage> fromBob = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fromBob.add(send(archive, APP, "bob", "owner", "b" + i));
            }
            ArchivedMessage own = send(archive, APP, "owner", "bob", "mine");
            ArchivedMessage elsewhere = send(archive, APP, "carol", "owner", "c0");
            assertEquals(4, archive.markRead(OWNER, "bob", "b1").get(), "client id of bob's message");
            assertEquals(2, archive.markRead(OWNER, "Bob", Long.toString(fromBob.get(3).msgId())).get(), "archive id");
            assertEquals(-1, archive.markRead(OWNER, "bob", "nope").get(), "unknown client id");
            assertEquals(-1, archive.markRead(OWNER, "bob", "mine").get(), "a client id of the owner's own message");
            assertEquals(-1, archive.markRead(OWNER, "bob", Long.toString(elsewhere.msgId())).get(), "another conversation");
            assertEquals(2, counters.unread(OWNER, "bob"), "unknown ids changed nothing");
            assertEquals(0, archive.markRead(OWNER, "bob", Long.toString(own.msgId())).get(), "up to the owner's own later message");
            assertEquals(0, archive.markRead(OWNER, "bob", "b0").get(), "the mark never moves back");
            send(archive, APP, "bob", "owner", "b6");
            archive.flush();
            assertEquals(1, counters.unread(OWNER, "bob"));
            assertEquals(2, counters.unread(OWNER).total());
            assertEquals(0, archive.markRead(OWNER, "bob", null).get(), "all");
            assertEquals(0, archive.markRead(OWNER, "nobody", null).get(), "no conversation: nothing unread");
            assertEquals(1, counters.unread(OWNER).total());
            foldAndAssertConsistent(archive, db);
            assertEquals(1, counters.unread(OWNER).total());
        }
    }

    @AllDatabases
    void concurrentSendsReadsAndMarksOnTwoNodesEndExact(TestDatabase db) throws Exception {
        sendReadAndMarkOnTwoNodes(db, settings(10_000, 16));
    }

    /** The same while both writers fold all the time (between every two batches, no lag). */
    @AllDatabases
    void concurrentSendsReadsMarksAndFoldsOnTwoNodesEndExact(TestDatabase db) throws Exception {
        sendReadAndMarkOnTwoNodes(db, settings(10_000, 16).withFolding(Duration.ZERO, Duration.ZERO));
    }

    private static void sendReadAndMarkOnTwoNodes(TestDatabase db, WriterSettings settings) throws Exception {
        UnreadCounters counters = new UnreadCounters(db);
        int peers = 4;
        int perPeer = 150;
        try (SqlArchive node1 = new SqlArchive(db, new MessageIds(1), settings);
             SqlArchive node2 = new SqlArchive(db, new MessageIds(2), settings)) {
            ExecutorService pool = Executors.newFixedThreadPool(peers + 2);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (int p = 0; p < peers; p++) {
                String peer = "peer" + p;
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perPeer; i++) {
                        send(i % 2 == 0 ? node1 : node2, APP, peer, "owner", null);
                    }
                    return null;
                }));
            }
            Map<Integer, Integer> marks = new ConcurrentHashMap<>();
            work.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 40; i++) {
                    int left = (i % 2 == 0 ? node1 : node2).markRead(OWNER, "peer0", null).get();
                    assertTrue(left >= 0);
                    marks.put(i, left);
                }
                return null;
            }));
            work.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 200; i++) {
                    long total = counters.unread(OWNER).total();
                    assertTrue(total >= 0 && total <= (long) peers * perPeer, "total " + total);
                }
                return null;
            }));
            start.countDown();
            for (Future<?> f : work) {
                f.get();
            }
            pool.shutdown();
            node1.flush();
            node2.flush();
            assertEquals(40, marks.size());
            for (int p = 1; p < peers; p++) {
                assertEquals(perPeer, counters.unread(OWNER, "peer" + p), "peer" + p + " never marked");
            }
            foldAndAssertConsistent(node1, db);
            for (int p = 1; p < peers; p++) {
                assertEquals(perPeer, counters.unread(OWNER, "peer" + p), "peer" + p + " after the fold");
            }
            assertEquals(0, node2.markRead(OWNER, "peer0", null).get());
            for (int p = 1; p < peers; p++) {
                assertEquals(0, node1.markRead(OWNER, "peer" + p, null).get());
            }
            assertEquals(0, counters.unread(OWNER).total());
            assertEquals((long) peers * perPeer, db.count("ofImMessage"));
        }
    }

    @AllDatabases
    void aBatchTouchingMoreRowsThanOneUpsertStatementHoldsCountsThemAll(TestDatabase db) throws Exception {
        ArchiveFixtures.FlakyDatabase flaky = new ArchiveFixtures.FlakyDatabase(db);
        UnreadCounters counters = new UnreadCounters(db);
        try (SqlArchive archive = new SqlArchive(flaky, new MessageIds(1), settings(2000, 1000))) {
            flaky.setDown(true); // hold the writer so that everything lands in one batch
            for (int i = 0; i < 400; i++) {
                send(archive, APP, "peer" + i, "owner", null);
                send(archive, APP, "peer" + (i % 7), "owner", null);
            }
            flaky.setDown(false);
            archive.flush();
            assertEquals(800, counters.unread(OWNER).total());
            assertEquals(1 + 57, counters.unread(OWNER, "peer6"));
            assertEquals(400, foldAndAssertConsistent(archive, db), "400 conversations of one row each");
            assertEquals(800, counters.unread(OWNER).total());
        }
    }

    @AllDatabases
    void isolatesAppsWithTheSameUsernames(TestDatabase db) throws Exception {
        UnreadCounters counters = new UnreadCounters(db);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 7))) {
            send(archive, APP, "bob", "owner", "x");
            send(archive, ArchiveFixtures.OTHER_APP, "bob", "owner", "x");
            send(archive, ArchiveFixtures.OTHER_APP, "bob", "owner", "y");
            archive.flush();
            AppUser otherOwner = AppUser.of(ArchiveFixtures.OTHER_APP, "owner");
            assertEquals(1, counters.unread(OWNER).total());
            assertEquals(2, counters.unread(otherOwner).total());
            assertEquals(1, archive.markRead(otherOwner, "bob", "x").get());
            assertEquals(1, counters.unread(OWNER, "bob"));
        }
    }
}
