package io.imcloud.admin;

import io.imcloud.admin.AdminPageHarness.Browser;
import io.imcloud.admin.AdminPageHarness.Page;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.users.NewUser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.imcloud.admin.AdminPageHarness.fields;
import static io.imcloud.admin.ConsoleFixture.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin console's users page over real HTTP, on real stores. */
class UsersAdminServletTest {

    private static final AppKey ACME = AppKey.of("acme", "chat");

    /** An action that fails on the server's side part way shows the page with the failure, to be repeated, not a blank 500. */
    @AllDatabases
    void anActionThatFailsPartWayIsShownToBeRepeated(TestDatabase db) {
        try (ConsoleFixture console = new ConsoleFixture(db)) {
            Browser browser = console.http.browser();
            create(browser, "acme", "chat");
            console.users.register(ACME, List.of(new NewUser("alice", "pw-alice", "Alice")), 0);
            console.sessions.closeFailure = new IllegalStateException("the cluster did not answer");
            Page failed = browser.submitAt("imcloud-users?app=acme%23chat", "action", "deactivate", "app", "acme#chat",
                    "username", "alice");
            assertEquals(500, failed.status(), failed.body());
            assertTrue(failed.body().contains("the cluster did not answer") && failed.body().contains("Repeat it to finish"),
                    failed.body());
            assertTrue(failed.body().contains("<code>alice</code>"), "the page itself is there: " + failed.body());

            console.sessions.closeFailure = null;
            assertEquals(200, browser.submitAt("imcloud-users?app=acme%23chat", "action", "deactivate", "app", "acme#chat",
                    "username", "alice").status());
            assertEquals(List.of(AppUser.of(ACME, "alice")), console.sessions.closed, "repeated, it finishes");
        }
    }

    /**
     * The users page of an app, linked from the apps page: figures, search by prefix, pages of 50, deactivation that
     * closes sessions, activation, and deletion only with the username typed again; CSRF-checked like the apps page.
     */
    @AllDatabases
    void theUsersPageSearchesPagesAndControlsAccounts(TestDatabase db) {
        try (ConsoleFixture console = new ConsoleFixture(db)) {
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

    /**
     * A deactivation on the console ends what one over REST ends: tokens and logins, sessions, and the bound devices, so
     * that pushes stop; an activated user binds anew.
     */
    @AllDatabases
    void deactivationUnbindsTheUsersDevicesAsOverRest(TestDatabase db) {
        try (ConsoleFixture console = new ConsoleFixture(db)) {
            Browser browser = console.http.browser();
            create(browser, "acme", "chat");
            console.users.register(ACME, List.of(new NewUser("alice", "pw-alice", null), new NewUser("bob", "pw-bob", null)), 0);
            AppUser alice = AppUser.of(ACME, "alice");
            AppUser bob = AppUser.of(ACME, "bob");
            console.pushBindings.bind(alice, "phone", "token-1", "apns");
            console.pushBindings.bind(alice, "tablet", "token-2", null);
            console.pushBindings.bind(bob, "phone", "token-3", null);

            Page off = browser.submitAt("imcloud-users?app=acme%23chat", "action", "deactivate", "app", "acme#chat",
                    "username", "alice");
            assertEquals(200, off.status(), off.body());
            assertEquals(List.of(), console.pushBindings.list(alice), "her devices are unbound");
            assertEquals(1, console.pushBindings.list(bob).size(), "nobody else's");
            assertEquals(List.of(alice), console.sessions.closed);

            assertEquals(200, browser.submitAt("imcloud-users?app=acme%23chat", "action", "activate", "app", "acme#chat",
                    "username", "alice").status());
            assertEquals(List.of(alice), console.sessions.closed, "an activation closes nothing");
            assertTrue(console.pushBindings.bind(alice, "phone", "token-4", null).isPresent(), "she binds anew");
            assertEquals(404, browser.submitAt("imcloud-users?app=acme%23chat", "action", "deactivate", "app", "acme#chat",
                    "username", "nobody").status());
            assertEquals(List.of(alice), console.sessions.closed, "an unknown user: nothing is done");
        }
    }
}
