package io.imcloud.tenancy;

import io.imcloud.i18n.ErrorText;
import io.imcloud.sql.ConnectionProvider;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The apps (tenants) in table {@code ofImApp}.
 * <p>
 * {@link #find} runs on every REST request, so it keeps what it read for a short time (one second
 * by default), together with the app's {@link AppStamps stamp} as it was before the read, and answers from memory
 * only while that stamp is still the current one. Every creation, rotation, option change or deletion made through
 * this store gives the app a new stamp once it committed and before its method returns, so every store sharing the
 * stamps (every cluster node's) reads the app anew on its next {@link #find}. A change that commits between a read's
 * stamp and its row leaves a stale row under an old stamp, which the next {@link #find} reloads. An app whose stamp
 * was lost (evicted) is read anew once; a node that missed a new stamp (it could not be stored) uses what it read for
 * at most the cache time. Client authentication always reads the database.
 */
public final class AppStore {

    /** Reserved: {@code /management/...} is the operator's API, so no org may take that name. */
    public static final String RESERVED_ORG = "management";

    private static final String COLUMNS = "org, app, appUuid, clientId, secretVersion, openRegistration, "
            + "maxUsers, retentionDays, fileQuotaBytes, fileQuotaCount, fileRetentionDays, mediaOnlyUploads, callbackUrl, created,"
            + " modified";

    /** How long {@link #find} trusts what it read, unless told otherwise. */
    public static final long DEFAULT_CACHE_MILLIS = 1000;

    private final ConnectionProvider db;
    private final Clock clock;
    private final long cacheMillis;
    private final AppStamps stamps;
    private final ConcurrentHashMap<AppKey, Cached> cache = new ConcurrentHashMap<>();

    /** The apps of a single node: the default cache time, stamps in this node's memory. */
    public AppStore(ConnectionProvider db, Clock clock) {
        this(db, clock, DEFAULT_CACHE_MILLIS, AppStamps.local());
    }

    /**
     * @param cacheMillis how long {@link #find} may answer from memory; 0 to always read the database
     * @param stamps      the apps' stamps, shared by every store that must see this one's changes at once
     */
    public AppStore(ConnectionProvider db, Clock clock, long cacheMillis, AppStamps stamps) {
        this.db = db;
        this.clock = clock;
        this.cacheMillis = cacheMillis;
        this.stamps = stamps;
    }

    /**
     * After a statement on the app's row committed: when it changed the row ({@code changedRow}), drops the app here
     * (should the new stamp not be stored) and gives it a new stamp (outside any database connection: in a cluster
     * that may take a moment). Returns {@code changedRow}.
     */
    private boolean changed(AppKey key, boolean changedRow) {
        if (changedRow) {
            cache.remove(key);
            stamps.changed(key);
        }
        return changedRow;
    }

    /**
     * Creates an app with fresh credentials (and a callback secret when the options set a callback URL); empty when
     * the app key is taken.
     *
     * @throws AppException for the reserved org name
     */
    public Optional<AppCredentials> create(AppKey key, AppOptions options) {
        if (RESERVED_ORG.equals(key.org())) {
            throw new AppException(ErrorText.RESERVED_ORG, RESERVED_ORG);
        }
        String secret = ClientSecrets.newSecret();
        long now = clock.millis();
        String callbackUrl = options.callbackUrl() == null || options.callbackUrl().isEmpty() ? null : options.callbackUrl();
        String callbackSecret = callbackUrl == null ? null : ClientSecrets.newSecret();
        App app = new App(key, UUID.randomUUID().toString(), ClientSecrets.newClientId(), 1,
                Boolean.TRUE.equals(options.openRegistration()),
                options.maxUsers() == null ? 0 : options.maxUsers(),
                options.retentionDays() == null ? 0 : options.retentionDays(), options.filesOver(FilePolicy.DEFAULT),
                callbackUrl, now, now);
        String sql = "INSERT INTO ofImApp (" + COLUMNS + ", secretHash, callbackSecret)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, key.org());
            ps.setString(2, key.app());
            ps.setString(3, app.uuid());
            ps.setString(4, app.clientId());
            ps.setInt(5, app.secretVersion());
            ps.setInt(6, app.openRegistration() ? 1 : 0);
            ps.setInt(7, app.maxUsers());
            ps.setInt(8, app.retentionDays());
            ps.setLong(9, app.files().quotaBytes());
            ps.setInt(10, app.files().quotaFiles());
            ps.setInt(11, app.files().retentionDays());
            ps.setInt(12, app.files().mediaOnly() ? 1 : 0);
            ps.setString(13, callbackUrl);
            ps.setLong(14, now);
            ps.setLong(15, now);
            ps.setString(16, ClientSecrets.hash(secret));
            ps.setString(17, callbackSecret);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (StoreException.isDuplicateKey(e)) {
                return Optional.empty();
            }
            throw new StoreException("Creating app " + key, e);
        }
        changed(key, true);
        return Optional.of(new AppCredentials(app, secret, callbackSecret));
    }

    /**
     * The app with that key, if it exists: as read up to the cache time ago when its stamp has not changed since, else
     * as the database has it now (see the class comment).
     */
    public Optional<App> find(AppKey key) {
        if (cacheMillis <= 0) {
            return findRow(key).map(Row::app);
        }
        long now = clock.millis();
        long stamp = stamps.current(key); // before the row: a change committed after this read makes a new stamp
        Cached cached = cache.get(key);
        if (cached != null && cached.stamp() == stamp && now - cached.readAt() < cacheMillis) {
            return Optional.of(cached.app());
        }
        Optional<App> app = findRow(key).map(Row::app);
        if (app.isPresent()) {
            cache.put(key, new Cached(app.get(), stamp, now));
        } else {
            cache.remove(key);
        }
        return app;
    }

    /** Up to {@code limit} apps, ordered by app key. */
    public List<App> list(int limit) {
        String sql = "SELECT " + COLUMNS + ", secretHash FROM ofImApp ORDER BY org, app" + db.databaseType().limit(limit);
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            List<App> apps = new ArrayList<>();
            while (rs.next()) {
                apps.add(read(rs).app());
            }
            return apps;
        } catch (SQLException e) {
            throw new StoreException("Listing apps", e);
        }
    }

    /**
     * The app whose credentials these are, or empty when the app does not exist or the client id
     * or secret is wrong (all three look the same to the caller, on purpose).
     */
    public Optional<App> authenticateClient(AppKey key, String clientId, String clientSecret) {
        return findRow(key)
                .filter(row -> ClientSecrets.equalsConstantTime(row.app().clientId(), clientId))
                .filter(row -> ClientSecrets.matches(clientSecret, row.secretHash()))
                .map(Row::app);
    }

    /**
     * Replaces the client secret and increments the secret version, which invalidates every app
     * token issued before. Empty when the app does not exist.
     */
    public Optional<AppCredentials> rotateSecret(AppKey key) {
        String secret = ClientSecrets.newSecret();
        String sql = "UPDATE ofImApp SET secretHash = ?, secretVersion = secretVersion + 1, modified = ? "
                + "WHERE org = ? AND app = ?";
        boolean rotated;
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, ClientSecrets.hash(secret));
            ps.setLong(2, clock.millis());
            ps.setString(3, key.org());
            ps.setString(4, key.app());
            rotated = ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("Rotating the secret of app " + key, e);
        }
        if (!changed(key, rotated)) {
            return Optional.empty();
        }
        return find(key).map(app -> new AppCredentials(app, secret));
    }

    /**
     * Applies the non-null options in one statement (an option left out keeps the value in the database, not
     * a cached one, which another node may have changed); empty when the app does not exist.
     */
    public Optional<App> update(AppKey key, AppOptions options) {
        return change(key, options).map(AppChange::app);
    }

    /**
     * {@link #update}, telling also the callback secret made when the options set a callback URL on an app that had
     * none (a URL changed on an app that has one keeps its secret; the empty URL removes both).
     */
    public Optional<AppChange> change(AppKey key, AppOptions options) {
        String candidateSecret = ClientSecrets.newSecret();
        String callback = options.callbackUrl() == null ? ""
                : options.callbackUrl().isEmpty() ? ", callbackUrl = NULL, callbackSecret = NULL"
                : ", callbackUrl = ?, callbackSecret = COALESCE(callbackSecret, ?)";
        String sql = "UPDATE ofImApp SET openRegistration = COALESCE(?, openRegistration), maxUsers = COALESCE(?, maxUsers),"
                + " retentionDays = COALESCE(?, retentionDays), fileQuotaBytes = COALESCE(?, fileQuotaBytes),"
                + " fileQuotaCount = COALESCE(?, fileQuotaCount), fileRetentionDays = COALESCE(?, fileRetentionDays),"
                + " mediaOnlyUploads = COALESCE(?, mediaOnlyUploads), modified = ?" + callback + " WHERE org = ? AND app = ?";
        boolean secretMayBeNew = options.callbackUrl() != null && !options.callbackUrl().isEmpty();
        String newSecret = null;
        boolean updated;
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            setNullable(ps, 1, flag(options.openRegistration()));
            setNullable(ps, 2, options.maxUsers());
            setNullable(ps, 3, options.retentionDays());
            if (options.fileQuotaBytes() == null) {
                ps.setNull(4, Types.BIGINT);
            } else {
                ps.setLong(4, options.fileQuotaBytes());
            }
            setNullable(ps, 5, options.fileQuotaFiles());
            setNullable(ps, 6, options.fileRetentionDays());
            setNullable(ps, 7, flag(options.mediaOnlyUploads()));
            ps.setLong(8, clock.millis());
            int next = 9;
            if (secretMayBeNew) {
                ps.setString(next++, options.callbackUrl());
                ps.setString(next++, candidateSecret);
            }
            ps.setString(next++, key.org());
            ps.setString(next, key.app());
            updated = ps.executeUpdate() > 0;
            if (updated && secretMayBeNew && readCallback(con, key).map(c -> c.secret().equals(candidateSecret)).orElse(false)) {
                newSecret = candidateSecret;
            }
        } catch (SQLException e) {
            throw new StoreException("Updating the options of app " + key, e);
        }
        if (!changed(key, updated)) {
            return Optional.empty();
        }
        String shown = newSecret;
        return find(key).map(app -> new AppChange(app, shown));
    }

    /**
     * Replaces the callback secret of an app that has a callback URL; the new secret, shown once, or empty when the
     * app does not exist or has no callback URL. Callbacks signed from now on use it.
     */
    public Optional<String> rotateCallbackSecret(AppKey key) {
        String secret = ClientSecrets.newSecret();
        String sql = "UPDATE ofImApp SET callbackSecret = ?, modified = ? WHERE org = ? AND app = ? AND callbackUrl IS NOT NULL";
        boolean rotated;
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, secret);
            ps.setLong(2, clock.millis());
            ps.setString(3, key.org());
            ps.setString(4, key.app());
            rotated = ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("Rotating the callback secret of app " + key, e);
        }
        return changed(key, rotated) ? Optional.of(secret) : Optional.empty();
    }

    /** The app's callback URL and secret as the database has them now (never cached); empty when it has none. */
    public Optional<AppCallback> callback(AppKey key) {
        try (Connection con = db.getConnection()) {
            return readCallback(con, key);
        } catch (SQLException e) {
            throw new StoreException("Reading the callback of app " + key, e);
        }
    }

    private static Optional<AppCallback> readCallback(Connection con, AppKey key) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT callbackUrl, callbackSecret FROM ofImApp WHERE org = ? AND app = ?")) {
            ps.setString(1, key.org());
            ps.setString(2, key.app());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null || rs.getString(2) == null) {
                    return Optional.empty();
                }
                return Optional.of(new AppCallback(key, rs.getString(1), rs.getString(2)));
            }
        }
    }

    /** An updated app, and the callback secret the update made (shown once), or null when it made none. */
    public record AppChange(App app, String newCallbackSecret) {
        @Override
        public String toString() {
            return "AppChange[" + app.key() + (newCallbackSecret == null ? "" : ", new callback secret hidden") + "]";
        }
    }

    private static Integer flag(Boolean value) {
        return value == null ? null : value ? 1 : 0;
    }

    private static void setNullable(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    /** Deletes the app row; false when there was none. Its users are the caller's to remove. */
    public boolean delete(AppKey key) {
        boolean deleted;
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("DELETE FROM ofImApp WHERE org = ? AND app = ?")) {
            ps.setString(1, key.org());
            ps.setString(2, key.app());
            deleted = ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("Deleting app " + key, e);
        }
        return changed(key, deleted);
    }

    private Optional<Row> findRow(AppKey key) {
        String sql = "SELECT " + COLUMNS + ", secretHash FROM ofImApp WHERE org = ? AND app = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, key.org());
            ps.setString(2, key.app());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("Reading app " + key, e);
        }
    }

    private static Row read(ResultSet rs) throws SQLException {
        App app = new App(AppKey.of(rs.getString(1), rs.getString(2)), rs.getString(3), rs.getString(4),
                rs.getInt(5), rs.getInt(6) != 0, rs.getInt(7), rs.getInt(8),
                new FilePolicy(rs.getLong(9), rs.getInt(10), rs.getInt(11), rs.getInt(12) != 0), rs.getString(13),
                rs.getLong(14), rs.getLong(15));
        return new Row(app, rs.getString(16));
    }

    private record Row(App app, String secretHash) {
    }

    private record Cached(App app, long stamp, long readAt) {
    }
}
