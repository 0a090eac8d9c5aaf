package io.imcloud.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database an Openfire under test is set up with (and so where imcloud's tables live).
 *
 * @param driver   JDBC driver class Openfire loads from its own {@code lib/}
 * @param url      JDBC URL, {@code %HOME%} standing for the server's home
 * @param username database user (empty password)
 */
public record OpenfireDatabase(String driver, String url, String username) {

    /** Openfire's embedded HSQLDB, in files under the server's home: what a default install uses. */
    public static OpenfireDatabase embedded() {
        return new OpenfireDatabase("org.hsqldb.jdbc.JDBCDriver",
                "jdbc:hsqldb:file:%HOME%/embedded-db/openfire;hsqldb.tx=mvcc", "sa");
    }

    /**
     * An empty PostgreSQL database {@code name} (made anew: an earlier one of that name is dropped) on
     * the server {@code IMCLOUD_IT_POSTGRES} names (a JDBC URL of a database to create it from, e.g.
     * {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}), or null when the variable is not set.
     */
    public static OpenfireDatabase freshPostgres(String name) throws SQLException {
        String admin = System.getenv("IMCLOUD_IT_POSTGRES");
        return admin == null || admin.isBlank() ? null : freshPostgres(admin, name);
    }

    /** An empty PostgreSQL database {@code name} (made anew) on the server whose database {@code admin} names. */
    public static OpenfireDatabase freshPostgres(String admin, String name) throws SQLException {
        try (Connection con = DriverManager.getConnection(admin); Statement st = con.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + name);
        }
        String hostAndPort = admin.replaceFirst("^jdbc:postgresql://([^/]+)/.*$", "$1");
        return new OpenfireDatabase("org.postgresql.Driver", "jdbc:postgresql://" + hostAndPort + "/" + name, "postgres");
    }

    /** The JDBC URL for the server whose home is {@code home}. */
    public String url(Path home) {
        return url.replace("%HOME%", home.toString());
    }
}
