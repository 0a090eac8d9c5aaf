package io.imcloud.testsupport;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The connections of another provider, unchanged, with the SQL of every statement they prepare kept in order: for tests
 * that count the queries a piece of code makes.
 */
public final class CountingConnections implements ConnectionProvider {

    private final ConnectionProvider db;
    private final List<String> prepared = new CopyOnWriteArrayList<>();

    public CountingConnections(ConnectionProvider db) {
        this.db = db;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return ConnectionProxies.around(db.getConnection(), (method, args) -> {
            if (method.getName().startsWith("prepare") && args != null && args.length > 0 && args[0] instanceof String sql) {
                prepared.add(sql);
            }
        });
    }

    @Override
    public DatabaseType databaseType() {
        return db.databaseType();
    }

    /** How many statements prepared so far read {@code table} ({@code SELECT ... FROM table ...}). */
    public long selectsFrom(String table) {
        String from = " from " + table.toLowerCase(Locale.ROOT) + " ";
        return prepared.stream().map(sql -> sql.toLowerCase(Locale.ROOT) + " ")
                .filter(sql -> sql.startsWith("select") && sql.contains(from)).count();
    }

    /** How many statements prepared so far begin with {@code start} (case and spacing as the code writes them). */
    public long startingWith(String start) {
        return prepared.stream().filter(sql -> sql.startsWith(start)).count();
    }

    /** Forgets the statements counted so far. */
    public void reset() {
        prepared.clear();
    }
}
