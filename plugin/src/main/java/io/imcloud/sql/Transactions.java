package io.imcloud.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs work in one transaction on a (possibly pooled) connection and restores its settings. Work that
 * reads a counter's inputs after locking its row needs READ COMMITTED (MySQL/MariaDB default to
 * REPEATABLE READ, whose snapshot could predate the lock); plain inserts do not, and skip the isolation
 * switch, which costs server round trips. On MySQL and MariaDB the switch is one statement that sets the
 * next transaction only, instead of a session change and its undoing.
 */
public final class Transactions {

    /** A unit of work on a connection inside a transaction. */
    public interface Work<T> {
        T run(Connection con) throws SQLException;
    }

    private Transactions() {
    }

    /** Commits {@code work} in READ COMMITTED on {@code con} (a {@code type} database), or rolls it back and rethrows. */
    public static <T> T readCommitted(Connection con, DatabaseType type, Work<T> work) throws SQLException {
        return run(con, type, true, work);
    }

    /** Commits {@code work} on {@code con}, in READ COMMITTED if asked, or rolls it back and rethrows. */
    public static <T> T run(Connection con, DatabaseType type, boolean readCommitted, Work<T> work) throws SQLException {
        boolean autoCommit = con.getAutoCommit();
        boolean nextOnly = readCommitted && (type == DatabaseType.MYSQL || type == DatabaseType.MARIADB);
        int isolation = readCommitted && !nextOnly ? con.getTransactionIsolation() : -1;
        con.setAutoCommit(false);
        if (nextOnly) {
            try (Statement st = con.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
            }
        } else if (readCommitted && isolation != Connection.TRANSACTION_READ_COMMITTED) {
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
            if (isolation >= 0 && isolation != Connection.TRANSACTION_READ_COMMITTED) {
                con.setTransactionIsolation(isolation);
            }
            con.setAutoCommit(autoCommit);
        }
    }
}
