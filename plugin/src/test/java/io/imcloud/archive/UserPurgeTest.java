package io.imcloud.archive;

import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.unread.Conversation;
import io.imcloud.unread.ConversationList;
import io.imcloud.unread.UnreadCounters;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.OTHER_APP;
import static io.imcloud.archive.ArchiveFixtures.foldAndAssertConsistent;
import static io.imcloud.archive.ArchiveFixtures.foldCommitted;
import static io.imcloud.archive.ArchiveFixtures.message;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deleting a user purges their archive and conversations, their peers' conversations with them included, and nothing else. */
class UserPurgeTest {

    private static final AppUser ZED = AppUser.of(APP, "zed");
    private static final AppUser BOB = AppUser.of(APP, "bob");

    /**
     * Messages to and from zed, some folded into the counters and some not, go in batches smaller than them; bob's
     * conversation with zed goes with them; bob's conversation with amy, and zed of another app, stay intact.
     */
    @AllDatabases
    void purgesMessagesAsSenderAndReceiverAndTheirConversations(TestDatabase db) throws Exception {
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 7))) {
            for (int i = 0; i < 5; i++) {
                send(archive, APP, "bob", "zed", null);
                send(archive, APP, "zed", "bob", null);
                send(archive, APP, "amy", "zed", null);
            }
            send(archive, APP, "zed", "zed", null);
            send(archive, APP, "bob", "amy", null);
            send(archive, OTHER_APP, "bob", "zed", null);
            archive.flush();
            foldCommitted(archive);
            send(archive, APP, "bob", "zed", null); // not folded when the purge runs
            send(archive, APP, "amy", "bob", null);
            archive.flush();

            long deleted = new ArchivePurge(db, 2).deleteUser(ZED, Long.MAX_VALUE);

            assertEquals(17, deleted);
            assertEquals(0, rowsOf(db, "ofImMessage", "sender = ? OR receiver = ?"));
            assertEquals(0, rowsOf(db, "ofImConversation", "userA = ? OR userB = ?"));
            assertEquals(3, db.count("ofImMessage"), "bob and amy's two messages and the other app's one stay");
            assertEquals(2, foldAndAssertConsistent(archive, db), "bob/amy and the other app's bob/zed");
            List<String> bobsPeers = new ConversationList(db).list(BOB, null, 100).conversations().stream()
                    .map(Conversation::peer).toList();
            assertEquals(List.of("amy"), bobsPeers);
            assertEquals(1, new UnreadCounters(db).unread(BOB).total());
            assertEquals(1, new UnreadCounters(db).unread(AppUser.of(OTHER_APP, "zed")).total());
        }
    }

    /**
     * A message of zed that got its id before the deletion but reaches the writer after the purge is dropped; a
     * message of a new zed, with an id from after the deletion, is archived and counted from zero.
     */
    @AllDatabases
    void dropsMessagesQueuedBeforeTheDeletionAndKeepsTheNewUsers(TestDatabase db) throws Exception {
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 7))) {
            for (int i = 0; i < 300; i++) { // still queued, many of them, when the deletion starts
                send(archive, APP, "bob", "zed", null);
            }
            ArchivedMessage late = message(archive, APP, "bob", "zed", null);

            archive.deleteUser(ZED);
            assertEquals(0, rowsOf(db, "ofImMessage", "sender = ? OR receiver = ?"));

            assertTrue(archive.append(late), "the queue takes it; the writer drops it");
            ArchivedMessage fresh = send(archive, APP, "bob", "zed", null);
            archive.flush();
            assertEquals(List.of(fresh.msgId()), archive.history(ZED, "bob", Long.MAX_VALUE, 10).stream()
                    .map(ArchivedMessage::msgId).toList());
            foldAndAssertConsistent(archive, db);
            assertEquals(1, new UnreadCounters(db).unread(ZED).total());
        }
    }

    /** Rows of {@code table} in zed's app matching {@code where} with zed's name for each parameter. */
    private static int rowsOf(TestDatabase db, String table, String where) throws SQLException {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE appKey = ? AND (" + where + ")")) {
            ps.setString(1, APP.toString());
            for (int i = 2; i <= 3; i++) {
                ps.setString(i, "zed");
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
