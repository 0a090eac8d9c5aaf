package io.imcloud.xmpp.testsupport;

import io.imcloud.archive.ArchiveFixtures;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.testsupport.TestDatabase;

/**
 * The one place the xmpp tests get their archive from: the real {@link SqlArchive} on a
 * {@link TestDatabase}. The test classes run once per database of {@link TestDatabase#available()}
 * ({@code @ParameterizedClass} over it). The writer commits behind the caller, so tests call
 * {@link SqlArchive#flush()} before reading.
 */
public final class TestArchives {

    private TestArchives() {
    }

    /** A SQL archive on {@code db} with room for every write of a test and a short retry pause. */
    public static SqlArchive open(ConnectionProvider db) {
        return new SqlArchive(db, new MessageIds(1), ArchiveFixtures.settings(10_000, 100));
    }

    /**
     * Closes {@code archive} (committing what it queued), then drops {@code db}; either may be null
     * when the set-up failed half-way.
     */
    public static void close(SqlArchive archive, TestDatabase db) {
        try (db; archive) {
            // try-with-resources closes in reverse order, and still drops the database when the archive fails to close
        }
    }
}
