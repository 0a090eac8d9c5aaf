package io.imcloud.admin;

import io.imcloud.archive.MessageIds;
import io.imcloud.groups.Group;
import io.imcloud.groups.GroupException;
import io.imcloud.groups.GroupService;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The admin console page of the groups, {@code /plugins/imcloud/imcloud-groups}: GET with {@code app} lists that app's
 * groups ({@code cursor} pages on), with {@code app} and {@code group} one group's members ({@code member_cursor});
 * POST {@code action=delete} deletes a group with its room and messages once its id is typed into {@code confirm}.
 * Every POST must carry the session's {@link CsrfToken}; until the plugin has {@linkplain AdminConsole#install
 * installed} its components the page answers 503.
 */
public final class GroupsAdminServlet extends ConsoleServlet {

    private static final Logger Log = LoggerFactory.getLogger(GroupsAdminServlet.class);

    /** Groups and members per page. */
    static final int PAGE_SIZE = 100;
    private static final String ILLEGAL_ARGUMENT = "illegal_argument";
    private static final String NOT_FOUND = "service_resource_not_found";

    @Override
    Outcome perform(HttpServletRequest request, AdminConsole.Services services, Texts texts) {
        if (!"delete".equals(request.getParameter("action"))) {
            return Outcome.failure(400, ILLEGAL_ARGUMENT, texts.get("imcloud.admin.error.action"));
        }
        return delete(request, services.groups(), texts);
    }

    private static Outcome delete(HttpServletRequest request, GroupService groups, Texts texts) {
        AppKey app = appKey(request.getParameter("app"));
        long groupId = MessageIds.parse(request.getParameter("group"));
        if (app == null || groupId < 0) {
            return Outcome.failure(404, NOT_FOUND, texts.get("imcloud.groups.error.not_found", ConsolePage.echo(request.getParameter("group"))));
        }
        if (!Long.toString(groupId).equals(request.getParameter("confirm"))) {
            return Outcome.failure(400, ILLEGAL_ARGUMENT, texts.get("imcloud.groups.error.confirm", Long.toString(groupId)));
        }
        if (!groups.delete(app, groupId)) {
            return Outcome.failure(404, NOT_FOUND, texts.get("imcloud.groups.error.not_found", Long.toString(groupId)));
        }
        Log.info("imcloud: admin console deleted group {} of app {}", groupId, app);
        return Outcome.success(texts.get("imcloud.groups.done.deleted", Long.toString(groupId), app), null);
    }

    @Override
    void render(HttpServletRequest request, HttpServletResponse response, AdminConsole.Services services, Texts texts,
                Outcome outcome) throws IOException {
        List<App> apps = services.apps().list(AppsAdminServlet.MAX_LISTED);
        AppKey app = appKey(request.getParameter("app"));
        Optional<App> selected = app == null ? Optional.empty() : services.apps().find(app);
        GroupsPage page = new GroupsPage(texts, CsrfToken.of(request), CsrfToken.openfireToken(request))
                .start(apps, selected.map(App::key).orElse(null), outcome);
        int status = outcome.status();
        if (selected.isPresent()) {
            try {
                long groupId = MessageIds.parse(request.getParameter("group"));
                Optional<Group> group = groupId < 0 ? Optional.empty() : services.groups().find(app, groupId);
                if (group.isPresent() && outcome.error() == null && outcome.message() == null) {
                    page.members(group.get(), services.groups().members(app, groupId, request.getParameter("member_cursor"), PAGE_SIZE));
                } else {
                    page.groups(app, services.groups().page(app, request.getParameter("cursor"), PAGE_SIZE));
                }
            } catch (GroupException badCursor) {
                status = 400;
                page.groups(app, services.groups().page(app, null, PAGE_SIZE));
            }
        }
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/html; charset=UTF-8");
        response.getWriter().write(page.end());
    }

    private static AppKey appKey(String typed) {
        try {
            return typed == null ? null : AppKey.parse(typed);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
