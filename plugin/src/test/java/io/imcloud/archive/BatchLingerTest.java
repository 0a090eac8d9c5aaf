package io.imcloud.archive;

import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.CountingConnections;
import io.imcloud.testsupport.TestDatabase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
        Duration linger = Duration.ofMillis(WriterSettings.MAX_BATCH_LINGER_MILLIS);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 4).withBatchLinger(linger))) {
            long fastest = Long.MAX_VALUE;
            for (int trial = 0; trial < 5; trial++) {
                long start = System.nanoTime();
                for (int i = 0; i < 4; i++) {
                    assertTrue(archive.append(message(archive, APP, "alice", "bob", null)));
                    if (i == 0) {
                        Thread.sleep(10);
                    }
                }
                archive.flush();
                fastest = Math.min(fastest, System.nanoTime() - start);
            }
            assertTrue(fastest < linger.toNanos() / 2, "fastest of five full batches took " + fastest / 1_000_000 + " ms");
            assertEquals(20, db.count("ofImMessage"));
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
