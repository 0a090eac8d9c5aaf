package io.imcloud.testsupport;

import io.imcloud.rest.CoreRoutes;
import io.imcloud.rest.ImcloudServlet;
import io.imcloud.openfire.JettyBridge;
import io.imcloud.rest.ClientAddresses;
import io.imcloud.rest.RestContext;
import io.imcloud.rest.RestSettings;
import io.imcloud.rest.RouteGroup;
import io.imcloud.rest.SqlRateLimiter;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppData;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.archive.ArchivePurge;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppStore;
import io.imcloud.tenancy.SigningKeyStore;
import io.imcloud.tenancy.TokenService;
import io.imcloud.tenancy.UserData;
import io.imcloud.users.UserService;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The whole REST stack on one {@link TestDatabase}, served over real HTTP by {@link RestHarness}:
 * apps, tokens, users with a {@link ScramUserDirectory}, a clock the test can move, settings the
 * test can replace, the core route groups plus any the test adds. Helpers create apps and fetch
 * tokens the way a client would.
 */
public final class RestHarnessStack implements AutoCloseable {

    /** The administrator account the management API accepts. */
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-secret";

    public final TestDatabase db;
    public final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    public final AtomicReference<RestSettings> settings = new AtomicReference<>(RestSettings.defaults());
    public final ScramUserDirectory directory;
    public final AppStore apps;
    public final TokenService tokens;
    /** Who is a user of which app: the one {@link #users} invalidates, for XMPP hooks next to the stack. */
    public final AppMembership membership;
    public final UserService users;
    public final AppRemoval removal;
    public final RestContext context;
    public final RestHarness http;

    private RestHarnessStack(TestDatabase db, String bindHost, List<UserData> userData,
                             Function<RestHarnessStack, List<RouteGroup>> extraGroups) {
        this.db = db;
        this.directory = new ScramUserDirectory(db);
        this.apps = new AppStore(db, clock);
        this.tokens = new TokenService(new SigningKeyStore(db, clock), clock);
        this.membership = TestMembership.on(db);
        this.users = new UserService(db, directory, clock, membership, userData);
        this.context = new RestContext(apps, tokens, users, settings::get, clock, new SqlRateLimiter(db, clock),
                new ClientAddresses(JettyBridge::tcpPeerAddress));
        // user data that an app also keeps (groups) goes with its app, as in the plugin
        List<AppData> appData = new ArrayList<>(List.of(users));
        userData.stream().filter(AppData.class::isInstance).map(AppData.class::cast).forEach(appData::add);
        appData.add(new ArchivePurge(db));
        this.removal = new AppRemoval(apps, appData);
        List<RouteGroup> groups = new ArrayList<>(CoreRoutes.all((u, p) -> ADMIN.equals(u) && ADMIN_PASSWORD.equals(p), removal));
        groups.addAll(extraGroups.apply(this));
        this.http = RestHarness.start(new ImcloudServlet(context, groups), bindHost);
    }

    /** Starts the stack on {@code db} with the core routes and {@code extraGroups}. */
    public static RestHarnessStack start(TestDatabase db, RouteGroup... extraGroups) {
        return new RestHarnessStack(db, "127.0.0.1", List.of(), m -> List.of(extraGroups));
    }

    /** Like {@link #start}, deleting what each of {@code userData} keeps for a user when the user is deleted. */
    public static RestHarnessStack start(TestDatabase db, List<UserData> userData, RouteGroup... extraGroups) {
        return new RestHarnessStack(db, "127.0.0.1", userData, m -> List.of(extraGroups));
    }

    /** Like {@link #start} but listening on {@code bindHost}, e.g. 0.0.0.0 for non-loopback callers. */
    public static RestHarnessStack startOn(String bindHost, TestDatabase db, RouteGroup... extraGroups) {
        return new RestHarnessStack(db, bindHost, List.of(), m -> List.of(extraGroups));
    }

    /**
     * Like {@link #start}, with route groups that ask who is a user of which app: {@code groups} makes them from the
     * stack's {@link #membership}, whose cached answers registrations and deletions over the stack invalidate.
     */
    public static RestHarnessStack withMembership(TestDatabase db, Function<AppMembership, List<RouteGroup>> groups) {
        return new RestHarnessStack(db, "127.0.0.1", List.of(), s -> groups.apply(s.membership));
    }

    /**
     * Like {@link #start}, with route groups made from the stack's services ({@link #users}, {@link #membership}...),
     * which exist when {@code groups} is called.
     */
    public static RestHarnessStack withServices(TestDatabase db, Function<RestHarnessStack, List<RouteGroup>> groups) {
        return new RestHarnessStack(db, "127.0.0.1", List.of(), groups);
    }

    /** Creates an app directly in the store (the management API has its own tests). */
    public AppCredentials createApp(String org, String app, boolean openRegistration) {
        return apps.create(AppKey.of(org, app), new AppOptions(openRegistration, null, null))
                .orElseThrow(() -> new IllegalStateException(org + "#" + app + " exists"));
    }

    /** An app token fetched over HTTP with the app's client credentials. */
    public String appToken(AppCredentials app) {
        AppKey key = app.app().key();
        RestHarness.Response r = http.post("/" + key.org() + "/" + key.app() + "/token", null, Map.of(
                "grant_type", "client_credentials", "client_id", app.app().clientId(), "client_secret", app.clientSecret()));
        if (r.status() != 200) {
            throw new IllegalStateException("No app token: " + r);
        }
        return r.json().get("access_token").asText();
    }

    /** A user token fetched over HTTP with the password grant. */
    public String userToken(AppCredentials app, String username, String password) {
        AppKey key = app.app().key();
        RestHarness.Response r = http.post("/" + key.org() + "/" + key.app() + "/token", null, Map.of(
                "grant_type", "password", "username", username, "password", password));
        if (r.status() != 200) {
            throw new IllegalStateException("No user token: " + r);
        }
        return r.json().get("access_token").asText();
    }

    /** Registers users over HTTP; {@code users} is one map or a list of maps. */
    public RestHarness.Response register(AppCredentials app, String bearer, Object users) {
        AppKey key = app.app().key();
        return http.post("/" + key.org() + "/" + key.app() + "/users", bearer, users);
    }

    /** {@code {username, password, nickname}} for a registration body. */
    public static Map<String, String> user(String username, String password, String nickname) {
        return Map.of("username", username, "password", password, "nickname", nickname);
    }

    /** The value of {@code Authorization} for the management API's administrator. */
    /** Believes {@code X-Forwarded-For} from the loopback, so that a test's requests come from the addresses it names. */
    public void trustLoopbackProxy() {
        RestSettings d = RestSettings.defaults();
        settings.set(new RestSettings(d.maxBodyBytes(), d.tokenDefaultTtlSeconds(), d.tokenMaxTtlSeconds(), d.registrationPerSecond(),
                d.registrationBurst(), d.openRegistrationPerIpPerSecond(), d.openRegistrationPerIpBurst(), false,
                java.util.Set.of("127.0.0.1", "0:0:0:0:0:0:0:1"), d.corsOrigins()));
    }

    public static String adminAuthorization() {
        return RestHarness.basic(ADMIN, ADMIN_PASSWORD);
    }

    @Override
    public void close() {
        http.close();
    }

    /** A clock that stands still until the test moves it. */
    public static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now;

        public MovableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        /** Moves the clock forward. */
        public void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }
    }
}
