package io.imcloud.unread;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The conversation list: newest first, last message of either side, unread, cursor paging. */
class ConversationListTest {

    private static final AppUser OWNER = AppUser.of(APP, "owner");

    @AllDatabases
    void listsEveryConversationOnceNewestFirstAcrossPages(TestDatabase db) {
        ConversationList list = new ConversationList(db);
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 9))) {
            Map<String, ArchivedMessage> last = new HashMap<>();
            Map<String, Integer> unread = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                String peer = "p" + (i * 7 % 23);
                boolean incoming = i % 3 != 0;
                last.put(peer, send(archive, APP, incoming ? peer : "owner", incoming ? "owner" : peer, null));
                unread.merge(peer, incoming ? 1 : 0, Integer::sum);
            }
            archive.flush();
            List<Conversation> all = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                ConversationPage page = list.list(OWNER, cursor, 5);
                all.addAll(page.conversations());
                cursor = page.cursor();
                pages++;
            } while (cursor != null);
            assertEquals(23, all.size());
            assertEquals(5, pages, "23 conversations in pages of 5");
            List<ArchivedMessage> expectedOrder = new ArrayList<>(last.values());
            expectedOrder.sort((a, b) -> Long.compare(b.msgId(), a.msgId()));
            for (int i = 0; i < all.size(); i++) {
                Conversation c = all.get(i);
                assertEquals(expectedOrder.get(i), c.lastMessage(), "entry " + i);
                assertEquals(c.lastMessage().sentAt(), c.timestamp());
                assertEquals(unread.get(c.peer()), c.unreadNum(), c.peer());
            }
            ConversationPage bobsView = list.list(AppUser.of(APP, "p0"), null, 100);
            assertEquals(1, bobsView.conversations().size());
            assertEquals(last.get("p0"), bobsView.conversations().get(0).lastMessage(), "the peer's list shows it too");
            assertNull(bobsView.cursor());
        }
    }

    @Test
    void refusesLimitsAndCursorsOutOfRange() {
        ConversationList list = new ConversationList(TestDatabaseStub.HSQLDB);
        assertThrows(IllegalArgumentException.class, () -> list.list(OWNER, null, 0));
        assertThrows(IllegalArgumentException.class, () -> list.list(OWNER, null, 101));
        assertThrows(IllegalArgumentException.class, () -> list.list(OWNER, "abc", 10));
    }

    /** A provider that is never asked for a connection: the arguments are refused first. */
    private enum TestDatabaseStub implements io.imcloud.sql.ConnectionProvider {
        HSQLDB;

        @Override
        public java.sql.Connection getConnection() {
            throw new AssertionError("no query expected");
        }

        @Override
        public io.imcloud.sql.DatabaseType databaseType() {
            return io.imcloud.sql.DatabaseType.HSQLDB;
        }
    }
}
