package io.imcloud.admin;

import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.users.UserPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * The admin console page of one app's users, {@code /plugins/imcloud/imcloud-users?app={org}#{app}} (declared in
 * {@code web/WEB-INF/web-custom.xml}, linked from the apps page). GET lists a page of users, optionally those whose
 * username starts with {@code q}, from {@code after} on; POST deactivates (the REST API's way: {@link
 * io.imcloud.users.AccountControl}), activates or deletes a user, with the session's {@link CsrfToken}, and deleting
 * needs the username typed again.
 */
public final class UsersAdminServlet extends ConsoleServlet {

    private static final Logger Log = LoggerFactory.getLogger(UsersAdminServlet.class);

    /** Users per page. */
    static final int PAGE_SIZE = 50;

    @Override
    Outcome perform(HttpServletRequest request, AdminConsole.Services services, Texts texts) {
        Optional<App> app = app(request, services);
        String username = request.getParameter("username");
        if (app.isEmpty() || username == null || !AppUser.isValidUsername(username)) {
            return Outcome.failure(404, "service_resource_not_found", texts.get("imcloud.users.error.not_found",
                    ConsolePage.echo(username)));
        }
        AppUser user = new AppUser(app.get().key(), username);
        String action = request.getParameter("action");
        switch (action == null ? "" : action) {
            case "deactivate", "activate" -> {
                if (services.accounts().setActivated(user, action.equals("activate")).isEmpty()) {
                    return Outcome.failure(404, "service_resource_not_found", texts.get("imcloud.users.error.not_found", username));
                }
                Log.info("imcloud: admin console {}d user {}", action, user);
                return Outcome.success(texts.get("imcloud.users.done." + action, username), null);
            }
            case "delete" -> {
                if (!username.equals(request.getParameter("confirm"))) {
                    return Outcome.failure(400, "illegal_argument", texts.get("imcloud.users.error.confirm", username));
                }
                if (services.users().delete(user).isEmpty()) {
                    return Outcome.failure(404, "service_resource_not_found", texts.get("imcloud.users.error.not_found", username));
                }
                Log.info("imcloud: admin console deleted user {}", user);
                return Outcome.success(texts.get("imcloud.users.done.delete", username), null);
            }
            default -> {
                return Outcome.failure(400, "illegal_argument", texts.get("imcloud.admin.error.action"));
            }
        }
    }

    private static Optional<App> app(HttpServletRequest request, AdminConsole.Services services) {
        try {
            return services.apps().find(AppKey.parse(request.getParameter("app")));
        } catch (IllegalArgumentException | NullPointerException notAKey) {
            return Optional.empty();
        }
    }

    @Override
    void render(HttpServletRequest request, HttpServletResponse response, AdminConsole.Services services, Texts texts,
                Outcome outcome) throws IOException {
        Optional<App> app = app(request, services);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/html; charset=UTF-8");
        if (app.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            response.getWriter().write(new UsersPage(texts, CsrfToken.of(request), CsrfToken.openfireToken(request))
                    .notFound(ConsolePage.echo(request.getParameter("app"))));
            return;
        }
        AppKey key = app.get().key();
        String query = request.getParameter("q") == null ? "" : request.getParameter("q").strip();
        String after = request.getParameter("after");
        UserPage page = services.users().search(key, query, after == null || after.isEmpty() ? null : after, PAGE_SIZE);
        UsersPage.Figures figures = new UsersPage.Figures(services.users().count(key), services.messages().applyAsLong(key),
                services.storage().apply(key));
        response.setStatus(outcome.status());
        response.getWriter().write(new UsersPage(texts, CsrfToken.of(request), CsrfToken.openfireToken(request))
                .render(app.get(), figures, query, page, services.accounts()::isOnline, outcome));
    }
}
