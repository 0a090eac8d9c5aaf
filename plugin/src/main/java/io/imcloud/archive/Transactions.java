package io.imcloud.archive;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs work in one transaction on a (possibly pooled) connection and restores its settings. Work that
 * reads a counter's inputs after locking its row needs READ COMMITTED (MySQL/MariaDB default to
 * REPEATABLE READ, whose snapshot could predate the lock); plain inserts and atomic increments do not,
 * and skip the isolation switch, which costs a server round trip on some drivers.
 */
final class Transactions {

    /** A unit of work on a connection inside a transaction. */
    interface Work<T> {
        T run(Connection con) throws SQLException;
    }

    private Transactions() {
    }

    /** Commits {@code work} in READ COMMITTED on {@code con}, or rolls it back and rethrows. */
    static <T> T readCommitted(Connection con, Work<T> work) throws SQLException {
        return run(con, true, work);
    }

    /** Commits {@code work} on {@code con}, in READ COMMITTED if asked, or rolls it back and rethrows. */
    static <T> T run(Connection con, boolean readCommitted, Work<T> work) throws SQLException {
        boolean autoCommit = con.getAutoCommit();
        int isolation = readCommitted ? con.getTransactionIsolation() : -1;
        con.setAutoCommit(false);
        if (readCommitted && isolation != Connection.TRANSACTION_READ_COMMITTED) {
            con.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        try {
            T result = work.run(con);
            con.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                con.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            if (readCommitted && isolation != Connection.TRANSACTION_READ_COMMITTED) {
                con.setTransactionIsolation(isolation);
            }
            con.setAutoCommit(autoCommit);
        }
    }
}
