package io.imcloud.openfire;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import org.jivesoftware.database.DbConnectionManager;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * JDBC connections from Openfire's own pool ({@link DbConnectionManager}), so that imcloud's tables
 * live in Openfire's database and every cluster node sees the same data.
 */
public final class OpenfireConnectionProvider implements ConnectionProvider {

    private final DatabaseType databaseType;

    /**
     * Connections to the database Openfire runs on.
     *
     * @throws IllegalStateException when imcloud has no schema for that database
     */
    public OpenfireConnectionProvider() {
        // By name: Openfire 4.2.0, which we compile against, lacks constants 5.1 has (mariadb, cockroachdb, ...).
        this.databaseType = typeOf(DbConnectionManager.getDatabaseType().name());
    }

    /**
     * Our type for the name of a {@code DbConnectionManager.DatabaseType} constant.
     *
     * @throws IllegalStateException for a database without {@code database/imcloud_<type>.sql}
     */
    static DatabaseType typeOf(String openfireTypeName) {
        try {
            return DatabaseType.fromName(openfireTypeName);
        } catch (IllegalArgumentException e) {
            String supported = Arrays.stream(DatabaseType.values()).map(DatabaseType::scriptName)
                    .collect(Collectors.joining(", "));
            throw new IllegalStateException("imcloud does not support Openfire's database type '" + openfireTypeName
                    + "'; it runs on " + supported, e);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DbConnectionManager.getConnection();
    }

    @Override
    public DatabaseType databaseType() {
        return databaseType;
    }
}
