package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.message;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full queue while the database is up: an append waits for the writer's next batch instead of being refused, and
 * is refused only when no room comes within the wait; while the database is down it is refused at once.
 */
class QueueWaitTest {

    private static final Duration LONG_WAIT = Duration.ofSeconds(5);

    @AllDatabases
    void aFullQueueWaitsForTheNextBatchWhileTheDatabaseTakesIt(TestDatabase db) throws Exception {
        SlowDatabase slow = new SlowDatabase(db);
        try (SqlArchive archive = new SqlArchive(slow, new MessageIds(1), settings(1, 1).withQueueWait(LONG_WAIT))) {
            send(archive, APP, "alice", "bob", null); // the writer takes it and waits for a connection
            assertTrue(slow.asked.await(10, TimeUnit.SECONDS), "the writer asks for a connection");
            send(archive, APP, "alice", "bob", null); // fills the queue of one
            ArchivedMessage third = message(archive, APP, "alice", "bob", null);
            CompletableFuture<Boolean> appended = CompletableFuture.supplyAsync(() -> archive.append(third));
            Thread.sleep(300);
            assertFalse(appended.isDone(), "waits for room while the batch is being written");
            slow.open.countDown();
            assertTrue(appended.get(10, TimeUnit.SECONDS), "taken once the batch committed");
            archive.flush();
            assertEquals(3, db.count("ofImMessage"));
            assertTrue(archive.find(APP, third.msgId()).isPresent());
        }
    }

    @AllDatabases
    void aFullQueueRefusesWhenNoRoomComesWithinTheWait(TestDatabase db) throws Exception {
        SlowDatabase slow = new SlowDatabase(db);
        try (SqlArchive archive = new SqlArchive(slow, new MessageIds(1), settings(1, 1).withQueueWait(Duration.ofMillis(100)))) {
            send(archive, APP, "alice", "bob", null);
            assertTrue(slow.asked.await(10, TimeUnit.SECONDS), "the writer asks for a connection");
            send(archive, APP, "alice", "bob", null);
            assertFalse(archive.append(message(archive, APP, "alice", "bob", null)), "no batch committed within the wait");
            slow.open.countDown();
            archive.flush();
            assertEquals(2, db.count("ofImMessage"), "the two queued messages are kept");
        }
    }

    @AllDatabases
    void aFullQueueRefusesAtOnceWhileTheDatabaseIsDown(TestDatabase db) throws Exception {
        ArchiveFixtures.FlakyDatabase flaky = new ArchiveFixtures.FlakyDatabase(db);
        flaky.setDown(true);
        try (SqlArchive archive = new SqlArchive(flaky, new MessageIds(1), settings(1, 1).withQueueWait(LONG_WAIT))) {
            int accepted = 0;
            long started = System.nanoTime();
            while (archive.append(message(archive, APP, "alice", "bob", null))) {
                accepted++;
            }
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(accepted <= 2, "the batch held and a queue of one: " + accepted);
            assertTrue(waitedMillis < LONG_WAIT.toMillis(), "refused without waiting out " + LONG_WAIT + ": " + waitedMillis + " ms");
            flaky.setDown(false);
            archive.flush();
            assertEquals(accepted, db.count("ofImMessage"));
        }
    }

    /** A database whose connections are handed out only once {@link #open} is counted down. */
    private static final class SlowDatabase implements ConnectionProvider {
        private final ConnectionProvider real;
        final CountDownLatch asked = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);

        SlowDatabase(ConnectionProvider real) {
            this.real = real;
        }

        @Override
        public Connection getConnection() throws SQLException {
            asked.countDown();
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting to open", e);
            }
            return real.getConnection();
        }

        @Override
        public DatabaseType databaseType() {
            return real.databaseType();
        }
    }
}
