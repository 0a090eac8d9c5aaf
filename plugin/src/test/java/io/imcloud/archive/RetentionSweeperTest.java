package io.imcloud.archive;

import io.imcloud.groups.Group;
import io.imcloud.groups.GroupLimits;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.NewGroup;
import io.imcloud.groups.RecordingRooms;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.unread.ConversationList;
import io.imcloud.unread.UnreadCounters;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.OTHER_APP;
import static io.imcloud.archive.ArchiveFixtures.assertCountersConsistent;
import static io.imcloud.archive.ArchiveFixtures.foldAndAssertConsistent;
import static io.imcloud.archive.ArchiveFixtures.createApp;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Retention deletes old messages per app and leaves counters and the conversation list consistent. */
class RetentionSweeperTest {

    private static final long DAY = 86_400_000L;
    private static final long NOW = 1_750_000_000_000L;

    @AllDatabases
    void deletesExpiredMessagesInBatchesAndKeepsConversationsConsistent(TestDatabase db) throws Exception {
        createApp(db, APP, 2);
        createApp(db, OTHER_APP, 0);
        AtomicLong clock = new AtomicLong(NOW - 5 * DAY);
        AppUser alice = AppUser.of(APP, "alice");
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1, clock::get), settings(1000, 8))) {
            for (int i = 0; i < 7; i++) {
                send(archive, APP, "bob", "alice", null);       // old only: the conversation goes away
                send(archive, APP, "carol", "alice", "old" + i); // old and new: stays, unread recounted
                send(archive, OTHER_APP, "bob", "alice", null); // app keeps forever
            }
            archive.markRead(alice, "carol", "old2").get();
            clock.set(NOW - DAY);
            List<ArchivedMessage> fresh = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fresh.add(send(archive, APP, "carol", "alice", null));
            }
            send(archive, APP, "alice", "dave", null);
            archive.flush();
            UnreadCounters counters = new UnreadCounters(db);
            assertEquals(7 + 4 + 3, counters.unread(alice).total());
            foldAndAssertConsistent(archive, db);
            assertEquals(7 + 4 + 3, counters.unread(alice).total());

            RetentionSweeper sweeper = new RetentionSweeper(db, 3, 2, () -> NOW);
            assertEquals(6, sweeper.sweepOnce(), "two batches of three per sweep");
            assertCountersConsistent(db);
            int deleted = 6;
            int n;
            while ((n = sweeper.sweepOnce()) > 0) {
                deleted += n;
                assertCountersConsistent(db);
            }
            assertEquals(14, deleted);
            assertEquals(3 + 1 + 7, db.count("ofImMessage"));
            assertEquals(3, counters.unread(alice).total(), "only the fresh messages from carol are unread");
            assertEquals(0, counters.unread(alice, "bob"));
            List<String> peers = new ConversationList(db).list(alice, null, 100).conversations().stream()
                    .map(c -> c.peer()).toList();
            assertEquals(List.of("dave", "carol"), peers, "bob's conversation is gone");
            assertEquals(fresh.get(2), archive.history(alice, "carol", Long.MAX_VALUE, 1).get(0));
            assertEquals(7, counters.unread(AppUser.of(OTHER_APP, "alice")).total());
            assertEquals(3, assertCountersConsistent(db), "3 conversations of one row each");
        }
    }

    /** Old group messages go too; a member's unread count loses them, their own messages above the new mark recounted. */
    @AllDatabases
    void deletesExpiredGroupMessagesAndMovesReadMarksPastThem(TestDatabase db) throws Exception {
        createApp(db, APP, 2);
        AtomicLong clock = new AtomicLong(NOW - 5 * DAY);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1, clock::get), settings(1000, 8))) {
            GroupService groups = new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, archive::nextId,
                    Clock.systemUTC(), GroupLimits::defaults);
            Group group = groups.create(APP, new NewGroup("g", null, false, null, "alice", List.of("bob", "carol")));
            for (int i = 0; i < 4; i++) {
                sendToGroup(archive, group, i % 2 == 0 ? "alice" : "bob", "old " + i);
            }
            clock.set(NOW - DAY);
            sendToGroup(archive, group, "bob", "fresh 1");
            sendToGroup(archive, group, "alice", "fresh 2");
            archive.flush();
            archive.markGroupRead(AppUser.of(APP, "carol"), group.groupId(), null).get();
            UnreadCounters counters = new UnreadCounters(db);
            assertEquals(3, counters.unread(AppUser.of(APP, "alice")).total(), "bob's three");
            assertEquals(0, counters.unread(AppUser.of(APP, "carol")).total(), "carol read everything");

            assertEquals(4, new RetentionSweeper(db, 3, 10, () -> NOW).sweepOnce());
            assertEquals(2, db.count("ofImGroupMessage"));
            assertEquals(1, counters.unread(AppUser.of(APP, "alice")).total(), "only bob's fresh one");
            assertEquals(1, counters.unread(AppUser.of(APP, "bob")).total(), "alice's fresh one; his own are not counted");
            assertEquals(0, counters.unread(AppUser.of(APP, "carol")).total(), "a mark above the deleted ones stays");
        }
    }

    private static void sendToGroup(SqlArchive archive, Group group, String sender, String body) {
        long id = archive.nextId();
        archive.appendGroup(new GroupMessage(id, APP, group.groupId(), sender, MessageIds.timestampOf(id), "groupchat", body,
                null, null, null));
    }
}
