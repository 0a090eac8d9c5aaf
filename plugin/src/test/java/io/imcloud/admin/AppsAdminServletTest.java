package io.imcloud.admin;

import io.imcloud.admin.AdminPageHarness.Browser;
import io.imcloud.admin.AdminPageHarness.Page;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppStore;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.users.NewUser;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.servlet.Filter;

import static io.imcloud.admin.AdminPageHarness.fields;
import static io.imcloud.admin.ConsoleFixture.create;
import static io.imcloud.admin.ConsoleFixture.credentials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin console's apps page over real HTTP, on real stores. */
class AppsAdminServletTest {

    private static final AppKey ACME = AppKey.of("acme", "chat");

    @Test
    void answers503UntilThePluginInstallsItsComponentsAndAfterItRemovesThem() {
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB); AdminPageHarness http = AdminPageHarness.start(null)) {
            Browser browser = http.browser();
            assertEquals(new Page(503, "imcloud is not running."), browser.get());
            assertEquals(503, browser.post(fields("action", "create", "org", "acme", "app", "chat")).status());

            AppStore apps = new AppStore(db, Clock.systemUTC());
            AppRemoval removal = new AppRemoval(apps, List.of());
            AdminConsole.Services services = ConsoleFixture.services(apps, removal, db, ConsoleFixture.groups(db));
            try (AdminConsole.Installation installed = AdminConsole.install(services)) {
                assertThrows(IllegalStateException.class, () -> AdminConsole.install(services));
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
        try (ConsoleFixture console = new ConsoleFixture(db)) {
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
        try (ConsoleFixture console = new ConsoleFixture(db)) {
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
        try (ConsoleFixture console = new ConsoleFixture(db)) {
            Browser browser = console.http.browser();
            String[] first = credentials(create(browser, "acme", "chat"));
            Page stray = browser.submit("action", "rotate", "app_key", "acme#chat");
            assertEquals(400, stray.status(), "a click without the box ticked");
            assertTrue(stray.body().contains("Nothing was changed."), stray.body());
            assertTrue(console.apps.authenticateClient(ACME, first[1], first[2]).isPresent(), "the secret stays");

            Page rotated = browser.submit("action", "rotate", "app_key", "acme#chat", "confirm_rotate", "true");
            assertEquals(200, rotated.status(), rotated.body());
            String[] second = credentials(rotated);
            assertEquals(first[1], second[1], "the client id stays");
            assertNotEquals(first[2], second[2]);
            assertTrue(console.apps.authenticateClient(ACME, second[1], second[2]).isPresent(), "the new secret works");
            assertTrue(console.apps.authenticateClient(ACME, first[1], first[2]).isEmpty(), "the old one no longer does");
            assertFalse(browser.get().body().contains(second[2]), "shown once only");

            Page unknown = browser.submit("action", "rotate", "app_key", "acme#none", "confirm_rotate", "true");
            assertEquals(404, unknown.status());
            assertTrue(unknown.body().contains("<code>organization_application_not_found</code>"), unknown.body());
        }
    }

    @AllDatabases
    void updatesOptions(TestDatabase db) {
        try (ConsoleFixture console = new ConsoleFixture(db)) {
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
        try (ConsoleFixture console = new ConsoleFixture(db)) {
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

    @AllDatabases
    void postsWithoutTheSessionsTokenChangeNothing(TestDatabase db) {
        try (ConsoleFixture console = new ConsoleFixture(db)) {
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
            assertEquals(200, operator.submit("action", "rotate", "app_key", "acme#chat", "confirm_rotate", "true").status(), "the real form works");
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
        try (ConsoleFixture console = new ConsoleFixture(db, Locale.ENGLISH, openfire)) {
            Browser browser = console.http.browser();
            Page refused = create(browser, markup, "x<img src=y>");
            assertEquals(400, refused.status());
            assertFalse(refused.body().contains("<script>"), refused.body());
            assertFalse(refused.body().contains("<img"), refused.body());
            assertFalse(refused.body().contains("<b>"), refused.body());
            assertTrue(refused.body().contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "echoed, escaped");
            assertTrue(refused.body().contains("name=\"csrf\" value=\"of&#39;&quot;&lt;b&gt;\""), "Openfire's token echoed, escaped");

            Page badKey = browser.submit("action", "rotate", "app_key", "<i>x</i>#y", "confirm_rotate", "true");
            assertEquals(400, badKey.status());
            assertFalse(badKey.body().contains("<i>"), badKey.body());
        }
    }

    @AllDatabases
    void speaksTheConsolesLanguage(TestDatabase db) {
        try (ConsoleFixture console = new ConsoleFixture(db, Locale.SIMPLIFIED_CHINESE, null)) {
            Browser browser = console.http.browser();
            assertTrue(browser.get().body().contains("创建应用"));
            Page created = create(browser, "acme", "chat");
            assertTrue(created.body().contains("应用 acme#chat 已创建。"), created.body());
        }
    }
}
