package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.tenancy.AppStore;

import java.io.IOException;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator's API {@code /management/apps}: create, list, get, set options, rotate the secret,
 * delete. HTTP Basic with a server administrator's account, from loopback only unless
 * {@link RestSettings#managementAllowRemote()}. The client secret is shown by create and rotate only.
 * <p>
 * The option {@code callback_url} sets where the app's offline-message callbacks go ({@code ""} removes it); when it
 * is set on an app that had none, the answer carries the new {@code callback_secret} they are signed with, once.
 * {@code POST /management/apps/{org}/{app}/callback_secret} replaces that secret (shown once again).
 */
final class ManagementRoutes implements RouteGroup {

    /** Most apps one list answer holds. */
    static final int MAX_LIST = 1000;
    private static final Set<String> OPTION_FIELDS = Set.of("open_registration", "max_users", "retention_days",
            "file_quota_bytes", "file_quota_files", "file_retention_days", "uploads_media_only", "callback_url");
    private static final Set<String> CREATE_FIELDS = union(OPTION_FIELDS, Set.of("org", "app"));
    private static final int MAX_SHOWN_FIELD = 64;
    /** Failed Basic logins per client address, and per username, before attempts are refused (Openfire's console: 10). */
    static final int MAX_FAILED_LOGINS = 10;
    /** The window in which {@link #MAX_FAILED_LOGINS} refill (Openfire's console: 15 minutes). */
    static final int FAILED_LOGIN_WINDOW_MINUTES = 15;
    private static final double FAILED_LOGINS_PER_SECOND = MAX_FAILED_LOGINS / (FAILED_LOGIN_WINDOW_MINUTES * 60.0);

    private final AdminAuthenticator admins;
    private final AppRemoval removal;

    ManagementRoutes(AdminAuthenticator admins, AppRemoval removal) {
        this.admins = admins;
        this.removal = removal;
    }

    @Override
    public void register(Router router) {
        router.post("/management/apps", this::create);
        router.get("/management/apps", this::list);
        router.get("/management/apps/{org}/{app}", this::get);
        router.put("/management/apps/{org}/{app}", this::update);
        router.delete("/management/apps/{org}/{app}", this::delete);
        router.post("/management/apps/{org}/{app}/secret", this::rotate);
        router.post("/management/apps/{org}/{app}/callback_secret", this::rotateCallbackSecret);
    }

    private void create(RestExchange ex) throws IOException {
        requireAdmin(ex);
        JsonNode body = ex.jsonObjectBody();
        rejectUnknownFields(body, CREATE_FIELDS);
        String org = RestExchange.text(body, "org");
        String name = RestExchange.text(body, "app");
        if (!AppKey.isValidPart(org) || !AppKey.isValidPart(name)) {
            throw ApiException.illegalArgument(ErrorText.APP_KEY_PARTS);
        }
        AppKey key = AppKey.of(org, name);
        AppCredentials created = ex.context().apps().create(key, options(body))
                .orElseThrow(() -> ApiException.duplicate(ErrorText.APP_EXISTS, key));
        replyData(ex, "post", withSecret(ex, created));
    }

    private void list(RestExchange ex) throws IOException {
        requireAdmin(ex);
        List<App> apps = ex.context().apps().list(MAX_LIST + 1);
        ArrayNode entities = ex.array();
        apps.stream().limit(MAX_LIST).forEach(a -> entities.add(appEntity(ex, a)));
        ObjectNode envelope = ex.envelope("get");
        envelope.set("entities", entities);
        envelope.put("count", entities.size());
        envelope.put("truncated", apps.size() > MAX_LIST);
        ex.reply(envelope);
    }

    private void get(RestExchange ex) throws IOException {
        requireAdmin(ex);
        AppKey key = ex.appKey();
        App app = ex.context().apps().find(key).orElseThrow(() -> notFound(key));
        replyData(ex, "get", appEntity(ex, app));
    }

    private void update(RestExchange ex) throws IOException {
        requireAdmin(ex);
        AppKey key = ex.appKey();
        JsonNode body = ex.jsonObjectBody();
        rejectUnknownFields(body, OPTION_FIELDS);
        AppOptions options = options(body);
        AppStore.AppChange change = ex.context().apps().change(key, options).orElseThrow(() -> notFound(key));
        ObjectNode entity = appEntity(ex, change.app());
        if (change.newCallbackSecret() != null) {
            entity.put("callback_secret", change.newCallbackSecret());
        }
        replyData(ex, "put", entity);
    }

    /** A new callback secret for an app with a callback URL (400 without one), shown once. */
    private void rotateCallbackSecret(RestExchange ex) throws IOException {
        requireAdmin(ex);
        AppKey key = ex.appKey();
        App app = ex.context().apps().find(key).orElseThrow(() -> notFound(key));
        String secret = ex.context().apps().rotateCallbackSecret(key)
                .orElseThrow(() -> ApiException.illegalArgument(ErrorText.NO_CALLBACK_URL, key));
        replyData(ex, "post", appEntity(ex, ex.context().apps().find(key).orElse(app)).put("callback_secret", secret));
    }

    private void rotate(RestExchange ex) throws IOException {
        requireAdmin(ex);
        AppKey key = ex.appKey();
        AppCredentials rotated = ex.context().apps().rotateSecret(key).orElseThrow(() -> notFound(key));
        replyData(ex, "post", withSecret(ex, rotated));
    }

    /**
     * Deletes the app with its users (directory accounts and rows) and its archive ({@link AppRemoval}).
     * A failure part-way leaves the app in place, so the operator can repeat the request.
     */
    private void delete(RestExchange ex) throws IOException {
        requireAdmin(ex);
        AppKey key = ex.appKey();
        Map<String, Long> removed = removal.delete(key).orElseThrow(() -> notFound(key));
        ObjectNode data = ex.context().json().createObjectNode();
        data.put("app_key", key.toString());
        removed.forEach((kind, count) -> data.put(kind + "_deleted", count));
        replyData(ex, "delete", data);
    }

    /**
     * Loopback only (unless allowed remote), then HTTP Basic of an Openfire administrator. Like Openfire's console
     * lockout, {@value #MAX_FAILED_LOGINS} failed logins from one client address or for one username within
     * {@value #FAILED_LOGIN_WINDOW_MINUTES} minutes make further attempts 429 {@code reach_limit} without any
     * password check, until the window lets one more through.
     */
    private void requireAdmin(RestExchange ex) {
        String address = ex.remoteAddress();
        if (!ex.settings().managementAllowRemote() && !ClientAddresses.isLoopback(address)) {
            throw ApiException.forbidden(ErrorText.MANAGEMENT_LOOPBACK);
        }
        String header = ex.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                decoded = "";
            }
            int colon = decoded.indexOf(':');
            String username = colon > 0 ? decoded.substring(0, colon).toLowerCase(Locale.ROOT) : "";
            List<String> failureKeys = List.of("admin-login-ip:" + address, "admin-login-user:" + username);
            for (String key : failureKeys) {
                long wait = ex.context().rateLimiter().waitMillis(key, 1, FAILED_LOGINS_PER_SECOND, MAX_FAILED_LOGINS);
                if (wait > 0) {
                    throw ApiException.reachLimit((wait + 999) / 1000);
                }
            }
            if (colon > 0 && admins.isAdmin(decoded.substring(0, colon), decoded.substring(colon + 1))) {
                return;
            }
            failureKeys.forEach(key -> ex.context().rateLimiter().tryAcquire(key, 1, FAILED_LOGINS_PER_SECOND, MAX_FAILED_LOGINS));
        }
        throw ApiException.unauthorized(ErrorText.MANAGEMENT_CREDENTIALS)
                .withHeader("WWW-Authenticate", "Basic realm=\"imcloud management\", charset=\"UTF-8\"");
    }

    /** A misspelt option must not pass as "left as it is". */
    private static void rejectUnknownFields(JsonNode body, Set<String> known) {
        body.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                String shown = name.length() > MAX_SHOWN_FIELD ? name.substring(0, MAX_SHOWN_FIELD) + "..." : name;
                throw ApiException.illegalArgument(ErrorText.UNKNOWN_FIELD, shown, String.join(", ", new TreeSet<>(known)));
            }
        });
    }

    /** The options the body sets; the servlet answers an {@link io.imcloud.tenancy.AppException} with 400. */
    private static AppOptions options(JsonNode body) {
        return new AppOptions(bool(body, "open_registration"), integer(body, "max_users"), integer(body, "retention_days"),
                longInteger(body, "file_quota_bytes"), integer(body, "file_quota_files"),
                integer(body, "file_retention_days"), bool(body, "uploads_media_only"), RestExchange.text(body, "callback_url"));
    }

    private static Boolean bool(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.illegalArgument(ErrorText.NOT_BOOLEAN, name);
        }
        return v.booleanValue();
    }

    private static Integer integer(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiException.illegalArgument(ErrorText.NOT_INTEGER, name);
        }
        return v.intValue();
    }

    private static Long longInteger(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.illegalArgument(ErrorText.NOT_INTEGER, name);
        }
        return v.longValue();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static ObjectNode appEntity(RestExchange ex, App app) {
        ObjectNode a = ex.context().json().createObjectNode();
        a.put("app_key", app.key().toString());
        a.put("organization", app.key().org());
        a.put("applicationName", app.key().app());
        a.put("application", app.uuid());
        a.put("client_id", app.clientId());
        a.put("open_registration", app.openRegistration());
        a.put("max_users", app.maxUsers());
        a.put("retention_days", app.retentionDays());
        a.put("file_quota_bytes", app.files().quotaBytes());
        a.put("file_quota_files", app.files().quotaFiles());
        a.put("file_retention_days", app.files().retentionDays());
        a.put("uploads_media_only", app.files().mediaOnly());
        a.put("callback_url", app.callbackUrl());
        a.put("created", app.created());
        a.put("modified", app.modified());
        return a;
    }

    private static ObjectNode withSecret(RestExchange ex, AppCredentials credentials) {
        ObjectNode entity = appEntity(ex, credentials.app()).put("client_secret", credentials.clientSecret());
        if (credentials.callbackSecret() != null) {
            entity.put("callback_secret", credentials.callbackSecret());
        }
        return entity;
    }

    private static void replyData(RestExchange ex, String action, ObjectNode data) throws IOException {
        ObjectNode envelope = ex.envelope(action);
        envelope.set("data", data);
        ex.reply(envelope);
    }

    private static ApiException notFound(AppKey key) {
        return ApiException.appNotFound(key.org() + "/" + key.app());
    }
}
