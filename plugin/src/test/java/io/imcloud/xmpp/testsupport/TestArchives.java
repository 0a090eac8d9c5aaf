package io.imcloud.xmpp.testsupport;

import io.imcloud.archive.Archive;

/**
 * The one place the xmpp tests get their archive from. Today the in-memory one; after the SQL
 * archive is merged, switch this line to it (on HSQLDB, PostgreSQL or MariaDB) and every xmpp test
 * runs against the real thing. Tests must call {@link Archive#flush()} before reading, as they would
 * with a group-commit writer.
 */
public final class TestArchives {

    private TestArchives() {
    }

    /** A fresh, empty archive with room for many queued writes. */
    public static Archive newArchive() {
        return new InMemoryArchive(10_000);
    }
}
