package io.imcloud.archive;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs work in one READ COMMITTED transaction on a (possibly pooled) connection and restores its settings. */
final class Transactions {

    /** A unit of work on a connection inside a transaction. */
    interface Work<T> {
        T run(Connection con) throws SQLException;
    }

    private Transactions() {
    }

    /** Commits {@code work} on {@code con}, or rolls it back and rethrows. */
    static <T> T readCommitted(Connection con, Work<T> work) throws SQLException {
        boolean autoCommit = con.getAutoCommit();
        int isolation = con.getTransactionIsolation();
        con.setAutoCommit(false);
        con.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
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
            con.setTransactionIsolation(isolation);
            con.setAutoCommit(autoCommit);
        }
    }
}
