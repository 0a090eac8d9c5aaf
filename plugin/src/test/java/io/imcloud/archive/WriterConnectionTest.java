package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.ConnectionProxies;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.message;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The archive writer keeps one connection while batches keep coming, instead of borrowing one (and paying the pool's
 * tests) per batch, and gives it back when it idles.
 */
class WriterConnectionTest {

    @AllDatabases
    void keepsOneConnectionWhileBatchesComeAndGivesItBackWhenIdle(TestDatabase db) throws Exception {
        WriterBorrows borrows = new WriterBorrows(db);
        try (SqlArchive archive = new SqlArchive(borrows, new MessageIds(1), settings(1000, 4))) {
            for (int i = 0; i < 40; i++) {
                assertTrue(archive.append(message(archive, APP, "alice", "bob", null)));
            }
            archive.flush();
            assertEquals(40, db.count("ofImMessage"));
            assertTrue(borrows.borrowed.get() < 10, "batches of 4 share connections: " + borrows.borrowed + " borrowed");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (borrows.open.get() > 0) {
                assertTrue(System.nanoTime() < deadline, "the idle writer gives its connection back");
                Thread.sleep(10);
            }
            assertTrue(archive.append(message(archive, APP, "alice", "bob", null)));
            archive.flush();
            assertEquals(41, db.count("ofImMessage"), "and borrows one again for the next batch");
        }
    }

    /** A kept connection is in READ COMMITTED, is kept across calls, and is exchanged once kept its longest. */
    @AllDatabases
    void keepsAReadCommittedConnectionForItsLongestAtMost(TestDatabase db) throws Exception {
        AtomicInteger borrowed = new AtomicInteger();
        ConnectionProvider counting = new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                borrowed.incrementAndGet();
                return db.getConnection();
            }

            @Override
            public DatabaseType databaseType() {
                return db.databaseType();
            }
        };
        try (WriterConnection kept = new WriterConnection(counting, Duration.ofHours(1))) {
            assertEquals(Connection.TRANSACTION_READ_COMMITTED, kept.get().getTransactionIsolation());
            kept.get();
            assertEquals(1, borrowed.get(), "kept across calls");
        }
        try (WriterConnection kept = new WriterConnection(counting, Duration.ZERO)) {
            kept.get();
            kept.get();
            assertEquals(3, borrowed.get(), "exchanged once kept its longest");
        }
    }

    /** Counts the connections the writer thread borrows, and how many of them it has not given back. */
    private static final class WriterBorrows implements ConnectionProvider {
        private final ConnectionProvider db;
        final AtomicInteger borrowed = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();

        WriterBorrows(ConnectionProvider db) {
            this.db = db;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection con = db.getConnection();
            if (!Thread.currentThread().getName().equals("imcloud-writer")) {
                return con;
            }
            borrowed.incrementAndGet();
            open.incrementAndGet();
            return ConnectionProxies.around(con, (method, args) -> {
                if (method.getName().equals("close")) {
                    open.decrementAndGet();
                }
            });
        }

        @Override
        public DatabaseType databaseType() {
            return db.databaseType();
        }
    }
}
