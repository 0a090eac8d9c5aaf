package io.imcloud.testsupport;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.users.UserDirectory;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link UserDirectory} that does what Openfire's {@code DefaultUserProvider} does with the
 * default settings: SCRAM-SHA-1 keys (PBKDF2WithHmacSHA1, 4096 iterations, random salt; storedKey =
 * SHA-1(HMAC(salted, "Client Key")), serverKey = HMAC(salted, "Server Key")) and one INSERT into a
 * table shaped like {@code ofUser} ({@code ofTestUser}, created on the given database, username
 * VARCHAR(64) as in Openfire). Used by the REST tests and the registration benchmark.
 */
public final class ScramUserDirectory implements UserDirectory {

    /** Openfire's default {@code sasl.scram-sha-1.iteration-count}. */
    public static final int ITERATIONS = 4096;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final ConnectionProvider db;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    /** Creates table {@code ofTestUser} on {@code db} unless it exists. */
    public ScramUserDirectory(ConnectionProvider db) {
        this.db = db;
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS ofTestUser (username VARCHAR(64) NOT NULL, storedKey VARCHAR(32), "
                    + "serverKey VARCHAR(32), salt VARCHAR(32), iterations INTEGER, name VARCHAR(100), "
                    + "creationDate VARCHAR(15) NOT NULL, CONSTRAINT ofTestUser_pk PRIMARY KEY (username))");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create ofTestUser", e);
        }
    }

    @Override
    public boolean create(String node, String password, String displayName) {
        byte[] salt = new byte[24];
        RANDOM.nextBytes(salt);
        Keys keys = Keys.of(password, salt, ITERATIONS);
        String sql = "INSERT INTO ofTestUser (username, storedKey, serverKey, salt, iterations, name, creationDate) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, node);
            ps.setString(2, B64.encodeToString(keys.storedKey));
            ps.setString(3, B64.encodeToString(keys.serverKey));
            ps.setString(4, B64.encodeToString(salt));
            ps.setInt(5, ITERATIONS);
            ps.setString(6, displayName);
            ps.setString(7, String.format("%015d", System.currentTimeMillis()));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false;
            }
            throw new IllegalStateException("Cannot create " + node, e);
        }
    }

    @Override
    public boolean exists(String node) {
        return row(node, "username") != null;
    }

    @Override
    public void delete(String node) {
        update("DELETE FROM ofTestUser WHERE username = ?", node);
        refused.remove(node);
    }

    @Override
    public void setLoginRefused(String node, boolean refuse) {
        if (refuse) {
            refused.add(node);
        } else {
            refused.remove(node);
        }
    }

    /** Whether logins of {@code node} are refused, for assertions. */
    public boolean isLoginRefused(String node) {
        return refused.contains(node);
    }

    @Override
    public boolean setPassword(String node, String password) {
        byte[] salt = new byte[24];
        RANDOM.nextBytes(salt);
        Keys keys = Keys.of(password, salt, ITERATIONS);
        return update("UPDATE ofTestUser SET storedKey = ?, serverKey = ?, salt = ?, iterations = ? WHERE username = ?",
                B64.encodeToString(keys.storedKey), B64.encodeToString(keys.serverKey), B64.encodeToString(salt),
                ITERATIONS, node) > 0;
    }

    @Override
    public boolean authenticate(String node, String password) {
        String[] row = row(node, "salt", "iterations", "storedKey");
        if (row == null) {
            return false;
        }
        Keys keys = Keys.of(password, Base64.getDecoder().decode(row[0]), Integer.parseInt(row[1]));
        return MessageDigest.isEqual(keys.storedKey, Base64.getDecoder().decode(row[2]));
    }

    /** The number of accounts, for assertions. */
    public long count() {
        String[] row = rowOf("SELECT COUNT(*) FROM ofTestUser");
        return Long.parseLong(row[0]);
    }

    private String[] row(String node, String... columns) {
        return rowOf("SELECT " + String.join(", ", columns) + " FROM ofTestUser WHERE username = ?", node);
    }

    private String[] rowOf(String sql, Object... args) {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String[] values = new String[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rs.getString(i + 1);
                }
                return values;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Failed: " + sql, e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Failed: " + sql, e);
        }
    }

    private record Keys(byte[] storedKey, byte[] serverKey) {
        static Keys of(String password, byte[] salt, int iterations) {
            try {
                PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 160);
                byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(spec).getEncoded();
                byte[] clientKey = hmac(salted, "Client Key");
                return new Keys(MessageDigest.getInstance("SHA-1").digest(clientKey), hmac(salted, "Server Key"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
