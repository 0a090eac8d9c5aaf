package io.imcloud.testsupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh, empty imcloud schema on one real database, installed by the project's own
 * {@code database/imcloud_<type>.sql} (after Openfire's {@code ofVersion} table, which the script
 * writes to). HSQLDB in memory always; PostgreSQL and MariaDB when {@code IMCLOUD_TEST_POSTGRES_URL}
 * / {@code IMCLOUD_TEST_MARIADB_URL} name a server. Each instance gets its own schema or database,
 * dropped again by {@link #close()}.
 */
public final class TestDatabase implements ConnectionProvider, AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final DatabaseType type;
    private final HikariDataSource pool;
    private final Runnable dropper;

    private TestDatabase(DatabaseType type, HikariDataSource pool, Runnable dropper) {
        this.type = type;
        this.pool = pool;
        this.dropper = dropper;
    }

    /** The database types this run can test: HSQLDB, plus the servers named by the environment. */
    public static List<DatabaseType> available() {
        List<DatabaseType> types = new ArrayList<>(List.of(DatabaseType.HSQLDB));
        if (System.getenv("IMCLOUD_TEST_POSTGRES_URL") != null) {
            types.add(DatabaseType.POSTGRESQL);
        }
        if (System.getenv("IMCLOUD_TEST_MARIADB_URL") != null) {
            types.add(DatabaseType.MARIADB);
        }
        return types;
    }

    /** A new schema on {@code type}, with the imcloud tables installed. */
    public static TestDatabase create(DatabaseType type) {
        return create(type, true);
    }

    /** A new schema on {@code type}; with {@code install} false only {@code ofVersion} exists. */
    public static TestDatabase create(DatabaseType type, boolean install) {
        String name = "imcloud_t" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
        TestDatabase db = switch (type) {
            case HSQLDB -> open(type, "jdbc:hsqldb:mem:" + name + ";sql.syntax_mys=false", () -> { });
            case POSTGRESQL -> onServer(type, System.getenv("IMCLOUD_TEST_POSTGRES_URL"), name);
            case MARIADB -> onServer(type, System.getenv("IMCLOUD_TEST_MARIADB_URL"), name);
            default -> throw new IllegalArgumentException("No test server for " + type);
        };
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            st.execute("CREATE TABLE ofVersion (name VARCHAR(50) NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (name))");
            if (install) {
                SchemaScript.run(con, SchemaScript.installScript(type.scriptName()), false);
            }
        } catch (Exception e) {
            db.close();
            throw new IllegalStateException("Cannot install the imcloud schema on " + type, e);
        }
        return db;
    }

    private static TestDatabase onServer(DatabaseType type, String baseUrl, String name) {
        try (Connection admin = DriverManager.getConnection(baseUrl); Statement st = admin.createStatement()) {
            st.execute(type == DatabaseType.POSTGRESQL ? "CREATE SCHEMA " + name : "CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test schema on " + type + " (" + redact(baseUrl) + ")", e);
        }
        String url = type == DatabaseType.POSTGRESQL
                ? baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + name
                : baseUrl.replaceFirst("(//[^/]+/)[^?]*", "$1" + name);
        String drop = type == DatabaseType.POSTGRESQL ? "DROP SCHEMA " + name + " CASCADE" : "DROP DATABASE " + name;
        return open(type, url, () -> {
            try (Connection admin = DriverManager.getConnection(baseUrl); Statement st = admin.createStatement()) {
                st.execute(drop);
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot drop test schema " + name, e);
            }
        });
    }

    private static TestDatabase open(DatabaseType type, String url, Runnable dropper) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(16);
        config.setPoolName(type.scriptName());
        return new TestDatabase(type, new HikariDataSource(config), dropper);
    }

    private static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public DatabaseType databaseType() {
        return type;
    }

    /** Counts the rows of {@code table}, for assertions that nothing was half-written. */
    public long count(String table) throws SQLException {
        try (Connection con = getConnection(); Statement st = con.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        if (type == DatabaseType.HSQLDB) {
            try (Connection con = getConnection(); Statement st = con.createStatement()) {
                st.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // the in-memory database is gone either way once the pool closes
            }
        }
        pool.close();
        dropper.run();
    }

    @Override
    public String toString() {
        return type.scriptName();
    }
}
