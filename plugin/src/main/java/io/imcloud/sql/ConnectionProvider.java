package io.imcloud.sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where domain code gets its JDBC connections: Openfire's {@code DbConnectionManager} in production,
 * a plain {@code DataSource} in tests. Callers close what they get (try-with-resources).
 */
public interface ConnectionProvider {

    /** A new or pooled connection in auto-commit mode. */
    Connection getConnection() throws SQLException;

    /** The database behind the connections, for the few statements whose syntax differs. */
    DatabaseType databaseType();
}
