package io.imcloud.archive;

import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.CountingConnections;
import io.imcloud.testsupport.TestDatabase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.message;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer, woken by one message, lets more arrive for {@link WriterSettings#batchLinger} before it writes: those
 * arriving meanwhile share the transaction, and their delivery states are written with their inserts.
 */
class BatchLingerTest {

    private static final String INSERT = "INSERT INTO ofImMessage ";
    private static final String STATE_UPDATE = "UPDATE ofImMessage SET state";

    @AllDatabases
    void messagesArrivingDuringTheLingerShareOneTransactionWithTheirStates(TestDatabase db) throws Exception {
        CountingConnections counted = new CountingConnections(db);
        try (SqlArchive archive = new SqlArchive(counted, new MessageIds(1),
                settings(1000, 500).withBatchLinger(Duration.ofMillis(WriterSettings.MAX_BATCH_LINGER_MILLIS)))) {
            List<ArchivedMessage> sent = sendSpread(archive, 30);
            archive.flush();
            assertEquals(1, counted.startingWith(INSERT), "one insert for all five");
            assertEquals(0, counted.startingWith(STATE_UPDATE), "the states written with the inserts");
            for (ArchivedMessage m : sent) {
                assertEquals(DeliveryState.DELIVERED, archive.find(APP, m.msgId()).orElseThrow().state());
            }
        }
    }

    @AllDatabases
    void withoutALingerTheFirstMessageIsWrittenAlone(TestDatabase db) throws Exception {
        CountingConnections counted = new CountingConnections(db);
        try (SqlArchive archive = new SqlArchive(counted, new MessageIds(1), settings(1000, 500).withBatchLinger(Duration.ZERO))) {
            sendSpread(archive, 200);
            archive.flush();
            assertTrue(counted.startingWith(INSERT) >= 2, "the first message's batch left before the others came");
            assertEquals(5, db.count("ofImMessage"));
        }
    }

    /**
     * A linger ends when a batch's worth waits: with batches of 4, the message that makes three wait behind the first
     * (sent 10 ms after it, the writer lingering by then) wakes the writer. Waiting out the whole linger instead would
     * make every try take 100 ms; the fastest of five must take under half of that.
     */
    @AllDatabases
    void aBatchWaitingEndsTheLinger(TestDatabase db) throws Exception {
        assertLingerEnds(db, 4, (archive, before) -> {
            for (int i = 0; i < 3; i++) {
                assertTrue(archive.append(message(archive, APP, "alice", "bob", null)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (db.count("ofImMessage") < before + 4) {
                assertTrue(System.nanoTime() < deadline, "the batch was never committed");
                Thread.sleep(1);
            }
        });
    }

    /** A mark-read's caller waits for its result: it ends the linger of the message queued before it. */
    @AllDatabases
    void aMarkReadEndsTheLinger(TestDatabase db) throws Exception {
        assertLingerEnds(db, 500, (archive, before) -> {
            assertEquals(0, archive.markRead(AppUser.of(APP, "bob"), "alice", null).get(10, TimeUnit.SECONDS), "unread left");
            assertEquals(before + 1, db.count("ofImMessage"));
        });
    }

    /** A flush ends the linger of what it waits for. */
    @AllDatabases
    void aFlushEndsTheLinger(TestDatabase db) throws Exception {
        assertLingerEnds(db, 500, (archive, before) -> {
            archive.flush();
            assertEquals(before + 1, db.count("ofImMessage"));
        });
    }

    /** A read of the archive waits for what was queued before it, and ends the linger for that. */
    @AllDatabases
    void aReadEndsTheLinger(TestDatabase db) throws Exception {
        assertLingerEnds(db, 500, (archive, before) -> {
            assertEquals(1, archive.history(AppUser.of(APP, "bob"), "alice", Long.MAX_VALUE, 100).size() - before);
        });
    }

    /**
     * A flush or read with nothing queued leaves the next linger whole: the message queued after it is not committed
     * 30 ms later (of a 100 ms linger), though each try's read came first.
     */
    @AllDatabases
    void aReadWithNothingQueuedLeavesTheNextLingerWhole(TestDatabase db) throws Exception {
        Duration linger = Duration.ofMillis(WriterSettings.MAX_BATCH_LINGER_MILLIS);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 500).withBatchLinger(linger))) {
            for (int trial = 0; trial < 3; trial++) {
                archive.flush();
                long before = db.count("ofImMessage");
                archive.history(AppUser.of(APP, "bob"), "alice", Long.MAX_VALUE, 1);
                assertTrue(archive.append(message(archive, APP, "alice", "bob", null)));
                Thread.sleep(30);
                assertEquals(before, db.count("ofImMessage"), "committed before its linger ended, in try " + trial);
            }
        }
    }

    /** What ends a linger, given the archive and the messages committed before its first message. */
    private interface LingerEnd {
        void run(SqlArchive archive, long before) throws Exception;
    }

    /**
     * Five times: one message, 10 ms for the writer to start lingering (100 ms), then {@code end}; the fastest of the five
     * must have taken under 50 ms (a linger waited out takes 100 ms every time).
     */
    private static void assertLingerEnds(TestDatabase db, int batchSize, LingerEnd end) throws Exception {
        Duration linger = Duration.ofMillis(WriterSettings.MAX_BATCH_LINGER_MILLIS);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, batchSize).withBatchLinger(linger))) {
            long fastest = Long.MAX_VALUE;
            for (int trial = 0; trial < 5; trial++) {
                long before = db.count("ofImMessage");
                long start = System.nanoTime();
                assertTrue(archive.append(message(archive, APP, "alice", "bob", null)));
                Thread.sleep(10);
                end.run(archive, before);
                fastest = Math.min(fastest, System.nanoTime() - start);
            }
            assertTrue(fastest < linger.toNanos() / 2, "the fastest of five took " + fastest / 1_000_000 + " ms");
        }
    }

    /** One message, then after {@code pauseMillis} four more, each followed by its DELIVERED state. */
    private static List<ArchivedMessage> sendSpread(SqlArchive archive, long pauseMillis) throws InterruptedException {
        List<ArchivedMessage> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ArchivedMessage m = message(archive, APP, "alice", "bob", null);
            assertTrue(archive.append(m));
            archive.markState(APP, m.msgId(), DeliveryState.DELIVERED);
            sent.add(m);
            if (i == 0) {
                Thread.sleep(pauseMillis);
            }
        }
        return sent;
    }
}
