package io.imcloud.tenancy;

import io.imcloud.sql.ConnectionProvider;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/**
 * Server-wide random keys in table {@code ofImKey}, shared by every node of a cluster. A key is
 * created once: the first node to need it inserts a random value, and a node that loses the race
 * (duplicate primary key) reads the winner's value instead, so all nodes end up with the same key.
 */
public final class SigningKeyStore {

    private final ConnectionProvider db;
    private final Clock clock;

    public SigningKeyStore(ConnectionProvider db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The key named {@code name}, created with {@code length} random bytes if it does not exist yet. */
    public byte[] loadOrCreate(String name, int length) {
        Optional<byte[]> existing = load(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] fresh = ClientSecrets.randomBytes(length);
        String sql = "INSERT INTO ofImKey (keyName, keyValue, created) VALUES (?, ?, ?)";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, name);
            ps.setString(2, Base64.getEncoder().encodeToString(fresh));
            ps.setLong(3, clock.millis());
            ps.executeUpdate();
            return fresh;
        } catch (SQLException e) {
            if (StoreException.isDuplicateKey(e)) {
                return load(name).orElseThrow(() -> new IllegalStateException("Key " + name + " vanished after a duplicate insert"));
            }
            throw new StoreException("Creating server key " + name, e);
        }
    }

    private Optional<byte[]> load(String name) {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT keyValue FROM ofImKey WHERE keyName = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Base64.getDecoder().decode(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("Reading server key " + name, e);
        }
    }
}
