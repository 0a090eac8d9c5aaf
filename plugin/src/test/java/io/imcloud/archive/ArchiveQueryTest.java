package io.imcloud.archive;

import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0313 paging of {@link Archive#query}: both directions, with a peer or not, time bounds, exact {@code complete}. */
class ArchiveQueryTest {

    private static final AppUser ALICE = AppUser.of(APP, "alice");
    private static final AppUser CAROL = AppUser.of(APP, "carol");

    /** 30 messages alice-bob (both directions) and 10 alice-carol, one second apart. */
    private record Fixture(List<ArchivedMessage> withBob, List<ArchivedMessage> all) {
    }

    private static Fixture fill(SqlArchive archive) {
        List<ArchivedMessage> withBob = new ArrayList<>();
        List<ArchivedMessage> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ArchivedMessage m = send(archive, APP, i % 2 == 0 ? "alice" : "bob", i % 2 == 0 ? "bob" : "alice", null);
            withBob.add(m);
            all.add(m);
            if (i % 3 == 0) {
                all.add(send(archive, APP, "carol", "alice", null));
            }
        }
        send(archive, APP, "bob", "carol", null); // not alice's
        archive.flush();
        return new Fixture(withBob, all);
    }

    private static SqlArchive openWithClock(TestDatabase db) {
        AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        return new SqlArchive(db, new MessageIds(1, () -> clock.getAndAdd(1000)), settings(1000, 8));
    }

    private static ArchiveQuery q(String with, Long start, Long end, Long after, Long before, boolean lastPage, int max) {
        return new ArchiveQuery(ALICE, with, start, end, after, before, lastPage, max);
    }

    @AllDatabases
    void pagesForwardWithAPeerAndKnowsWhenComplete(TestDatabase db) {
        try (SqlArchive archive = openWithClock(db)) {
            Fixture f = fill(archive);
            ArchivePage p1 = archive.query(q("bob", null, null, null, null, false, 10));
            assertEquals(f.withBob().subList(0, 10), p1.messages());
            assertFalse(p1.complete());
            ArchivePage p2 = archive.query(q("bob", null, null, last(p1), null, false, 10));
            assertEquals(f.withBob().subList(10, 20), p2.messages());
            assertFalse(p2.complete());
            ArchivePage p3 = archive.query(q("bob", null, null, last(p2), null, false, 10));
            assertEquals(f.withBob().subList(20, 30), p3.messages());
            assertTrue(p3.complete(), "exactly max left: complete");
            ArchivePage p4 = archive.query(q("bob", null, null, last(p3), null, false, 10));
            assertTrue(p4.messages().isEmpty());
            assertTrue(p4.complete());
        }
    }

    @AllDatabases
    void pagesBackwardFromTheLastPageOldestFirstWithinAPage(TestDatabase db) {
        try (SqlArchive archive = openWithClock(db)) {
            Fixture f = fill(archive);
            ArchivePage p1 = archive.query(q("bob", null, null, null, null, true, 12));
            assertEquals(f.withBob().subList(18, 30), p1.messages());
            assertFalse(p1.complete());
            ArchivePage p2 = archive.query(q("bob", null, null, null, p1.messages().get(0).msgId(), false, 12));
            assertEquals(f.withBob().subList(6, 18), p2.messages());
            assertFalse(p2.complete());
            ArchivePage p3 = archive.query(q("bob", null, null, null, p2.messages().get(0).msgId(), false, 12));
            assertEquals(f.withBob().subList(0, 6), p3.messages());
            assertTrue(p3.complete());
        }
    }

    @AllDatabases
    void withoutAPeerMergesSentAndReceivedOfEveryConversation(TestDatabase db) {
        try (SqlArchive archive = openWithClock(db)) {
            Fixture f = fill(archive);
            assertEquals(40, f.all().size());
            List<ArchivedMessage> forward = new ArrayList<>();
            ArchivePage page = archive.query(q(null, null, null, null, null, false, 15));
            forward.addAll(page.messages());
            while (!page.complete()) {
                page = archive.query(q(null, null, null, last(page), null, false, 15));
                forward.addAll(page.messages());
            }
            assertEquals(f.all(), forward);

            List<ArchivedMessage> backward = new ArrayList<>();
            page = archive.query(q(null, null, null, null, null, true, 15));
            backward.addAll(0, page.messages());
            while (!page.complete()) {
                page = archive.query(q(null, null, null, null, page.messages().get(0).msgId(), false, 15));
                backward.addAll(0, page.messages());
            }
            assertEquals(f.all(), backward);
            assertEquals(11, archive.query(new ArchiveQuery(CAROL, null, null, null, null, null, false, 50)).messages().size());
        }
    }

    @AllDatabases
    void startAndEndAreInclusiveMillisecondBounds(TestDatabase db) {
        try (SqlArchive archive = openWithClock(db)) {
            Fixture f = fill(archive);
            long start = f.withBob().get(5).sentAt();
            long end = f.withBob().get(14).sentAt();
            ArchivePage page = archive.query(q("bob", start, end, null, null, false, 100));
            assertEquals(f.withBob().subList(5, 15), page.messages());
            assertTrue(page.complete());
            ArchivePage newest = archive.query(q("bob", start, end, null, null, true, 4));
            assertEquals(f.withBob().subList(11, 15), newest.messages());
            assertFalse(newest.complete());
            assertEquals(30, archive.query(q("bob", 0L, Long.MAX_VALUE, null, null, false, 100)).messages().size(), "extreme bounds");
            assertTrue(archive.query(q("bob", null, null, Long.MAX_VALUE, null, false, 100)).messages().isEmpty());
            ArchivePage afterAndEnd = archive.query(q("bob", null, end, f.withBob().get(12).msgId(), null, false, 100));
            assertEquals(f.withBob().subList(13, 15), afterAndEnd.messages());
        }
    }

    private static long last(ArchivePage page) {
        return page.messages().get(page.messages().size() - 1).msgId();
    }
}
