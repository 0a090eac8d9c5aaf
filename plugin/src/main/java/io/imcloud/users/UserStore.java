package io.imcloud.users;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The rows of table {@code ofImUser}; every statement is scoped by app key. */
final class UserStore {

    private static final String COLUMNS = "username, userUuid, nickname, created, modified, activated, tokensRevokedUpTo";

    private final ConnectionProvider db;

    UserStore(ConnectionProvider db) {
        this.db = db;
    }

    /** Inserts the row; false when the (app, username) primary key is taken. */
    boolean insert(UserAccount a) {
        String sql = "INSERT INTO ofImUser (appKey, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, a.user().appKey().toString());
            ps.setString(2, a.user().username());
            ps.setString(3, a.uuid());
            ps.setString(4, a.nickname());
            ps.setLong(5, a.created());
            ps.setLong(6, a.modified());
            ps.setInt(7, a.activated() ? 1 : 0);
            ps.setLong(8, a.tokensRevokedUpTo());
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (StoreException.isDuplicateKey(e)) {
                return false;
            }
            throw new StoreException("Inserting user " + a.user().node(), e);
        }
    }

    Optional<UserAccount> find(AppUser user) {
        String sql = "SELECT " + COLUMNS + " FROM ofImUser WHERE appKey = ? AND username = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(user.appKey(), rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("Reading user " + user.node(), e);
        }
    }

    /** True when the user has its row. */
    boolean exists(AppUser user) {
        String sql = "SELECT 1 FROM ofImUser WHERE appKey = ? AND username = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreException("Checking the registration of " + user.node(), e);
        }
    }

    /** Up to {@code limit} users of the app with a username after {@code after} (null: from the start). */
    List<UserAccount> after(AppKey appKey, String after, int limit) {
        return after(appKey, "", after, limit);
    }

    /**
     * Up to {@code limit} users of the app whose username starts with {@code prefix} and comes after {@code after}
     * (null: from the start), in username order.
     */
    List<UserAccount> after(AppKey appKey, String prefix, String after, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM ofImUser WHERE appKey = ?" + (after == null ? "" : " AND username > ?")
                + (prefix.isEmpty() ? "" : " AND username LIKE ? ESCAPE '!'")
                + " ORDER BY username" + db.databaseType().limit(limit);
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, appKey.toString());
            if (after != null) {
                ps.setString(i++, after);
            }
            if (!prefix.isEmpty()) {
                ps.setString(i, prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<UserAccount> users = new ArrayList<>();
                while (rs.next()) {
                    users.add(read(appKey, rs));
                }
                return users;
            }
        } catch (SQLException e) {
            throw new StoreException("Listing users of " + appKey, e);
        }
    }

    /** The number of users of the app. */
    long count(AppKey appKey) {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImUser WHERE appKey = ?")) {
            ps.setString(1, appKey.toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("Counting users of " + appKey, e);
        }
    }

    /** Deletes the row only if it still has {@code uuid}, so an undo never removes someone else's row. */
    boolean delete(AppUser user, String uuid) {
        String sql = "DELETE FROM ofImUser WHERE appKey = ? AND username = ? AND userUuid = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            ps.setString(3, uuid);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("Deleting user " + user.node(), e);
        }
    }

    /** Records a password change: the row's modified time, and the time before which the user's tokens are revoked. */
    void passwordChanged(AppUser user, long modified, long tokensRevokedUpTo) {
        String sql = "UPDATE ofImUser SET modified = ?, tokensRevokedUpTo = ? WHERE appKey = ? AND username = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setLong(1, modified);
            ps.setLong(2, tokensRevokedUpTo);
            ps.setString(3, user.appKey().toString());
            ps.setString(4, user.username());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Updating user " + user.node(), e);
        }
    }

    /**
     * Sets the activation flag and modified time; a deactivation also revokes the user's tokens issued so far, so that
     * an activation later does not bring them back. False when there is no such user.
     */
    boolean setActivated(AppUser user, boolean activated, long modified) {
        return activated ? update(user, "activated = 1, modified = ?", modified)
                : update(user, "activated = 0, modified = ?, tokensRevokedUpTo = ?", modified, modified);
    }

    /** Sets the nickname and modified time; false when there is no such user. */
    boolean setNickname(AppUser user, String nickname, long modified) {
        return update(user, "nickname = ?, modified = ?", nickname, modified);
    }

    private boolean update(AppUser user, String assignments, Object... values) {
        String sql = "UPDATE ofImUser SET " + assignments + " WHERE appKey = ? AND username = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.setString(values.length + 1, user.appKey().toString());
            ps.setString(values.length + 2, user.username());
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("Updating user " + user.node(), e);
        }
    }

    private static UserAccount read(AppKey appKey, ResultSet rs) throws SQLException {
        return new UserAccount(rs.getString(2), new AppUser(appKey, rs.getString(1)), rs.getString(3),
                rs.getLong(4), rs.getLong(5), rs.getInt(6) != 0, rs.getLong(7));
    }
}
