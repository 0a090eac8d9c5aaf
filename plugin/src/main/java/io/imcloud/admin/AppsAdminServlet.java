package io.imcloud.admin;

import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppException;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin console page of the apps, {@code /plugins/imcloud/imcloud-apps} (declared in
 * {@code web/WEB-INF/web-custom.xml}; Openfire serves it behind the console login). GET lists the
 * apps with their callbacks' health; POST creates an app, sets its options (the callback URL with the
 * management API's rules), rotates its client or callback secret or deletes it (with its users), then
 * renders the page with the outcome. A new client or callback secret appears only in the answer to the
 * POST that made it: never in a URL, a redirect or the log, never in a form. Every POST must carry the
 * session's {@link CsrfToken}. Until the plugin has {@linkplain AdminConsole#install installed} its
 * components the page answers 503.
 */
public final class AppsAdminServlet extends ConsoleServlet {

    private static final Logger Log = LoggerFactory.getLogger(AppsAdminServlet.class);

    /** Most apps the page lists. */
    static final int MAX_LISTED = 1000;

    private static final String NOT_FOUND = "organization_application_not_found";
    private static final String ILLEGAL_ARGUMENT = "illegal_argument";

    @Override
    Outcome perform(HttpServletRequest request, AdminConsole.Services services, Texts texts) {
        String action = request.getParameter("action");
        if ("create".equals(action)) {
            return create(request, services, texts);
        }
        if (!"update".equals(action) && !"rotate".equals(action) && !"rotate_callback".equals(action)
                && !"delete".equals(action)) {
            return Outcome.failure(400, ILLEGAL_ARGUMENT, texts.get("imcloud.admin.error.action"));
        }
        String typedKey = request.getParameter("app_key");
        AppKey key;
        try {
            key = AppKey.parse(typedKey);
        } catch (IllegalArgumentException e) {
            return Outcome.failure(400, ILLEGAL_ARGUMENT, texts.get("imcloud.admin.error.app_key", ConsolePage.echo(typedKey)));
        }
        if (action.startsWith("rotate") && !"true".equals(request.getParameter("confirm_rotate"))) {
            // a secret's rotation ends what the app's back-end (or callback receiver) holds: never on a stray click
            return Outcome.failure(400, ILLEGAL_ARGUMENT, texts.get("imcloud.admin.error.confirm_rotate", key));
        }
        return switch (action) {
            case "update" -> update(request, services, texts, key);
            case "rotate" -> services.apps().rotateSecret(key)
                    .map(rotated -> {
                        Log.info("imcloud: admin console rotated the client secret of app {}", key);
                        return Outcome.success(texts.get("imcloud.admin.done.rotated", key), Outcome.Secrets.of(rotated));
                    })
                    .orElseGet(() -> notFound(texts, key));
            case "rotate_callback" -> rotateCallback(services, texts, key);
            default -> delete(request, services, texts, key);
        };
    }

    private static Outcome create(HttpServletRequest request, AdminConsole.Services services, Texts texts) {
        String org = request.getParameter("org");
        String app = request.getParameter("app");
        if (!AppKey.isValidPart(org) || !AppKey.isValidPart(app)) {
            return Outcome.failure(400, ILLEGAL_ARGUMENT,
                    texts.get("imcloud.admin.error.app_key", ConsolePage.echo(org + "#" + app))).typed(org, app);
        }
        FormOptions options = FormOptions.read(request, texts);
        if (options.error() != null) {
            return options.error().typed(org, app);
        }
        AppKey key = AppKey.of(org, app);
        Optional<AppCredentials> created;
        try {
            created = services.apps().create(key, options.options());
        } catch (AppException reserved) {
            return Outcome.failure(400, ILLEGAL_ARGUMENT, texts.get("imcloud.admin.error.reserved", org)).typed(org, app);
        }
        if (created.isEmpty()) {
            return Outcome.failure(400, "duplicate_unique_property_exists", texts.get("imcloud.admin.error.duplicate", key))
                    .typed(org, app);
        }
        Log.info("imcloud: admin console created app {}", key);
        return Outcome.success(texts.get("imcloud.admin.done.created", key), Outcome.Secrets.of(created.get()));
    }

    private static Outcome update(HttpServletRequest request, AdminConsole.Services services, Texts texts, AppKey key) {
        FormOptions options = FormOptions.read(request, texts);
        if (options.error() != null) {
            return options.error();
        }
        Optional<AppStore.AppChange> changed = services.apps().change(key, options.options());
        if (changed.isEmpty()) {
            return notFound(texts, key);
        }
        Log.info("imcloud: admin console changed the options of app {}", key);
        String callbackSecret = changed.get().newCallbackSecret();
        return Outcome.success(texts.get("imcloud.admin.done.updated", key),
                callbackSecret == null ? null : Outcome.Secrets.callback(key, callbackSecret));
    }

    /** A new callback secret, shown once, for an app with a callback URL (as the management API makes one). */
    private static Outcome rotateCallback(AdminConsole.Services services, Texts texts, AppKey key) {
        if (services.apps().find(key).isEmpty()) {
            return notFound(texts, key);
        }
        return services.apps().rotateCallbackSecret(key)
                .map(secret -> {
                    Log.info("imcloud: admin console made a new callback secret of app {}", key);
                    return Outcome.success(texts.get("imcloud.admin.done.callback_rotated", key),
                            Outcome.Secrets.callback(key, secret));
                })
                .orElseGet(() -> Outcome.failure(400, ILLEGAL_ARGUMENT, texts.get("imcloud.admin.error.no_callback", key)));
    }

    /**
     * Deletes the app with its users and archive ({@link io.imcloud.tenancy.AppRemoval}, as the
     * management API does). A failure part-way leaves the app listed, so the operator can delete it again.
     */
    private static Outcome delete(HttpServletRequest request, AdminConsole.Services services, Texts texts, AppKey key) {
        if (!key.toString().equals(request.getParameter("confirm"))) {
            return Outcome.failure(400, ILLEGAL_ARGUMENT, texts.get("imcloud.admin.error.confirm", key));
        }
        Optional<Map<String, Long>> removed = services.removal().delete(key);
        if (removed.isEmpty()) {
            return notFound(texts, key);
        }
        long users = removed.get().getOrDefault("users", 0L);
        Log.info("imcloud: admin console deleted app {} and its {} users", key, users);
        return Outcome.success(texts.get("imcloud.admin.done.deleted", key, users), null);
    }

    private static Outcome notFound(Texts texts, AppKey key) {
        return Outcome.failure(404, NOT_FOUND, texts.get("imcloud.admin.error.not_found", key));
    }

    @Override
    void render(HttpServletRequest request, HttpServletResponse response, AdminConsole.Services services, Texts texts,
                Outcome outcome) throws IOException {
        List<App> apps = services.apps().list(MAX_LISTED + 1);
        boolean truncated = apps.size() > MAX_LISTED;
        String page = new AppsPage(texts, CsrfToken.of(request), CsrfToken.openfireToken(request), services.storage(),
                services.callbacks())
                .render(truncated ? apps.subList(0, MAX_LISTED) : apps, truncated, outcome, services.squatted());
        response.setStatus(outcome.status());
        // The page may hold a new client or callback secret: no cache may keep it.
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/html; charset=UTF-8");
        response.getWriter().write(page);
    }
}
