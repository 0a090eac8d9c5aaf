package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The connection the archive writer keeps while batches keep coming, in READ COMMITTED for as long as it keeps it (a
 * batch reads {@code foldedUpTo} after the writer lock, and a counter after its row lock, which needs it; MySQL and
 * MariaDB default to REPEATABLE READ). Borrowing a connection for each batch cost round trips of their own: Openfire's
 * pool tests a connection when it lends it and when it takes it back (one round trip each, by default), and the
 * isolation was read (PostgreSQL) or set (MySQL, MariaDB) in every transaction. The writer gives it back when it idles
 * and after a failure, and exchanges it once kept for {@link #MAX_HOLD}, so that the pool's lifetime and replacement
 * rules still reach it under steady load; the pool then tests it and drops it if it is broken. Used by the writer thread
 * only.
 */
final class WriterConnection implements AutoCloseable {

    private static final Logger Log = LoggerFactory.getLogger(WriterConnection.class);
    /** The longest the writer keeps one connection. */
    static final Duration MAX_HOLD = Duration.ofMinutes(1);

    private final ConnectionProvider db;
    private final long maxHoldNanos;
    private Connection connection;
    private long borrowedAt;
    /** The isolation the connection had when borrowed, to restore; -1 when it was READ COMMITTED already. */
    private int borrowedIsolation = -1;

    /** Connections of {@code db}, each kept at most {@code maxHold}. */
    WriterConnection(ConnectionProvider db, Duration maxHold) {
        this.db = db;
        this.maxHoldNanos = maxHold.toNanos();
    }

    /**
     * The kept connection, borrowed from the pool (and set to READ COMMITTED) when none is kept or the kept one has been
     * kept its longest.
     */
    Connection get() throws SQLException {
        if (connection != null && System.nanoTime() - borrowedAt >= maxHoldNanos) {
            release();
        }
        if (connection == null) {
            Connection borrowed = db.getConnection();
            try {
                int isolation = borrowed.getTransactionIsolation();
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    borrowed.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    borrowedIsolation = isolation;
                }
            } catch (SQLException e) {
                closeQuietly(borrowed);
                throw new SQLException("Cannot set the archive writer's connection to READ COMMITTED: " + e.getMessage(),
                        e.getSQLState(), e);
            }
            connection = borrowed;
            borrowedAt = System.nanoTime();
        }
        return connection;
    }

    /** Gives the kept connection back to the pool with its isolation as borrowed; nothing when none is kept. */
    void release() {
        if (connection == null) {
            return;
        }
        try {
            if (borrowedIsolation >= 0) {
                connection.setTransactionIsolation(borrowedIsolation);
            }
        } catch (SQLException e) {
            Log.debug("Could not restore the isolation of the archive writer's connection", e);
        } finally {
            closeQuietly(connection);
            connection = null;
            borrowedIsolation = -1;
        }
    }

    @Override
    public void close() {
        release();
    }

    private static void closeQuietly(Connection con) {
        try {
            con.close();
        } catch (SQLException e) {
            Log.debug("Could not give the archive writer's connection back to the pool", e);
        }
    }
}
