package io.imcloud.admin;

import io.imcloud.admin.AdminPageHarness.Browser;
import io.imcloud.admin.AdminPageHarness.Page;
import io.imcloud.groups.Group;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.NewGroup;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppStore;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static io.imcloud.admin.AdminPageHarness.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's groups page over real HTTP: an app's groups a page at a time, a group's members, deleting a group. */
class GroupsAdminServletTest {

    private static final AppKey ACME = AppKey.of("acme", "chat");

    @Test
    void listsAnAppsGroupsAndMembersAndDeletesAGroupOnceConfirmed() {
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB);
             AdminPageHarness http = AdminPageHarness.start("imcloud-groups", null)) {
            Browser browser = http.browser();
            assertEquals(503, browser.get().status(), "not before the plugin installs its components");
            AppStore apps = new AppStore(db, Clock.systemUTC());
            apps.create(ACME, new AppOptions(false, null, null));
            apps.create(AppKey.of("acme", "other"), new AppOptions(false, null, null));
            GroupService groups = ConsoleFixture.groups(db);
            List<Group> made = new ArrayList<>();
            for (int i = 0; i < GroupsAdminServlet.PAGE_SIZE + 1; i++) {
                made.add(groups.create(ACME, new NewGroup("group <" + i + ">", null, false, 50, "alice", i == 0 ? List.of("bob") : List.of())));
            }
            try (AdminConsole.Installation installed = AdminConsole.install(ConsoleFixture.services(apps,
                    new AppRemoval(apps, List.of()), db, groups))) {
                Page chooser = browser.get();
                assertEquals(200, chooser.status(), chooser.body());
                assertTrue(chooser.body().contains("<meta name=\"pageID\" content=\"imcloud-groups\"/>"));
                assertTrue(chooser.body().contains("<option value=\"acme#other\">"));

                Page first = browser.get("app=acme%23chat");
                assertEquals(200, first.status(), first.body());
                String firstId = Long.toString(made.get(0).groupId());
                assertTrue(first.body().contains("<code>" + firstId + "</code>"));
                assertTrue(first.body().contains("group &lt;0&gt;"), "names are escaped");
                assertTrue(first.body().contains("2 of 50"), "alice and bob of at most 50");
                assertFalse(first.body().contains("<code>" + made.get(GroupsAdminServlet.PAGE_SIZE).groupId() + "</code>"),
                        "one page at a time");
                assertTrue(first.body().contains("id=\"imcloud-next\""));
                Page second = browser.get("app=acme%23chat&cursor=" + made.get(GroupsAdminServlet.PAGE_SIZE - 1).groupId());
                assertTrue(second.body().contains("<code>" + made.get(GroupsAdminServlet.PAGE_SIZE).groupId() + "</code>"));
                assertTrue(browser.get("app=acme%23other").body().contains("id=\"imcloud-no-groups\""));

                Page members = browser.get("app=acme%23chat&group=" + firstId);
                assertTrue(members.body().contains("id=\"imcloud-members\""), members.body());
                assertTrue(members.body().contains("<td>alice</td><td>owner</td>"));
                assertTrue(members.body().contains("<td>bob</td><td>member</td>"));

                Page unconfirmed = browser.submitFrom("app=acme%23chat", "action", "delete", "app", "acme#chat", "group", firstId, "confirm", "no");
                assertEquals(400, unconfirmed.status());
                assertTrue(groups.find(ACME, made.get(0).groupId()).isPresent());
                Page forged = browser.post(fields("action", "delete", "app", "acme#chat", "group", firstId, "confirm", firstId,
                        CsrfToken.FIELD, "forged"));
                assertEquals(403, forged.status());
                Page deleted = browser.submitFrom("app=acme%23chat", "action", "delete", "app", "acme#chat", "group", firstId, "confirm", firstId);
                assertEquals(200, deleted.status(), deleted.body());
                assertTrue(deleted.body().contains("id=\"imcloud-success\""));
                assertTrue(groups.find(ACME, made.get(0).groupId()).isEmpty());
                assertEquals(404, browser.submitFrom("app=acme%23chat", "action", "delete", "app", "acme#chat", "group", firstId, "confirm", firstId).status());
                assertEquals(400, browser.get("app=acme%23chat&cursor=x").status());
            }
        }
    }
}
