package io.imcloud.push;

import io.imcloud.i18n.ErrorText;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppData;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.StoreException;
import io.imcloud.tenancy.UserData;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * App users' devices bound for push, in table {@code ofImPushBinding}: Easemob's {@code PUT /users/{u}/push/binding}
 * ({@link #bind}; an empty token unbinds, the SDK's logout with unbind), the binding list, and removal with the user
 * ({@link #deleteUser}), the app ({@link #deleteAll}) or a deactivation ({@link #unbindAll}).
 * <p>
 * Bounded: at most {@value #MAX_DEVICES} devices per user, ids of at most {@value #MAX_DEVICE_ID} characters, tokens of
 * at most {@value #MAX_DEVICE_TOKEN} and certificate names of at most {@value #MAX_NOTIFIER_NAME}. A device token
 * belongs to one user of an app at a time: binding it to a user takes it from any other user of the app (a phone that
 * changed hands, or a user who logged out without unbinding), so that nobody's pushes reach another user's phone.
 */
public final class PushBindings implements UserData, AppData {

    /** Most devices one user may have bound. */
    public static final int MAX_DEVICES = 10;
    /** Longest device id. */
    public static final int MAX_DEVICE_ID = 128;
    /** Longest device token. */
    public static final int MAX_DEVICE_TOKEN = 512;
    /** Longest push certificate name. */
    public static final int MAX_NOTIFIER_NAME = 128;
    /** Usernames per query of {@link #withDevices}. */
    private static final int IN_LIST = 100;

    private static final String COLUMNS = "deviceId, deviceToken, notifierName, created, modified";

    private final ConnectionProvider db;
    private final Clock clock;

    public PushBindings(ConnectionProvider db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Binds {@code deviceId} of {@code user} to {@code deviceToken} (a new device, or a new token for a known one);
     * an empty {@code deviceToken} unbinds the device instead. The caller checked that the user exists.
     *
     * @param notifierName the push certificate's name; null or empty for none
     * @return the binding, or empty after an unbind
     * @throws BindingException for an empty or too long id, a too long token or name, control characters, or an
     *                          eleventh device of the user
     */
    public Optional<DeviceBinding> bind(AppUser user, String deviceId, String deviceToken, String notifierName) {
        checkText("device_id", deviceId, 1, MAX_DEVICE_ID);
        checkText("device_token", deviceToken, 0, MAX_DEVICE_TOKEN);
        String notifier = notifierName == null ? "" : notifierName;
        checkText("notifier_name", notifier, 0, MAX_NOTIFIER_NAME);
        if (deviceToken.isEmpty()) {
            unbind(user, deviceId);
            return Optional.empty();
        }
        long now = clock.millis();
        try (Connection con = db.getConnection()) {
            if (!update(con, user, deviceId, deviceToken, notifier, now)) {
                if (count(con, user) >= MAX_DEVICES) {
                    throw tooMany();
                }
                try {
                    insert(con, user, deviceId, deviceToken, notifier, now);
                    // Two new devices bound at once may both have seen room for one: the one over the bound goes again.
                    if (count(con, user) > MAX_DEVICES) {
                        delete(con, user, deviceId);
                        throw tooMany();
                    }
                } catch (SQLException e) {
                    if (!StoreException.isDuplicateKey(e)) {
                        throw e;
                    }
                    // the same device bound at the same moment by another request: this one's token wins
                    update(con, user, deviceId, deviceToken, notifier, now);
                }
            }
            takeTokenFromOthers(con, user, deviceToken);
            return find(con, user, deviceId);
        } catch (SQLException e) {
            throw new StoreException("Binding a device of " + user.node(), e);
        }
    }

    /** Removes one device of the user; false when it was not bound. */
    public boolean unbind(AppUser user, String deviceId) {
        try (Connection con = db.getConnection()) {
            return delete(con, user, deviceId);
        } catch (SQLException e) {
            throw new StoreException("Unbinding a device of " + user.node(), e);
        }
    }

    /**
     * Removes every device of the user, so that no push reaches them any more (a deactivated user); callbacks still
     * queued for them are dropped when their turn comes. Returns how many devices went.
     */
    public int unbindAll(AppUser user) {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("DELETE FROM ofImPushBinding WHERE appKey = ? AND username = ?")) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Unbinding the devices of " + user.node(), e);
        }
    }

    /** The user's bound devices, oldest binding first. */
    public List<DeviceBinding> list(AppUser user) {
        String sql = "SELECT " + COLUMNS + " FROM ofImPushBinding WHERE appKey = ? AND username = ? ORDER BY created, deviceId";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            try (ResultSet rs = ps.executeQuery()) {
                List<DeviceBinding> bindings = new ArrayList<>();
                while (rs.next()) {
                    bindings.add(read(rs));
                }
                return bindings;
            }
        } catch (SQLException e) {
            throw new StoreException("Listing the devices of " + user.node(), e);
        }
    }

    /** Which of {@code usernames} (users of {@code app}) have at least one bound device. */
    public Set<String> withDevices(AppKey app, Collection<String> usernames) {
        Set<String> found = new HashSet<>();
        List<String> all = List.copyOf(new HashSet<>(usernames));
        for (int from = 0; from < all.size(); from += IN_LIST) {
            List<String> part = all.subList(from, Math.min(all.size(), from + IN_LIST));
            String sql = "SELECT DISTINCT username FROM ofImPushBinding WHERE appKey = ? AND username IN ("
                    + String.join(", ", Collections.nCopies(part.size(), "?")) + ")";
            try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
                ps.setString(1, app.toString());
                for (int i = 0; i < part.size(); i++) {
                    ps.setString(i + 2, part.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("Looking up bound devices of " + app, e);
            }
        }
        return found;
    }

    @Override
    public long deleteUser(AppUser user) {
        return unbindAll(user);
    }

    @Override
    public String kind() {
        return "push_bindings";
    }

    @Override
    public long deleteAll(AppKey appKey) {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("DELETE FROM ofImPushBinding WHERE appKey = ?")) {
            ps.setString(1, appKey.toString());
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Deleting the device bindings of app " + appKey, e);
        }
    }

    private static void checkText(String name, String value, int min, int max) {
        if (value == null) {
            throw new BindingException(ErrorText.FIELD_REQUIRED, name);
        }
        if (value.length() < min || value.length() > max) {
            throw new BindingException(ErrorText.FIELD_LENGTH, name, min, max);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' || c == 0x7f) {
                throw new BindingException(ErrorText.FIELD_CONTROL_CHARACTERS, name);
            }
        }
    }

    private static BindingException tooMany() {
        return new BindingException(ErrorText.TOO_MANY_DEVICES, MAX_DEVICES);
    }

    private static void takeTokenFromOthers(Connection con, AppUser user, String token) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(
                "DELETE FROM ofImPushBinding WHERE appKey = ? AND deviceToken = ? AND username <> ?")) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, token);
            ps.setString(3, user.username());
            ps.executeUpdate();
        }
    }

    private static boolean update(Connection con, AppUser user, String deviceId, String token, String notifier, long now)
            throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImPushBinding SET deviceToken = ?, notifierName = ?,"
                + " modified = ? WHERE appKey = ? AND username = ? AND deviceId = ?")) {
            ps.setString(1, token);
            ps.setString(2, notifier.isEmpty() ? null : notifier);
            ps.setLong(3, now);
            ps.setString(4, user.appKey().toString());
            ps.setString(5, user.username());
            ps.setString(6, deviceId);
            return ps.executeUpdate() > 0;
        }
    }

    private static void insert(Connection con, AppUser user, String deviceId, String token, String notifier, long now)
            throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImPushBinding (appKey, username, deviceId,"
                + " deviceToken, notifierName, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            ps.setString(3, deviceId);
            ps.setString(4, token);
            // null, not '': Oracle stores the empty string as NULL anyway
            ps.setString(5, notifier.isEmpty() ? null : notifier);
            ps.setLong(6, now);
            ps.setLong(7, now);
            ps.executeUpdate();
        }
    }

    private static boolean delete(Connection con, AppUser user, String deviceId) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(
                "DELETE FROM ofImPushBinding WHERE appKey = ? AND username = ? AND deviceId = ?")) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            ps.setString(3, deviceId);
            return ps.executeUpdate() > 0;
        }
    }

    private static int count(Connection con, AppUser user) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(
                "SELECT COUNT(*) FROM ofImPushBinding WHERE appKey = ? AND username = ?")) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Optional<DeviceBinding> find(Connection con, AppUser user, String deviceId) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT " + COLUMNS
                + " FROM ofImPushBinding WHERE appKey = ? AND username = ? AND deviceId = ?")) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            ps.setString(3, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static DeviceBinding read(ResultSet rs) throws SQLException {
        String notifier = rs.getString(3);
        return new DeviceBinding(rs.getString(1), rs.getString(2), notifier == null ? "" : notifier, rs.getLong(4), rs.getLong(5));
    }
}
