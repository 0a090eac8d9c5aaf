package io.imcloud.admin;

import io.imcloud.admin.AdminPageHarness.Browser;
import io.imcloud.admin.AdminPageHarness.Page;
import io.imcloud.archive.ArchivePurge;
import io.imcloud.archive.MessageIds;
import io.imcloud.attachments.Attachments;
import io.imcloud.groups.GroupLimits;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.RecordingRooms;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppStore;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.FakeSessions;
import io.imcloud.testsupport.ScramUserDirectory;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.testsupport.TestMembership;
import io.imcloud.users.NewUser;
import io.imcloud.users.SquattedNames;
import io.imcloud.users.UserService;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.Filter;

import static io.imcloud.admin.AdminPageHarness.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin console's apps page over real HTTP, on real stores. */
class AppsAdminServletTest {

    private static final AppKey ACME = AppKey.of("acme", "chat");
    private static final Pattern SECRET = Pattern.compile(
            "id=\"imcloud-credentials\".*?<tr><th>[^<]*</th><td><code>([^<]*)</code>.*?<td><code>([^<]*)</code>.*?<td><code>([^<]*)</code>",
            Pattern.DOTALL);

    static final SquattedNames.Report NONE_SQUATTED = new SquattedNames.Report(0, List.of());
    static final Function<AppKey, Attachments.FileUsage> NO_FILES = key -> new Attachments.FileUsage(0, 0);

    /** The console's components with nothing online, no files and no messages. */
    static AdminConsole.Services services(AppStore apps, AppRemoval removal, TestDatabase db) {
        return new AdminConsole.Services(apps, removal, new UserService(db, new ScramUserDirectory(db), Clock.systemUTC(),
                TestMembership.on(db)), new FakeSessions(), () -> Locale.ENGLISH, NONE_SQUATTED, NO_FILES, key -> 0, groups(db));
    }

    /** The page on {@code db}, installed as the plugin installs it (with one squatted name of two found). */
    private static final class Console implements AutoCloseable {
        final AppStore apps;
        final UserService users;
        final ScramUserDirectory directory;
        final AdminConsole.Installation installation;
        final AdminPageHarness http;
        /** Who is online, and whose sessions the console closed. */
        final FakeSessions sessions = new FakeSessions();

        Console(TestDatabase db, Locale locale, Filter filter) {
            apps = new AppStore(db, Clock.systemUTC());
            directory = new ScramUserDirectory(db);
            users = new UserService(db, directory, Clock.systemUTC(), TestMembership.on(db));
            installation = AdminConsole.install(new AdminConsole.Services(apps,
                    new AppRemoval(apps, List.of(users, new ArchivePurge(db))), users, sessions, () -> locale,
                    new SquattedNames.Report(2, List.of("acme#chat_eve")),
                    key -> key.app().equals("chat") ? new Attachments.FileUsage(3 * 1024 * 1024 + 512 * 1024, 7)
                            : new Attachments.FileUsage(0, 0), key -> key.app().equals("chat") ? 42 : 0, groups(db)));
            http = AdminPageHarness.start(filter);
        }

        Console(TestDatabase db) {
            this(db, Locale.ENGLISH, null);
        }

        @Override
        public void close() {
            http.close();
            installation.close();
        }
    }

    /** The groups of the apps on {@code db}, their rooms recorded. */
    static GroupService groups(TestDatabase db) {
        return new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, new MessageIds(1)::next,
                Clock.systemUTC(), GroupLimits::defaults);
    }

    /** The credentials block of a page: app key, client id, client secret. */
    private static String[] credentials(Page page) {
        Matcher m = SECRET.matcher(page.body());
        assertTrue(m.find(), "credentials shown: " + page);
        return new String[] {m.group(1), m.group(2), m.group(3)};
    }

    private static Page create(Browser browser, String org, String app, String... more) {
        String[] form = new String[6 + more.length];
        System.arraycopy(new String[] {"action", "create", "org", org, "app", app}, 0, form, 0, 6);
        System.arraycopy(more, 0, form, 6, more.length);
        return browser.submit(form);
    }

    @Test
    void answers503UntilThePluginInstallsItsComponentsAndAfterItRemovesThem() {
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB); AdminPageHarness http = AdminPageHarness.start(null)) {
            Browser browser = http.browser();
            assertEquals(503, browser.get().status());
            assertEquals(503, browser.post(fields("action", "create", "org", "acme", "app", "chat")).status());

            AppStore apps = new AppStore(db, Clock.systemUTC());
            AppRemoval removal = new AppRemoval(apps, List.of());
            try (AdminConsole.Installation installed = AdminConsole.install(services(apps, removal, db))) {
                assertThrows(IllegalStateException.class, () -> AdminConsole.install(services(apps, removal, db)));
                Page page = browser.get();
                assertEquals(200, page.status(), page.body());
                assertTrue(page.body().contains("<meta name=\"pageID\" content=\"imcloud-apps\"/>"));
            }
            assertEquals(503, browser.get().status());
            assertTrue(apps.list(10).isEmpty(), "the POST before the install changed nothing");
        }
    }

    @AllDatabases
    void createsAnAppAndShowsItsSecretOnlyOnce(TestDatabase db) {
        try (Console console = new Console(db)) {
            Browser browser = console.http.browser();
            Page empty = browser.get();
            assertTrue(empty.body().contains("id=\"imcloud-no-apps\""), empty.body());
            assertTrue(empty.body().contains("id=\"imcloud-squatted\"") && empty.body().contains("<code>acme#chat_eve</code> ...")
                    && empty.body().contains("2 Openfire account(s)"), "the squatted names found at start, and that there are more");

            Page created = create(browser, "acme", "chat", "open_registration", "true", "max_users", "50", "retention_days", "30");
            assertEquals(200, created.status(), created.body());
            String[] shown = credentials(created);
            assertEquals("acme#chat", shown[0]);
            App app = console.apps.find(ACME).orElseThrow();
            assertEquals(app.clientId(), shown[1]);
            assertTrue(console.apps.authenticateClient(ACME, shown[1], shown[2]).isPresent(), "the shown secret works");
            assertTrue(app.openRegistration());
            assertEquals(50, app.maxUsers());
            assertEquals(30, app.retentionDays());

            Page later = browser.get();
            assertEquals(200, later.status());
            assertTrue(later.body().contains(app.clientId()), "listed with its client id");
            assertFalse(later.body().contains(shown[2]), "the secret is shown once only");
            assertFalse(later.body().contains("imcloud-credentials"));
        }
    }

    @AllDatabases
    void refusesInvalidReservedAndDuplicateAppsChangingNothing(TestDatabase db) {
        try (Console console = new Console(db)) {
            Browser browser = console.http.browser();
            for (String[] bad : List.of(new String[] {"Acme", "chat"}, new String[] {"acme", ""}, new String[] {"-acme", "chat"},
                    new String[] {"a".repeat(33), "chat"}, new String[] {"acme", "ch#at"})) {
                Page refused = create(browser, bad[0], bad[1]);
                assertEquals(400, refused.status(), refused.body());
                assertTrue(refused.body().contains("<code>illegal_argument</code>"), refused.body());
            }
            Page reserved = create(browser, AppStore.RESERVED_ORG, "chat");
            assertEquals(400, reserved.status());
            assertTrue(reserved.body().contains("is reserved"), reserved.body());
            for (String[] option : List.of(new String[] {"max_users", "-1"}, new String[] {"max_users", "abc"},
                    new String[] {"max_users", String.valueOf(AppOptions.MAX_USERS_LIMIT + 1)},
                    new String[] {"retention_days", String.valueOf(AppOptions.MAX_RETENTION_DAYS + 1)})) {
                Page refused = create(browser, "acme", "chat", option);
                assertEquals(400, refused.status(), refused.body());
                assertTrue(refused.body().contains("must be a whole number"), refused.body());
                assertTrue(refused.body().contains("value=\"acme\""), "the form keeps what was typed");
            }
            assertTrue(console.apps.list(10).isEmpty(), "nothing created");

            String clientId = credentials(create(browser, "acme", "chat"))[1];
            Page duplicate = create(browser, "acme", "chat");
            assertEquals(400, duplicate.status());
            assertTrue(duplicate.body().contains("<code>duplicate_unique_property_exists</code>"), duplicate.body());
            assertFalse(duplicate.body().contains("imcloud-credentials"));
            assertEquals(1, console.apps.list(10).size());
            assertEquals(clientId, console.apps.find(ACME).orElseThrow().clientId(), "the existing app is untouched");
        }
    }

    @AllDatabases
    void rotatesTheSecret(TestDatabase db) {
        try (Console console = new Console(db)) {
            Browser browser = console.http.browser();
            String[] first = credentials(create(browser, "acme", "chat"));

            Page rotated = browser.submit("action", "rotate", "app_key", "acme#chat");
            assertEquals(200, rotated.status(), rotated.body());
            String[] second = credentials(rotated);
            assertEquals(first[1], second[1], "the client id stays");
            assertNotEquals(first[2], second[2]);
            assertTrue(console.apps.authenticateClient(ACME, second[1], second[2]).isPresent(), "the new secret works");
            assertTrue(console.apps.authenticateClient(ACME, first[1], first[2]).isEmpty(), "the old one no longer does");
            assertFalse(browser.get().body().contains(second[2]), "shown once only");

            Page unknown = browser.submit("action", "rotate", "app_key", "acme#none");
            assertEquals(404, unknown.status());
            assertTrue(unknown.body().contains("<code>organization_application_not_found</code>"), unknown.body());
        }
    }

    @AllDatabases
    void updatesOptions(TestDatabase db) {
        try (Console console = new Console(db)) {
            Browser browser = console.http.browser();
            create(browser, "acme", "chat");

            Page saved = browser.submit("action", "update", "app_key", "acme#chat", "open_registration", "true",
                    "max_users", "5", "retention_days", "90", "file_retention_days", "14", "uploads_media_only", "true");
            assertEquals(200, saved.status(), saved.body());
            App app = console.apps.find(ACME).orElseThrow();
            assertTrue(app.openRegistration());
            assertEquals(5, app.maxUsers());
            assertEquals(90, app.retentionDays());
            assertEquals(14, app.files().retentionDays());
            assertTrue(app.files().mediaOnly());
            assertTrue(saved.body().contains("7 files, 3.5 MB of 10 GB"), "the app's storage is shown: " + saved.body());
            assertFalse(saved.body().contains("imcloud-credentials"), "no secret on an options change");

            // An unticked checkbox is not sent: registration closes; empty numbers leave the limits as they are.
            browser.submit("action", "update", "app_key", "acme#chat", "max_users", "", "retention_days", " ");
            app = console.apps.find(ACME).orElseThrow();
            assertFalse(app.openRegistration());
            assertFalse(app.files().mediaOnly());
            assertEquals(5, app.maxUsers());
            assertEquals(90, app.retentionDays());
            assertEquals(14, app.files().retentionDays());

            Page refused = browser.submit("action", "update", "app_key", "acme#chat", "open_registration", "true",
                    "max_users", "7", "retention_days", "-3");
            assertEquals(400, refused.status());
            app = console.apps.find(ACME).orElseThrow();
            assertFalse(app.openRegistration(), "a refused change changes nothing");
            assertEquals(5, app.maxUsers());

            assertEquals(404, browser.submit("action", "update", "app_key", "acme#none", "max_users", "1").status());
            assertEquals(400, browser.submit("action", "update", "app_key", "not-a-key").status());
            assertEquals(400, browser.submit("action", "explode", "app_key", "acme#chat").status());
        }
    }

    @AllDatabases
    void deletesOnlyWithTheAppKeyTypedAsConfirmation(TestDatabase db) {
        try (Console console = new Console(db)) {
            Browser browser = console.http.browser();
            create(browser, "acme", "chat");
            console.users.register(ACME, List.of(new NewUser("alice", "pw-alice", null), new NewUser("bob", "pw-bob", null)), 0);
            assertEquals(2, console.directory.count());

            Page unconfirmed = browser.submit("action", "delete", "app_key", "acme#chat");
            assertEquals(400, unconfirmed.status());
            Page wrong = browser.submit("action", "delete", "app_key", "acme#chat", "confirm", "acme#other");
            assertEquals(400, wrong.status());
            assertTrue(console.apps.find(ACME).isPresent(), "not deleted without confirmation");
            assertEquals(2, console.directory.count());

            Page deleted = browser.submit("action", "delete", "app_key", "acme#chat", "confirm", "acme#chat");
            assertEquals(200, deleted.status(), deleted.body());
            assertTrue(deleted.body().contains("App acme#chat deleted with 2 users."), deleted.body());
            assertTrue(console.apps.find(ACME).isEmpty());
            assertEquals(0, console.directory.count(), "the app's users are gone too");
            assertEquals(404, browser.submit("action", "delete", "app_key", "acme#chat", "confirm", "acme#chat").status());
        }
    }

    /**
     * The users page of an app, linked from the apps page: figures, search by prefix, pages of 50, deactivation that
     * closes sessions, activation, and deletion only with the username typed again; CSRF-checked like the apps page.
     */
    @AllDatabases
    void theUsersPageSearchesPagesAndControlsAccounts(TestDatabase db) {
        try (Console console = new Console(db)) {
            Browser browser = console.http.browser();
            create(browser, "acme", "chat");
            List<NewUser> many = new ArrayList<>();
            for (int i = 0; i < 55; i++) {
                many.add(new NewUser(String.format("user%02d", i), "pw-" + i, "<b>" + i + "</b>"));
            }
            many.add(new NewUser("alice", "pw-alice", "Alice"));
            console.users.register(ACME, many, 0);
            console.sessions.online.add(AppUser.of(ACME, "alice"));
            assertTrue(browser.get().body().contains("href=\"imcloud-users?app=acme%23chat\""), "linked from the apps page");

            Page first = browser.open("imcloud-users?app=acme%23chat");
            assertEquals(200, first.status(), first.body());
            assertTrue(first.body().contains("56 users, 42 archived messages, 7 files (3.5 MB)."), first.body());
            assertTrue(first.body().contains("&lt;b&gt;0&lt;/b&gt;"), "nicknames are escaped");
            assertFalse(first.body().contains("<b>0</b>"));
            assertTrue(first.body().contains("href=\"imcloud-users?app=acme%23chat&amp;after=user48\""), "50 a page, then a link on");
            Page second = browser.open("imcloud-users?app=acme%23chat&after=user48");
            assertTrue(second.body().contains("<code>user54</code>") && !second.body().contains("<code>alice</code>"), second.body());
            Page search = browser.open("imcloud-users?app=acme%23chat&q=ALI");
            assertTrue(search.body().contains("<code>alice</code>") && !search.body().contains("<code>user01</code>"), search.body());
            assertTrue(search.body().contains("<td>yes</td>"), "alice is online");
            assertTrue(browser.open("imcloud-users?app=acme%23chat&q=%25").body().contains("No users match."), "% is no wildcard");

            Page off = browser.submitAt("imcloud-users?app=acme%23chat&q=alice", "action", "deactivate", "app", "acme#chat",
                    "username", "alice");
            assertEquals(200, off.status(), off.body());
            assertFalse(console.users.find(AppUser.of(ACME, "alice")).orElseThrow().activated());
            assertTrue(console.directory.isLoginRefused("acme#chat_alice"));
            assertEquals(List.of(AppUser.of(ACME, "alice")), console.sessions.closed);
            assertEquals(200, browser.submitAt("imcloud-users?app=acme%23chat", "action", "activate", "app", "acme#chat",
                    "username", "alice").status());
            assertTrue(console.users.find(AppUser.of(ACME, "alice")).orElseThrow().activated());

            assertEquals(400, browser.submitAt("imcloud-users?app=acme%23chat", "action", "delete", "app", "acme#chat",
                    "username", "alice", "confirm", "bob").status());
            assertTrue(console.users.find(AppUser.of(ACME, "alice")).isPresent());
            Page deleted = browser.submitAt("imcloud-users?app=acme%23chat", "action", "delete", "app", "acme#chat",
                    "username", "alice", "confirm", "alice");
            assertEquals(200, deleted.status(), deleted.body());
            assertTrue(console.users.find(AppUser.of(ACME, "alice")).isEmpty());
            assertEquals(404, browser.submitAt("imcloud-users?app=acme%23chat", "action", "delete", "app", "acme#chat",
                    "username", "alice", "confirm", "alice").status());

            Map<String, String> forged = fields("action", "delete", "app", "acme#chat", "username", "user00", "confirm", "user00");
            forged.put(CsrfToken.FIELD, "forged");
            assertEquals(403, browser.postTo("imcloud-users", forged).status());
            assertTrue(console.users.find(AppUser.of(ACME, "user00")).isPresent(), "a forged form changes nothing");
            assertEquals(404, browser.open("imcloud-users?app=acme%23none").status());
            assertEquals(404, browser.open("imcloud-users?app=%3Cscript%3E").status());
        }
    }

    @AllDatabases
    void postsWithoutTheSessionsTokenChangeNothing(TestDatabase db) {
        try (Console console = new Console(db)) {
            Browser operator = console.http.browser();
            String[] first = credentials(create(operator, "acme", "chat"));
            String token = AdminPageHarness.tokenIn(operator.get().body());
            assertNotNull(token);

            Map<String, String> rotate = fields("action", "rotate", "app_key", "acme#chat");
            Page missing = operator.post(rotate);
            assertEquals(403, missing.status());
            assertTrue(missing.body().contains("<code>csrf_failed</code>"), missing.body());
            rotate.put(CsrfToken.FIELD, token + "x");
            assertEquals(403, operator.post(rotate).status());
            rotate.put(CsrfToken.FIELD, "");
            assertEquals(403, operator.post(rotate).status());

            // Another browser (a forged form elsewhere) has no session, or its own: our token does not work there.
            Browser attacker = console.http.browser();
            rotate.put(CsrfToken.FIELD, token);
            assertEquals(403, attacker.post(rotate).status());
            attacker.get();
            assertEquals(403, attacker.post(fields("action", "delete", "app_key", "acme#chat", "confirm", "acme#chat",
                    CsrfToken.FIELD, token)).status());
            assertEquals(403, attacker.post(fields("action", "create", "org", "evil", "app", "app", CsrfToken.FIELD, token)).status());

            assertTrue(console.apps.authenticateClient(ACME, first[1], first[2]).isPresent(), "secret not rotated");
            assertEquals(1, console.apps.list(10).size(), "nothing created or deleted");
            assertEquals(200, operator.submit("action", "rotate", "app_key", "acme#chat").status(), "the real form works");
        }
    }

    @AllDatabases
    void escapesEverythingItEchoes(TestDatabase db) {
        String markup = "\"><script>alert(1)</script>";
        Filter openfire = (request, response, chain) -> {
            // What Openfire's PluginServlet does with csrfProtectionEnabled: its token as a request attribute.
            request.setAttribute(CsrfToken.OPENFIRE_FIELD, "of'\"<b>");
            chain.doFilter(request, response);
        };
        try (Console console = new Console(db, Locale.ENGLISH, openfire)) {
            Browser browser = console.http.browser();
            Page refused = create(browser, markup, "x<img src=y>");
            assertEquals(400, refused.status());
            assertFalse(refused.body().contains("<script>"), refused.body());
            assertFalse(refused.body().contains("<img"), refused.body());
            assertFalse(refused.body().contains("<b>"), refused.body());
            assertTrue(refused.body().contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "echoed, escaped");
            assertTrue(refused.body().contains("name=\"csrf\" value=\"of&#39;&quot;&lt;b&gt;\""), "Openfire's token echoed, escaped");

            Page badKey = browser.submit("action", "rotate", "app_key", "<i>x</i>#y");
            assertEquals(400, badKey.status());
            assertFalse(badKey.body().contains("<i>"), badKey.body());
        }
    }

    @AllDatabases
    void speaksTheConsolesLanguage(TestDatabase db) {
        try (Console console = new Console(db, Locale.SIMPLIFIED_CHINESE, null)) {
            Browser browser = console.http.browser();
            assertTrue(browser.get().body().contains("创建应用"));
            Page created = create(browser, "acme", "chat");
            assertTrue(created.body().contains("应用 acme#chat 已创建。"), created.body());
        }
    }
}
