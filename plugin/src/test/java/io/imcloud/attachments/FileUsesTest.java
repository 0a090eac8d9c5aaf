package io.imcloud.attachments;

import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.FilePolicy;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarnessStack.MovableClock;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uses of chat files noted on the message path: written in batches, newest use per file, bounded, none lost on close. */
class FileUsesTest {

    private static final AppKey APP = AppKey.of("acme", "chat");
    private static final FilePolicy OPEN = new FilePolicy(0, 0, 0, false);

    @TempDir
    Path root;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @AllDatabases
    void notedUsesAreWrittenWithTheNewestUsePerFileAndCloseWritesWhatIsLeft(TestDatabase db) throws Exception {
        Attachments a = new Attachments(db, root, clock, AttachmentLimits::defaults);
        StoredFile voice = a.store(Upload.chatFile(APP, OPEN, "alice", "v", false),
                new ByteArrayInputStream(new byte[] {1})).file();
        StoredFile image = a.store(Upload.chatFile(APP, OPEN, "alice", "i", false), new ByteArrayInputStream(new byte[] {2})).file();
        long uploaded = clock.millis();

        FileUses uses = FileUses.start(a, Duration.ofHours(1));
        uses.record(new ChatfileLink(APP, voice.uuid()), uploaded + 5_000);
        uses.record(new ChatfileLink(APP, voice.uuid()), uploaded + 2_000);
        uses.record(new ChatfileLink(APP, image.uuid()), uploaded + 1_000);
        uses.record(new ChatfileLink(APP, UUID.randomUUID().toString()), uploaded + 1_000);
        assertEquals(uploaded, lastUsed(db, voice), "nothing is written on the message path");

        assertEquals(2, uses.flush(), "one row per existing file, in one batch");
        assertEquals(uploaded + 5_000, lastUsed(db, voice), "the newest use of the voice clip");
        assertEquals(uploaded + 1_000, lastUsed(db, image));
        assertEquals(0, uses.flush(), "nothing left");

        uses.record(new ChatfileLink(APP, image.uuid()), uploaded + 9_000);
        uses.close();
        assertEquals(uploaded + 9_000, lastUsed(db, image), "close writes what was noted last");
    }

    @Test
    void beyondTheBoundFurtherFilesAreDroppedAndCounted() {
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB);
             FileUses uses = FileUses.start(new Attachments(db, root, clock, AttachmentLimits::defaults), Duration.ofHours(1))) {
            for (int i = 0; i < FileUses.MAX_PENDING; i++) {
                uses.record(new ChatfileLink(APP, UUID.randomUUID().toString()), 1);
            }
            ChatfileLink noted = new ChatfileLink(APP, UUID.randomUUID().toString());
            uses.record(noted, 1);
            assertEquals(1, uses.dropped());
            uses.record(noted, 2);
            assertEquals(2, uses.dropped(), "still full");
        }
    }

    private static long lastUsed(TestDatabase db, StoredFile file) throws Exception {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT lastUsed FROM ofImFile WHERE fileUuid = ?")) {
            ps.setString(1, file.uuid());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }
}
