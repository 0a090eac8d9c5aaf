package io.imcloud.admin;

import io.imcloud.admin.AdminPageHarness.Browser;
import io.imcloud.admin.AdminPageHarness.Page;
import io.imcloud.push.CallbackQueue;
import io.imcloud.tenancy.AppCallback;
import io.imcloud.tenancy.AppKey;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.imcloud.admin.AdminPageHarness.fields;
import static io.imcloud.admin.ConsoleFixture.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The apps page's callbacks over real HTTP: the callback URL set, kept, changed and removed with the management API's
 * rules, the callback secret made by the server and shown once (never in a form), and each app's callback health.
 */
class AppCallbacksConsoleTest {

    private static final AppKey ACME = AppKey.of("acme", "chat");
    private static final Pattern CALLBACK_SECRET = Pattern.compile("<tr><th>Callback secret</th><td><code>([^<]*)</code>");
    private static final String RULE = "callback_url must be an http or https URL with a host, at most 512 characters,"
            + " without user:password@ and without #fragment";

    /** The callback secret the page shows, or empty. */
    private static Optional<String> shownSecret(Page page) {
        Matcher m = CALLBACK_SECRET.matcher(page.body());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static Page update(Browser browser, String... more) {
        String[] form = new String[4 + more.length];
        System.arraycopy(new String[] {"action", "update", "app_key", "acme#chat"}, 0, form, 0, 4);
        System.arraycopy(more, 0, form, 4, more.length);
        return browser.submit(form);
    }

    @AllDatabases
    void setsKeepsChangesAndRemovesTheCallbackShowingEachNewSecretOnce(TestDatabase db) {
        try (ConsoleFixture console = new ConsoleFixture(db)) {
            Browser browser = console.http.browser();
            Page created = create(browser, "acme", "chat", "callback_url", " https://hooks.example.com/im?a=1&b=2 ");
            assertEquals(200, created.status(), created.body());
            AppCallback callback = console.apps.callback(ACME).orElseThrow();
            assertEquals("https://hooks.example.com/im?a=1&b=2", callback.url());
            assertEquals(Optional.of(callback.secret()), shownSecret(created), "the new callback secret, shown once");
            assertTrue(created.body().contains("Copy the client secret now") && created.body().contains("Copy the callback secret now"));

            Page later = browser.get();
            assertFalse(later.body().contains(callback.secret()), "never shown again, nor put into a form");
            assertTrue(later.body().contains("<code>https://hooks.example.com/im?a=1&amp;b=2</code>"), "the URL, escaped");
            assertTrue(later.body().contains("name=\"callback_url\" size=\"32\" maxlength=\"512\" value=\"https://hooks.example.com/im?a=1&amp;b=2\""));
            assertTrue(later.body().contains("0 waiting, 0 delivered, 0 dead letters, 0 dropped"), later.body());

            for (String bad : List.of("ftp://hooks.example.com/", "https://user:pw@hooks.example.com/", "https://hooks.example.com/#x",
                    "javascript:alert(1)", "https:///nohost", "https://hooks.example.com/" + "a".repeat(600))) {
                Page refused = update(browser, "callback_url", bad);
                assertEquals(400, refused.status(), bad);
                assertTrue(refused.body().contains("<code>illegal_argument</code>: " + RULE), bad + ": " + refused.body());
            }
            assertEquals(callback, console.apps.callback(ACME).orElseThrow(), "a refused URL changes nothing");

            Page kept = update(browser, "callback_url", "  ", "max_users", "9");
            assertEquals(200, kept.status(), kept.body());
            assertEquals(callback, console.apps.callback(ACME).orElseThrow(), "an empty field keeps URL and secret");
            assertEquals(9, console.apps.find(ACME).orElseThrow().maxUsers());
            Page moved = update(browser, "callback_url", "http://10.0.0.5:8080/callbacks");
            assertEquals(new AppCallback(ACME, "http://10.0.0.5:8080/callbacks", callback.secret()), console.apps.callback(ACME).orElseThrow(),
                    "a new URL keeps the secret");
            assertEquals(Optional.empty(), shownSecret(moved));

            Page rotated = browser.submit("action", "rotate_callback", "app_key", "acme#chat", "confirm_rotate", "true");
            assertEquals(200, rotated.status(), rotated.body());
            String secret = console.apps.callback(ACME).orElseThrow().secret();
            assertNotEquals(callback.secret(), secret);
            assertEquals(Optional.of(secret), shownSecret(rotated));
            assertFalse(rotated.body().contains("Client secret"), "only what was made is shown");
            Map<String, String> forged = fields("action", "rotate_callback", "app_key", "acme#chat", CsrfToken.FIELD, "forged");
            assertEquals(403, browser.post(forged).status());
            assertEquals(secret, console.apps.callback(ACME).orElseThrow().secret(), "a forged form changes nothing");

            Page removed = update(browser, "callback_url", "https://ignored.example.com/", "remove_callback", "true");
            assertEquals(200, removed.status(), removed.body());
            assertEquals(Optional.empty(), console.apps.callback(ACME), "URL and secret gone");
            assertTrue(removed.body().contains("no callback URL"), removed.body());
            assertFalse(removed.body().contains("value=\"rotate_callback\""), "no secret to renew");
            Page none = browser.submit("action", "rotate_callback", "app_key", "acme#chat", "confirm_rotate", "true");
            assertEquals(400, none.status());
            assertTrue(none.body().contains("App acme#chat has no callback URL; set one first."), none.body());
            assertEquals(404, browser.submit("action", "rotate_callback", "app_key", "acme#none", "confirm_rotate", "true").status());

            Page again = update(browser, "callback_url", "https://hooks.example.com/v2");
            assertEquals(Optional.of(console.apps.callback(ACME).orElseThrow().secret()), shownSecret(again),
                    "a URL set where there was none comes with a new secret, shown once");
        }
    }

    @AllDatabases
    void showsEachAppsCallbackHealthEscaped(TestDatabase db) {
        try (ConsoleFixture console = new ConsoleFixture(db)) {
            Browser browser = console.http.browser();
            create(browser, "acme", "chat", "callback_url", "https://hooks.example.com/im");
            create(browser, "acme", "quiet");
            CallbackQueue queue = console.callbackQueue;
            queue.enqueue(ACME, Map.of(1L, "bob", 2L, "bob", 3L, "alice"), 100, 1_000);
            List<CallbackQueue.Entry> due = queue.claim(queue.due(2_000, 10, Set.of()), "node", 2_000, 60_000);
            CallbackQueue.Entry first = due.stream().filter(e -> e.msgId() == 1).findFirst().orElseThrow();
            CallbackQueue.Entry second = due.stream().filter(e -> e.msgId() == 2).findFirst().orElseThrow();
            queue.retry(first, "node", 3, 1_767_225_600_000L, "<script>alert(1)</script>");
            queue.dead(second, "node", 8, "HTTP 502", 1_767_139_200_000L);
            queue.release("node");

            Page page = browser.get();
            assertEquals(200, page.status(), page.body());
            assertTrue(page.body().contains("2 waiting, 0 delivered, 1 dead letter, 0 dropped"), page.body());
            assertTrue(page.body().contains("1 failing, retried with backoff; next attempt 2026-01-01T00:00:00Z (UTC) after 3"
                    + " attempts: &lt;script&gt;alert(1)&lt;/script&gt;"), page.body());
            assertFalse(page.body().contains("<script>"));
            assertTrue(page.body().contains("Latest dead letter 2025-12-31T00:00:00Z (UTC), given up after 8 attempts: HTTP 502"));
            assertTrue(page.body().contains("no callback URL<br/>0 waiting, 0 delivered, 0 dead letters, 0 dropped"),
                    "the app without callbacks");
        }
    }

    @AllDatabases
    void refusesABadCallbackUrlInTheConsolesLanguage(TestDatabase db) {
        try (ConsoleFixture console = new ConsoleFixture(db, Locale.SIMPLIFIED_CHINESE, null)) {
            Page refused = create(console.http.browser(), "acme", "chat", "callback_url", "gopher://hooks.example.com/");
            assertEquals(400, refused.status());
            assertTrue(refused.body().contains("callback_url 必须是带主机名的 http 或 https 地址，最多 512 个字符"), refused.body());
            assertTrue(refused.body().contains("value=\"acme\""), "the form keeps what was typed");
            assertTrue(console.apps.list(10).isEmpty());
        }
    }
}
