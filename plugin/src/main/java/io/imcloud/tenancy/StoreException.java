package io.imcloud.tenancy;

import java.sql.SQLException;

/**
 * A database failure in a domain store, carrying what was being done. Unchecked: callers cannot
 * repair it, the REST layer answers 500 and the log keeps the {@link SQLException} as the cause.
 */
public class StoreException extends RuntimeException {

    public StoreException(String doing, SQLException cause) {
        super(doing + ": " + cause.getMessage(), cause);
    }

    /**
     * True when {@code e} (or an exception chained to it) is a primary-key or unique-index
     * violation. SQLState class 23 is what HSQLDB, PostgreSQL, MySQL/MariaDB, Oracle and SQL Server
     * all report for it, so no vendor error codes are needed.
     */
    public static boolean isDuplicateKey(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("23")) {
                return true;
            }
        }
        SQLException next = e.getNextException();
        return next != null && next != e && isDuplicateKey(next);
    }
}
