package io.imcloud.archive;

import io.imcloud.groups.Group;
import io.imcloud.groups.GroupLimits;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.NewGroup;
import io.imcloud.groups.RecordingRooms;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.unread.UnreadCounters;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Archive and group ids get a 19th digit on 2027-07-22 (milliseconds since 2020 shifted by 22 bits reach 10^18): every
 * place that reads an id from text takes them, up to {@link Long#MAX_VALUE}.
 */
class NineteenDigitIdsTest {

    /** A millisecond after the ids reach 19 digits. */
    private static final long AUGUST_2027 = Instant.parse("2027-08-01T00:00:00Z").toEpochMilli();

    @Test
    void parseTakesEveryDecimalIdUpToTheLargestLong() {
        long id = new MessageIds(1, () -> AUGUST_2027).next();
        assertEquals(19, Long.toString(id).length());
        assertEquals(id, MessageIds.parse(Long.toString(id)));
        assertEquals(Long.MAX_VALUE, MessageIds.parse(Long.toString(Long.MAX_VALUE)));
        assertEquals(0, MessageIds.parse("0"));
        assertEquals(-1, MessageIds.parse("9223372036854775808"), "one above the largest long");
        assertEquals(-1, MessageIds.parse("9999999999999999999"));
        assertEquals(-1, MessageIds.parse("10000000000000000000"), "20 digits");
        assertEquals(-1, MessageIds.parse(""));
        assertEquals(-1, MessageIds.parse(null));
        assertEquals(-1, MessageIds.parse("12a"));
        assertEquals(-1, MessageIds.parse("-5"));
    }

    @AllDatabases
    void aConversationAndAGroupAreMarkedReadUpToA19DigitArchiveId(TestDatabase db) throws Exception {
        AppUser owner = AppUser.of(APP, "owner");
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1, () -> AUGUST_2027), settings(1000, 7))) {
            ArchivedMessage first = send(archive, APP, "bob", "owner", "c1");
            send(archive, APP, "bob", "owner", "c2");
            assertEquals(19, Long.toString(first.msgId()).length());
            assertEquals(1, archive.markRead(owner, "bob", Long.toString(first.msgId())).get(), "the archive id, not a client id");
            assertEquals(1, new UnreadCounters(db).unread(owner, "bob"));

            GroupService groups = new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, archive::nextId,
                    Clock.systemUTC(), GroupLimits::defaults);
            Group group = groups.create(APP, new NewGroup("g", null, false, null, "alice", List.of("owner")));
            assertEquals(group.groupId(), MessageIds.parse(Long.toString(group.groupId())), "the group's id reads back");
            long marked = archive.nextId();
            assertTrue(archive.appendGroup(new GroupMessage(marked, APP, group.groupId(), "alice", MessageIds.timestampOf(marked),
                    "groupchat", "one", null, null, null)));
            long later = archive.nextId();
            assertTrue(archive.appendGroup(new GroupMessage(later, APP, group.groupId(), "alice", MessageIds.timestampOf(later),
                    "groupchat", "two", null, null, null)));
            assertEquals(1, archive.markGroupRead(owner, group.groupId(), Long.toString(marked)).get(), "the message after it");
        }
    }
}
