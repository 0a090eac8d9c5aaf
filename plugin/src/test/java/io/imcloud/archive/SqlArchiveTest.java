package io.imcloud.archive;

import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.OTHER_APP;
import static io.imcloud.archive.ArchiveFixtures.reversed;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writes, reads, restart, delivery states and tenant isolation of {@link SqlArchive} on every database. */
class SqlArchiveTest {

    private static final AppUser ALICE = AppUser.of(APP, "alice");
    private static final AppUser BOB = AppUser.of(APP, "bob");

    @AllDatabases
    void messagesSurviveCloseAndAreSeenByANewInstance(TestDatabase db) {
        List<ArchivedMessage> sent = new ArrayList<>();
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 16))) {
            for (int i = 0; i < 120; i++) {
                sent.add(send(archive, APP, i % 2 == 0 ? "alice" : "bob", i % 2 == 0 ? "bob" : "alice", "c" + i));
            }
        } // close() commits the queue, no flush
        try (SqlArchive reopened = new SqlArchive(db, new MessageIds(2), settings(1000, 16))) {
            List<ArchivedMessage> history = reopened.history(ALICE, "bob", Long.MAX_VALUE, 500);
            assertEquals(sent.size(), history.size());
            assertEquals(reversed(sent), history, "every field, newest first");
            assertEquals(Optional.of(sent.get(7)), reopened.find(APP, sent.get(7).msgId()));
        }
    }

    @AllDatabases
    void historyPagesHaveNoDuplicatesOrGapsWhileAnotherThreadInserts(TestDatabase db) throws Exception {
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(10_000, 32))) {
            List<Long> appended = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread inserter = new Thread(() -> {
                for (int i = 0; i < 1500; i++) {
                    appended.add(send(archive, APP, i % 3 == 0 ? "bob" : "alice", i % 3 == 0 ? "alice" : "bob", null).msgId());
                    if (i % 100 == 99) {
                        archive.flush();
                    }
                }
            });
            inserter.start();
            int passes = 0;
            boolean last = false;
            while (!last) {
                last = !inserter.isAlive();
                List<Long> pass = new ArrayList<>();
                List<ArchivedMessage> page = archive.history(BOB, "alice", Long.MAX_VALUE, 40);
                while (!page.isEmpty()) {
                    page.forEach(m -> pass.add(m.msgId()));
                    page = archive.history(BOB, "alice", page.get(page.size() - 1).msgId(), 40);
                }
                if (!pass.isEmpty()) {
                    // everything appended up to the newest id seen was committed in order: the pass must be exactly that prefix
                    // (the writer may commit a message before the inserter has noted its id: wait for the note)
                    while (!appended.contains(pass.get(0))) {
                        Thread.onSpinWait();
                    }
                    List<Long> prefix;
                    synchronized (appended) {
                        prefix = new ArrayList<>(appended.subList(0, appended.indexOf(pass.get(0)) + 1));
                    }
                    assertEquals(reversed(prefix), pass, "pass " + passes);
                }
                passes++;
            }
            inserter.join();
            archive.flush();
            assertEquals(1500, db.count("ofImMessage"));
            assertTrue(passes > 1);
        }
    }

    @AllDatabases
    void historyStaysInsideOneConversationAndHonoursBeforeAndLimit(TestDatabase db) {
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 8))) {
            List<ArchivedMessage> withBob = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                withBob.add(send(archive, APP, "alice", "bob", null));
                send(archive, APP, "alice", "carol", null);
                send(archive, APP, "carol", "bob", null);
            }
            archive.flush();
            List<ArchivedMessage> page = archive.history(ALICE, "BOB", withBob.get(6).msgId(), 4);
            assertEquals(List.of(withBob.get(5), withBob.get(4), withBob.get(3), withBob.get(2)), page);
            assertEquals(reversed(withBob), archive.history(BOB, "alice", Long.MAX_VALUE, 100));
        }
    }

    @AllDatabases
    void deliveryStatesDriveOfflineCountAndStatus(TestDatabase db) {
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 8))) {
            List<ArchivedMessage> toBob = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ArchivedMessage m = send(archive, APP, "alice", "bob", null);
                archive.markState(APP, m.msgId(), DeliveryState.OFFLINE);
                toBob.add(m);
            }
            ArchivedMessage toAlice = send(archive, APP, "bob", "alice", null);
            archive.markState(APP, toAlice.msgId(), DeliveryState.OFFLINE);
            archive.flush();
            assertEquals(5, archive.offlineCount(BOB));
            assertEquals(1, archive.offlineCount(ALICE));

            archive.markState(APP, toBob.get(0).msgId(), DeliveryState.DELIVERED);
            archive.markState(APP, toBob.get(1).msgId(), DeliveryState.DELIVERED);
            archive.flush();
            assertEquals(3, archive.offlineCount(BOB));
            assertEquals(Optional.of(DeliveryState.DELIVERED), archive.deliveryState(BOB, toBob.get(0).msgId()));
            assertEquals(Optional.of(DeliveryState.OFFLINE), archive.deliveryState(BOB, toBob.get(2).msgId()));
            assertEquals(Optional.empty(), archive.deliveryState(ALICE, toBob.get(2).msgId()), "not addressed to alice");
            assertEquals(Optional.empty(), archive.deliveryState(BOB, 12345L), "unknown id");
            assertEquals(Optional.empty(), archive.deliveryState(AppUser.of(OTHER_APP, "bob"), toBob.get(2).msgId()), "other app");
        }
    }

    @AllDatabases
    void appsWithTheSameUsernamesAreIsolated(TestDatabase db) throws Exception {
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 8))) {
            ArchivedMessage m = send(archive, APP, "alice", "bob", "c1");
            send(archive, OTHER_APP, "alice", "bob", "c1");
            archive.markState(APP, m.msgId(), DeliveryState.OFFLINE);
            archive.flush();
            AppUser otherBob = AppUser.of(OTHER_APP, "bob");
            AppUser otherAlice = AppUser.of(OTHER_APP, "alice");
            assertEquals(1, archive.history(otherAlice, "bob", Long.MAX_VALUE, 10).size());
            assertEquals(Optional.empty(), archive.find(OTHER_APP, m.msgId()));
            assertEquals(0, archive.offlineCount(otherBob));
            assertEquals(1, archive.offlineCount(BOB));
            assertEquals(-1, archive.markRead(otherBob, "alice", Long.toString(m.msgId())).get(), "id of another app");
            assertEquals(0, archive.markRead(otherBob, "alice", "c1").get(), "own app's client id");
            assertEquals(1, new io.imcloud.unread.UnreadCounters(db).unread(BOB, "alice"), "first app untouched");
            assertEquals(1, archive.query(new ArchiveQuery(otherBob, null, null, null, null, null, false, 10)).messages().size());
        }
    }

    @AllDatabases
    void aMessageThatFailsOnItsOwnIsRejectedAndTheRestOfItsBatchCommitted(TestDatabase db) {
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 50))) {
            ArchivedMessage first = send(archive, APP, "alice", "bob", null);
            archive.flush();
            AtomicLong accepted = new AtomicLong();
            for (int i = 0; i < 10; i++) {
                send(archive, APP, "alice", "bob", null);
                accepted.incrementAndGet();
                if (i == 4) {
                    assertTrue(archive.append(first), "a duplicate id: queued, fails in the database");
                }
            }
            archive.flush();
            assertEquals(1 + accepted.get(), archive.history(BOB, "alice", Long.MAX_VALUE, 100).size());
            assertEquals(1, archive.rejectedCount());
        }
    }

    @AllDatabases
    void appendRefusesAfterClose(TestDatabase db) {
        SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(10, 2));
        archive.close();
        assertFalse(archive.append(ArchiveFixtures.message(archive, APP, "alice", "bob", null)));
        assertTrue(archive.markRead(BOB, "alice", null).isCompletedExceptionally());
    }

    /** Both threads an archive starts (writer, and maintenance: counter fold and late states) are gone once it is closed. */
    @AllDatabases
    void closeStopsTheWriterAndTheMaintenanceThread(TestDatabase db) throws InterruptedException {
        long writersBefore = threadsNamed("imcloud-writer", 0);
        long foldersBefore = threadsNamed("imcloud-fold", 0);
        SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(10, 10).withFolding(java.time.Duration.ofMillis(5), java.time.Duration.ZERO));
        send(archive, APP, "alice", "bob", null);
        archive.flush();
        assertEquals(writersBefore + 1, threadsNamed("imcloud-writer", writersBefore + 1));
        assertEquals(foldersBefore + 1, threadsNamed("imcloud-fold", foldersBefore + 1));
        archive.close();
        assertEquals(writersBefore, threadsNamed("imcloud-writer", writersBefore));
        assertEquals(foldersBefore, threadsNamed("imcloud-fold", foldersBefore));
    }

    /** Live threads called {@code name}; waits up to a second for threads on their way out to finish. */
    private static long threadsNamed(String name, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 1_000_000_000L;
        long n;
        while ((n = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).count())
                != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return n;
    }
}
