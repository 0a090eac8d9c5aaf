package io.imcloud.tenancy;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarnessStack.MovableClock;
import io.imcloud.testsupport.TestDatabase;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Apps in ofImApp: credentials, rotation, options, deletion. */
class AppStoreTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @AllDatabases
    void createsAppWithHashedSecretAndRefusesDuplicates(TestDatabase db) throws Exception {
        AppStore apps = new AppStore(db, clock);
        AppKey key = AppKey.of("acme", "chat");
        AppCredentials created = apps.create(key, new AppOptions(true, 5, 30)).orElseThrow();

        assertEquals(new App(key, created.app().uuid(), created.app().clientId(), 1, true, 5, 30, FilePolicy.DEFAULT,
                clock.millis(), clock.millis()), apps.find(key).orElseThrow());
        assertEquals(43, created.clientSecret().length());
        try (Connection con = db.getConnection(); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT secretHash FROM ofImApp")) {
            rs.next();
            String stored = rs.getString(1);
            assertTrue(stored.startsWith("sha256$"));
            assertFalse(stored.contains(created.clientSecret()), "secret stored only hashed");
        }
        assertTrue(apps.create(key, AppOptions.none()).isEmpty());
        assertThrows(AppException.class, () -> apps.create(AppKey.of("management", "x"), AppOptions.none()));
        assertEquals(1, db.count("ofImApp"));
    }

    @AllDatabases
    void authenticatesClientOnlyWithCurrentSecretAndOwnApp(TestDatabase db) {
        AppStore apps = new AppStore(db, clock);
        AppCredentials a = apps.create(AppKey.of("acme", "a"), AppOptions.none()).orElseThrow();
        AppCredentials b = apps.create(AppKey.of("acme", "b"), AppOptions.none()).orElseThrow();
        AppKey ka = a.app().key();

        assertTrue(apps.authenticateClient(ka, a.app().clientId(), a.clientSecret()).isPresent());
        assertTrue(apps.authenticateClient(ka, a.app().clientId(), b.clientSecret()).isEmpty());
        assertTrue(apps.authenticateClient(ka, b.app().clientId(), b.clientSecret()).isEmpty());
        assertTrue(apps.authenticateClient(ka, a.app().clientId(), null).isEmpty());
        assertTrue(apps.authenticateClient(AppKey.of("acme", "none"), a.app().clientId(), a.clientSecret()).isEmpty());

        clock.advance(Duration.ofSeconds(5));
        AppCredentials rotated = apps.rotateSecret(ka).orElseThrow();
        assertEquals(2, rotated.app().secretVersion());
        assertNotEquals(a.clientSecret(), rotated.clientSecret());
        assertEquals(clock.millis(), rotated.app().modified());
        assertTrue(apps.authenticateClient(ka, a.app().clientId(), a.clientSecret()).isEmpty(), "old secret dead");
        assertTrue(apps.authenticateClient(ka, a.app().clientId(), rotated.clientSecret()).isPresent());
        assertTrue(apps.rotateSecret(AppKey.of("acme", "none")).isEmpty());
    }

    @AllDatabases
    void updatesOnlyGivenOptionsListsAndDeletes(TestDatabase db) {
        AppStore apps = new AppStore(db, clock);
        AppKey key = AppKey.of("acme", "chat");
        apps.create(key, new AppOptions(false, 10, 7)).orElseThrow();
        apps.create(AppKey.of("aaa", "first"), AppOptions.none()).orElseThrow();

        App updated = apps.update(key, new AppOptions(true, null, null)).orElseThrow();
        assertTrue(updated.openRegistration());
        assertEquals(10, updated.maxUsers());
        assertEquals(7, updated.retentionDays());
        assertEquals(0, apps.update(key, new AppOptions(null, 0, 0)).orElseThrow().maxUsers());
        assertThrows(AppException.class, () -> new AppOptions(null, -1, null));
        assertThrows(AppException.class, () -> new AppOptions(null, null, AppOptions.MAX_RETENTION_DAYS + 1));

        assertEquals("aaa#first", apps.list(10).get(0).key().toString());
        assertEquals(1, apps.list(1).size());
        assertTrue(apps.delete(key));
        assertFalse(apps.delete(key));
        assertTrue(apps.find(key).isEmpty());
        assertTrue(apps.update(key, AppOptions.none()).isEmpty());
    }

    /** The callback URL and its secret: made with the URL, kept when the URL moves, rotated, removed with the URL. */
    @AllDatabases
    void callbackSecretIsMadeKeptRotatedAndRemovedWithTheUrl(TestDatabase db) {
        AppStore apps = new AppStore(db, clock);
        AppKey key = AppKey.of("acme", "chat");
        AppCredentials created = apps.create(key, AppOptions.none()).orElseThrow();
        assertEquals(null, created.callbackSecret());
        assertFalse(apps.find(key).orElseThrow().hasCallback());
        assertTrue(apps.callback(key).isEmpty());
        assertTrue(apps.rotateCallbackSecret(key).isEmpty(), "no URL, no secret to rotate");

        AppStore.AppChange set = apps.change(key, AppOptions.callback("https://push.example.com/cb")).orElseThrow();
        assertEquals("https://push.example.com/cb", set.app().callbackUrl());
        AppCallback callback = apps.callback(key).orElseThrow();
        assertEquals(set.newCallbackSecret(), callback.secret());
        assertFalse(callback.toString().contains(callback.secret()), "never in a log line: " + callback);
        assertFalse(set.toString().contains(callback.secret()));

        AppStore.AppChange moved = apps.change(key, AppOptions.callback("https://push.example.com/v2")).orElseThrow();
        assertEquals(null, moved.newCallbackSecret());
        assertEquals(callback.secret(), apps.callback(key).orElseThrow().secret());
        assertEquals(null, apps.change(key, new AppOptions(null, 3, null)).orElseThrow().newCallbackSecret(), "other options make none");
        assertEquals(callback.secret(), apps.callback(key).orElseThrow().secret(), "and keep it");

        String rotated = apps.rotateCallbackSecret(key).orElseThrow();
        assertNotEquals(callback.secret(), rotated);
        assertEquals(rotated, apps.callback(key).orElseThrow().secret());

        assertEquals(null, apps.change(key, AppOptions.callback("")).orElseThrow().app().callbackUrl());
        assertTrue(apps.callback(key).isEmpty());
        assertTrue(apps.change(AppKey.of("acme", "none"), AppOptions.callback("https://x.example.com")).isEmpty());

        AppCredentials withUrl = apps.create(AppKey.of("acme", "other"), AppOptions.callback("http://127.0.0.1:8080/cb")).orElseThrow();
        assertEquals(withUrl.callbackSecret(), apps.callback(AppKey.of("acme", "other")).orElseThrow().secret());
        assertFalse(withUrl.toString().contains(withUrl.callbackSecret()));
        assertThrows(AppException.class, () -> AppOptions.callback("gopher://x.example.com"));
    }

    /**
     * Two cluster nodes on one database sharing the stamps (as Openfire's cluster-wide cache shares them): a secret
     * rotation, an option change, a callback secret rotation or a deletion on one is seen by the other's very next find,
     * since the change stamped the app before its call returned; so is an app created anew under a deleted one's key.
     */
    @AllDatabases
    void anotherNodeSeesChangesAtOnce(TestDatabase db) {
        AppStamps cluster = AppStamps.local();
        AppStore nodeA = new AppStore(db, clock, AppStore.DEFAULT_CACHE_MILLIS, cluster);
        AppStore nodeB = new AppStore(db, clock, AppStore.DEFAULT_CACHE_MILLIS, cluster);
        AppKey key = AppKey.of("acme", "chat");
        nodeA.create(key, AppOptions.none()).orElseThrow();
        assertEquals(1, nodeB.find(key).orElseThrow().secretVersion(), "node B caches the app");
        changeBehindTheStores(db, "maxUsers = 99");
        assertEquals(0, nodeB.find(key).orElseThrow().maxUsers(), "node B answers from its cache while the stamp holds");

        nodeA.rotateSecret(key).orElseThrow();
        assertEquals(2, nodeA.find(key).orElseThrow().secretVersion(), "the writing node");
        assertEquals(2, nodeB.find(key).orElseThrow().secretVersion(), "the other node, without waiting");
        nodeA.update(key, new AppOptions(true, null, null)).orElseThrow();
        assertTrue(nodeB.find(key).orElseThrow().openRegistration());
        nodeA.update(key, AppOptions.callback("https://hooks.example.com/im")).orElseThrow();
        long modified = nodeB.find(key).orElseThrow().modified();
        clock.advance(Duration.ofMillis(10));
        nodeA.rotateCallbackSecret(key).orElseThrow();
        assertNotEquals(modified, nodeB.find(key).orElseThrow().modified(), "a callback secret rotation stamps too");
        nodeA.delete(key);
        assertTrue(nodeB.find(key).isEmpty());

        nodeB.create(key, new AppOptions(null, 3, null)).orElseThrow();
        assertEquals(3, nodeA.find(key).orElseThrow().maxUsers(), "node A reads the new app, not what it kept of the old");
    }

    /**
     * A change that commits while a node reads the app, after it read the row: the node keeps the stale row under the
     * stamp it read before the row, the old one, so its next find reads anew (had it read the stamp after the row, it
     * would keep the stale row under the new stamp).
     */
    @AllDatabases
    void aChangeDuringAReadIsNeverKept(TestDatabase db) {
        AppStamps cluster = AppStamps.local();
        AppStore nodeA = new AppStore(db, clock, AppStore.DEFAULT_CACHE_MILLIS, cluster);
        AppKey key = AppKey.of("acme", "chat");
        nodeA.create(key, AppOptions.none()).orElseThrow();
        AtomicBoolean changeAfterNextRead = new AtomicBoolean();
        ConnectionProvider changingAfterReads = new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                Connection con = db.getConnection();
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                        (proxy, method, args) -> {
                            try {
                                return method.invoke(con, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            } finally {
                                if (method.getName().equals("close") && changeAfterNextRead.getAndSet(false)) {
                                    nodeA.rotateSecret(key).orElseThrow();
                                }
                            }
                        });
            }

            @Override
            public DatabaseType databaseType() {
                return db.databaseType();
            }
        };
        AppStore nodeB = new AppStore(changingAfterReads, clock, AppStore.DEFAULT_CACHE_MILLIS, cluster);

        changeAfterNextRead.set(true);
        assertEquals(1, nodeB.find(key).orElseThrow().secretVersion(), "read before the change committed");
        assertEquals(2, nodeB.find(key).orElseThrow().secretVersion(), "not kept: read anew");
    }

    /** A stamp the cluster-wide cache lost (evicted) costs one read of the database, never a stale answer. */
    @AllDatabases
    void aLostStampMakesANodeReadTheAppAnew(TestDatabase db) {
        AtomicBoolean evicted = new AtomicBoolean();
        AppStamps cluster = AppStamps.local();
        AppStamps evicting = new AppStamps() {
            @Override
            public long current(AppKey app) {
                return evicted.get() ? UNSTAMPED : cluster.current(app);
            }

            @Override
            public void changed(AppKey app) {
                cluster.changed(app);
            }
        };
        AppStore nodeA = new AppStore(db, clock, AppStore.DEFAULT_CACHE_MILLIS, evicting);
        AppKey key = AppKey.of("acme", "chat");
        nodeA.create(key, AppOptions.none()).orElseThrow();
        assertEquals(0, nodeA.find(key).orElseThrow().maxUsers(), "cached under the creation's stamp");
        changeBehindTheStores(db, "maxUsers = 99");
        assertEquals(0, nodeA.find(key).orElseThrow().maxUsers(), "still cached");

        evicted.set(true);
        assertEquals(99, nodeA.find(key).orElseThrow().maxUsers(), "no stamp is another stamp: read anew");
    }

    /** Writes {@code ofImApp} directly, as no store does: stamps nothing, so only a store reading anew sees it. */
    private static void changeBehindTheStores(TestDatabase db, String assignment) {
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            st.executeUpdate("UPDATE ofImApp SET " + assignment);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** A node that missed a change's stamp (it could not be stored) uses what it read for at most the cache time. */
    @AllDatabases
    void aNodeThatMissedAChangeSeesItWithinTheCacheTime(TestDatabase db) {
        AppStore nodeA = new AppStore(db, clock);
        AppStore nodeB = new AppStore(db, clock);
        AppKey key = AppKey.of("acme", "chat");
        nodeA.create(key, AppOptions.none()).orElseThrow();
        assertEquals(1, nodeB.find(key).orElseThrow().secretVersion());

        nodeA.rotateSecret(key).orElseThrow();
        assertEquals(2, nodeA.find(key).orElseThrow().secretVersion(), "the writing node at once");
        assertEquals(1, nodeB.find(key).orElseThrow().secretVersion(), "the other node still trusts its read");
        clock.advance(Duration.ofMillis(AppStore.DEFAULT_CACHE_MILLIS));
        assertEquals(2, nodeB.find(key).orElseThrow().secretVersion());

        nodeA.delete(key);
        clock.advance(Duration.ofMillis(AppStore.DEFAULT_CACHE_MILLIS));
        assertTrue(nodeB.find(key).isEmpty());
        assertTrue(new AppStore(db, clock, 0, AppStamps.local()).find(key).isEmpty());
    }

    /** An option one node leaves out keeps what another node set a moment ago, not the first node's cached value. */
    @AllDatabases
    void anUpdateKeepsOptionsAnotherNodeJustChanged(TestDatabase db) {
        AppStore nodeA = new AppStore(db, clock);
        AppStore nodeB = new AppStore(db, clock);
        AppKey key = AppKey.of("acme", "chat");
        nodeA.create(key, AppOptions.none()).orElseThrow();
        assertEquals(0, nodeA.find(key).orElseThrow().maxUsers(), "node A caches the app");
        nodeB.update(key, new AppOptions(null, 50, null)).orElseThrow();
        App afterA = nodeA.update(key, new AppOptions(null, null, 7)).orElseThrow();
        assertEquals(50, afterA.maxUsers(), "node B's limit survives node A's update");
        assertEquals(7, afterA.retentionDays());
    }
}
