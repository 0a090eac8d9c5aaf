package io.imcloud.unread;

import io.imcloud.archive.ArchiveFixtures;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.sql.Transactions;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.assertCountersConsistent;
import static io.imcloud.archive.ArchiveFixtures.message;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two steps of a fold, with archive batches committing between them, count every message once. */
class CounterFoldStepsTest {

    private static final AppUser BOB = AppUser.of(APP, "bob");

    @AllDatabases
    void aMessageCommittedBetweenClaimAndFoldIsCountedByTheFold(TestDatabase db) throws Exception {
        CounterFold fold = new CounterFold(db.databaseType());
        UnreadCounters counters = new UnreadCounters(db);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(100, 10))) {
            ArchivedMessage early = message(archive, APP, "alice", "bob", "early");
            ArchivedMessage claimedBeforeCommit = message(archive, APP, "alice", "bob", "claimed");
            assertTrue(archive.append(early));
            archive.flush();
            Thread.sleep(2);
            CounterFold.Marks marks;
            try (Connection con = db.getConnection()) {
                marks = Transactions.readCommitted(con, db.databaseType(), c -> fold.claim(c, MessageIds.firstIdAt(System.currentTimeMillis()) - 1, 0));
            }
            assertTrue(marks.claimed() >= claimedBeforeCommit.msgId() && marks.folded() < early.msgId(), marks.toString());
            assertTrue(archive.append(claimedBeforeCommit)); // in the claimed range, not folded yet: left to the fold
            archive.flush();
            assertEquals(2, counters.unread(BOB, "alice"));
            assertEquals(0, assertCountersConsistent(db), "nothing folded yet");
            try (Connection con = db.getConnection()) {
                int folded = Transactions.readCommitted(con, db.databaseType(), c -> fold.foldClaimed(c, 0));
                assertEquals(2, folded);
            }
            assertEquals(2, counters.unread(BOB, "alice"));
            assertEquals(1, assertCountersConsistent(db));

            ArchivedMessage late = message(archive, APP, "alice", "bob", "late"); // an id below the next fold's
            Thread.sleep(2);
            archive.foldCounters();
            assertTrue(ArchiveFixtures.foldedUpTo(db) >= late.msgId());
            assertTrue(archive.append(late)); // already folded past: its own batch counts it
            archive.flush();
            assertEquals(3, counters.unread(BOB, "alice"));
            assertEquals(1, assertCountersConsistent(db));
            assertEquals(1, archive.markRead(BOB, "alice", "claimed").get(), "one left after the mark");
            assertEquals(1, counters.unread(BOB, "alice"));
            assertEquals(1, assertCountersConsistent(db));
        }
    }

    /** Read marks among the messages a fold counts: those above the mark count, whichever id the mark names. */
    @AllDatabases
    void aReadMarkAmongTheFoldedMessagesCountsOnlyThoseAboveIt(TestDatabase db) throws Exception {
        UnreadCounters counters = new UnreadCounters(db);
        AppUser carol = AppUser.of(APP, "carol");
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(100, 10))) {
            for (int i = 0; i < 3; i++) {
                ArchiveFixtures.send(archive, APP, "alice", "bob", "a" + i);
                ArchiveFixtures.send(archive, APP, "alice", "carol", "c" + i);
            }
            assertEquals(0, archive.markRead(BOB, "alice", null).get().intValue(), "bob read all three");
            assertEquals(2, archive.markRead(carol, "alice", "c0").get().intValue(), "carol read the first");
            for (int i = 3; i < 5; i++) {
                ArchiveFixtures.send(archive, APP, "alice", "bob", "a" + i);
                ArchiveFixtures.send(archive, APP, "bob", "alice", "b" + i);
            }
            archive.flush();
            Thread.sleep(2);
            assertEquals(10, archive.foldCounters());
            assertEquals(2, counters.unread(BOB, "alice"));
            assertEquals(2, counters.unread(carol, "alice"));
            assertEquals(2, counters.unread(AppUser.of(APP, "alice"), "bob"));
            assertEquals(2, assertCountersConsistent(db));
        }
    }

    /**
     * A mark-read that waits for a fold's lock on its row counts with the fold's new {@code foldedUpTo}: the fold
     * (played here statement by statement, as {@link CounterFold#foldClaimed} runs it) counted a message in the
     * row that the mark-read must keep counting.
     */
    @AllDatabases
    void aMarkReadWaitingForAFoldCountsWhatTheFoldAdded(TestDatabase db) throws Exception {
        CounterFold fold = new CounterFold(db.databaseType());
        UnreadCounters counters = new UnreadCounters(db);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(100, 10))) {
            ArchivedMessage first = ArchiveFixtures.send(archive, APP, "alice", "bob", "m0");
            ArchiveFixtures.send(archive, APP, "alice", "bob", "m1");
            archive.flush();
            Thread.sleep(2);
            archive.foldCounters();
            ArchivedMessage unfolded = ArchiveFixtures.send(archive, APP, "alice", "bob", "m2");
            archive.flush();
            Thread.sleep(2);
            CounterFold.Marks claimed;
            try (Connection con = db.getConnection()) {
                claimed = Transactions.readCommitted(con, db.databaseType(),
                        c -> fold.claim(c, MessageIds.firstIdAt(System.currentTimeMillis()) - 1, 0));
            }
            assertTrue(claimed.claimed() >= unfolded.msgId() && claimed.folded() < unfolded.msgId());
            java.util.concurrent.CompletableFuture<Integer> read;
            try (Connection foldCon = db.getConnection()) {
                foldCon.setAutoCommit(false);
                foldCon.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                try (java.sql.Statement st = foldCon.createStatement()) {
                    st.executeUpdate("UPDATE ofImUnreadFold SET modified = 1 WHERE node = -1");
                    st.executeUpdate("UPDATE ofImConversation SET unreadB = unreadB + 1, lastMsgId = " + unfolded.msgId()
                            + " WHERE appKey = 'acme#chat' AND userA = 'alice' AND userB = 'bob'");
                    st.executeUpdate("UPDATE ofImUnreadFold SET upTo = " + claimed.claimed() + " WHERE node = -1");
                }
                read = archive.markRead(BOB, "alice", "m0"); // waits for the row
                Thread.sleep(300);
                foldCon.commit();
            }
            assertEquals(2, read.get().intValue(), "m1 and m2 are left");
            assertEquals(2, counters.unread(BOB, "alice"));
            assertEquals(1, assertCountersConsistent(db));
            assertTrue(first.msgId() < unfolded.msgId());
        }
    }
}
