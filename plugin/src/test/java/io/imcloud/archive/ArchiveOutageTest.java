package io.imcloud.archive;

import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.unread.UnreadCounters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.assertCountersConsistent;
import static io.imcloud.archive.ArchiveFixtures.message;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The database goes away: nothing queued is lost, the full queue refuses, recovery commits the backlog. */
class ArchiveOutageTest {

    @AllDatabases
    void keepsEverythingWhileDownRefusesWhenFullAndCommitsOnRecovery(TestDatabase db) throws Exception {
        ArchiveFixtures.FlakyDatabase flaky = new ArchiveFixtures.FlakyDatabase(db);
        AppUser bob = AppUser.of(APP, "bob");
        try (SqlArchive archive = new SqlArchive(flaky, new MessageIds(1), settings(40, 8))) {
            ArchivedMessage before = message(archive, APP, "alice", "bob", null);
            assertTrue(archive.append(before));
            archive.flush();
            flaky.setDown(true);

            List<ArchivedMessage> accepted = new ArrayList<>();
            int refused = 0;
            CompletableFuture<Integer> read = null;
            for (int i = 0; i < 200; i++) {
                ArchivedMessage m = message(archive, APP, "alice", "bob", "c" + i);
                if (archive.append(m)) {
                    accepted.add(m);
                    if (i == 10) {
                        read = archive.markRead(bob, "alice", "c5");
                        assertFalse(read.isDone(), "waits for the database");
                    }
                } else {
                    refused++;
                }
            }
            assertTrue(refused > 0, "a full queue refuses");
            assertTrue(accepted.size() >= 39 && accepted.size() <= 48, "queue capacity plus the batch held: " + accepted.size());
            assertFalse(archive.flush(300), "nothing can be committed while the database is down");
            assertEquals(1, db.count("ofImMessage"));
            try (SqlArchive otherNode = new SqlArchive(db, new MessageIds(2), settings(40, 8))) {
                otherNode.foldCounters(); // folds past every queued id: each is counted by its own batch
            }
            assertTrue(ArchiveFixtures.foldedUpTo(db) > accepted.get(accepted.size() - 1).msgId());

            flaky.setDown(false);
            archive.flush();
            assertEquals(1 + accepted.size(), db.count("ofImMessage"));
            assertEquals(0, archive.rejectedCount());
            // the mark-read ran in queue order: after c0..c10, before the rest
            assertEquals(5, read.get(), "c6..c10 were queued before the mark-read, later messages not yet");
            assertEquals(1 + accepted.size() - 7, new UnreadCounters(db).unread(bob, "alice"));
            assertEquals(1 + accepted.size() - 7, new UnreadCounters(db).unread(bob).total());
            assertEquals(1, assertCountersConsistent(db), "the late messages are counted in their row");
            assertTrue(archive.append(message(archive, APP, "alice", "bob", null)), "accepting again");
        }
    }

    /**
     * A read does not wait for the queue while the writer waits out an outage (it would fail on the database anyway):
     * even an unbounded wait returns; once the writer has found the database back, reads wait for the queue again.
     */
    @AllDatabases
    void aReadDoesNotWaitForTheQueueWhileTheDatabaseIsDown(TestDatabase db) throws Exception {
        ArchiveFixtures.FlakyDatabase flaky = new ArchiveFixtures.FlakyDatabase(db);
        try (SqlArchive archive = new SqlArchive(flaky, new MessageIds(1), settings(40, 8))) {
            flaky.setDown(true);
            assertTrue(archive.append(message(archive, APP, "alice", "bob", null)));
            assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> archive.awaitQueued(Long.MAX_VALUE / 2_000_000)),
                    "gives up once the writer finds the database down");
            assertEquals(0, db.count("ofImMessage"));

            flaky.setDown(false);
            archive.flush(); // the writer finds the database back
            assertTrue(archive.append(message(archive, APP, "alice", "bob", null)));
            assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> archive.awaitQueued(Long.MAX_VALUE / 2_000_000)),
                    "waits for the commit again once the database is back");
            assertEquals(2, db.count("ofImMessage"));
        }
    }

    /**
     * A read just after the database came back, while the writer still pauses before its next probe, has the writer
     * probe at once and waits for what the outage held in the queue, instead of reading the database without it.
     */
    @AllDatabases
    void aReadJustAfterAnOutageWaitsForWhatTheOutageHeldBack(TestDatabase db) throws Exception {
        ArchiveFixtures.FlakyDatabase flaky = new ArchiveFixtures.FlakyDatabase(db);
        WriterSettings slowProbes = settings(40, 8);
        slowProbes = new WriterSettings(slowProbes.queueCapacity(), slowProbes.queueMaxBytes(), slowProbes.queueWait(),
                slowProbes.batchSize(), slowProbes.batchLinger(), Duration.ofMinutes(10), slowProbes.closeWait(), true,
                slowProbes.foldInterval(), slowProbes.foldLag());
        try (SqlArchive archive = new SqlArchive(flaky, new MessageIds(1), slowProbes)) {
            flaky.setDown(true);
            assertTrue(archive.append(message(archive, APP, "alice", "bob", null)));
            assertFalse(archive.awaitQueued(2_000), "a read during the outage waits for one probe, which fails");
            // the pauses between probes double from 50 ms; by now the writer is in one of 3.2 s or more
            Thread.sleep(3_500);
            flaky.setDown(false);
            assertTrue(archive.awaitQueued(2_000), "the read's probe finds the database back, and the queue is committed");
            assertEquals(1, db.count("ofImMessage"));
        }
    }

    /** The fold thread fails while the database is down and catches up, counting everything once, when it is back. */
    @AllDatabases
    void theFoldThreadCatchesUpAfterAnOutage(TestDatabase db) throws Exception {
        ArchiveFixtures.FlakyDatabase flaky = new ArchiveFixtures.FlakyDatabase(db);
        AppUser bob = AppUser.of(APP, "bob");
        try (SqlArchive archive = new SqlArchive(flaky, new MessageIds(1),
                settings(100, 8).withFolding(java.time.Duration.ofMillis(5), java.time.Duration.ZERO))) {
            ArchiveFixtures.send(archive, APP, "alice", "bob", null);
            archive.flush();
            flaky.setDown(true);
            Thread.sleep(50); // some folds fail
            for (int i = 0; i < 20; i++) {
                ArchiveFixtures.send(archive, APP, "alice", "bob", null);
            }
            flaky.setDown(false);
            archive.flush();
            long newest;
            try (java.sql.Connection con = db.getConnection(); java.sql.Statement st = con.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT MAX(msgId) FROM ofImMessage")) {
                rs.next();
                newest = rs.getLong(1);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (ArchiveFixtures.foldedUpTo(db) < newest && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(ArchiveFixtures.foldedUpTo(db) >= newest, "the fold thread reached the newest message");
            assertEquals(21, new UnreadCounters(db).unread(bob, "alice"));
            assertEquals(1, assertCountersConsistent(db));
        }
    }

    /**
     * The queue is bounded by the memory of its messages as well as their count: large stanzas fill the byte
     * bound long before the count, the full queue refuses, and committing releases the bytes.
     */
    @AllDatabases
    void queueRefusesWhenItsMessagesHoldTheMostBytes(TestDatabase db) throws Exception {
        ArchiveFixtures.FlakyDatabase flaky = new ArchiveFixtures.FlakyDatabase(db);
        WriterSettings bounded = settings(1000, 8).withQueueMaxBytes(WriterSettings.MIN_QUEUE_BYTES);
        String largeStanza = "x".repeat(400_000); // about 800 KB queued: five fit in 4 MiB, with their batch
        try (SqlArchive archive = new SqlArchive(flaky, new MessageIds(1), bounded)) {
            flaky.setDown(true);
            int accepted = 0;
            for (int i = 0; i < 20; i++) {
                ArchivedMessage m = message(archive, APP, "alice", "bob", null);
                if (archive.append(new ArchivedMessage(m.msgId(), m.appKey(), m.sender(), m.receiver(), m.sentAt(), m.type(),
                        m.body(), m.extJson(), largeStanza, null, m.state()))) {
                    accepted++;
                }
            }
            assertEquals(5, accepted, "4 MiB hold five messages of 800 KB");
            assertTrue(archive.queueBytes() > 4_000_000 && archive.queueBytes() <= WriterSettings.MIN_QUEUE_BYTES,
                    "accounted: " + archive.queueBytes());
            assertTrue(archive.append(message(archive, APP, "alice", "bob", null)), "a small message still fits");

            flaky.setDown(false);
            archive.flush();
            assertEquals(0, archive.queueBytes(), "committed messages release their bytes");
            assertEquals(6, db.count("ofImMessage"));
        }
    }
}
