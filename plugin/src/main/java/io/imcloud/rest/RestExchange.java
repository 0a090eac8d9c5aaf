package io.imcloud.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.Token;
import io.imcloud.users.UserAccount;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request and its answer, with the helpers every route group uses: path and query parameters,
 * the size-limited JSON body, the app of {@code {org}/{app}}, the caller behind the bearer token,
 * and the Easemob envelope. Every helper throws {@link ApiException} for a bad request.
 */
public final class RestExchange {

    private final RestContext context;
    private final RestSettings settings;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Map<String, String> params;
    private final long startNanos;
    private App app;
    private Optional<Caller> caller;

    RestExchange(RestContext context, RestSettings settings, HttpServletRequest request, HttpServletResponse response,
                 Map<String, String> params, long startNanos) {
        this.context = context;
        this.settings = settings;
        this.request = request;
        this.response = response;
        this.params = params;
        this.startNanos = startNanos;
    }

    public RestContext context() {
        return context;
    }

    /** The settings snapshot of this request. */
    public RestSettings settings() {
        return settings;
    }

    public HttpServletRequest request() {
        return request;
    }

    /** The response, for routes that stream their own answer (file downloads). */
    public HttpServletResponse response() {
        return response;
    }

    /** The language of the caller's texts: {@link #language(String)} of its {@code Accept-Language}. */
    public Locale language() {
        return language(request.getHeader("Accept-Language"));
    }

    /**
     * The language of error descriptions for a request's {@code Accept-Language}: Simplified Chinese when the caller
     * prefers Chinese (any {@code zh} range) to English, English otherwise (no header, another language, or a header
     * that does not parse), so that existing clients keep their English texts.
     */
    public static Locale language(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return Locale.ENGLISH;
        }
        try {
            for (Locale.LanguageRange range : Locale.LanguageRange.parse(acceptLanguage)) {
                String tag = range.getRange();
                if (range.getWeight() > 0 && (tag.equals("zh") || tag.startsWith("zh-"))) {
                    return Locale.SIMPLIFIED_CHINESE;
                }
                if (range.getWeight() > 0 && (tag.equals("en") || tag.startsWith("en-") || tag.equals("*"))) {
                    return Locale.ENGLISH;
                }
            }
        } catch (IllegalArgumentException malformed) {
            // a header that does not parse asks for nothing
        }
        return Locale.ENGLISH;
    }

    /** The value of path parameter {@code name} of the route's pattern. */
    public String pathParam(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalStateException("Route has no parameter " + name);
        }
        return value;
    }

    /** A query parameter, or null. */
    public String query(String name) {
        return request.getParameter(name);
    }

    /** An integer query parameter in {@code [min, max]}, or {@code def} when absent. */
    public int intQuery(String name, int def, int min, int max) {
        String raw = query(name);
        if (raw == null || raw.isEmpty()) {
            return def;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below like an out-of-range value
        }
        throw ApiException.illegalArgument(ErrorText.INTEGER_RANGE, name, min, max);
    }

    /** The app key of the {@code {org}/{app}} path parameters; 404 when they cannot name an app. */
    public AppKey appKey() {
        String org = pathParam("org");
        String name = pathParam("app");
        if (!AppKey.isValidPart(org) || !AppKey.isValidPart(name)) {
            throw ApiException.appNotFound(org + "/" + name);
        }
        return AppKey.of(org, name);
    }

    /** The app of {@code {org}/{app}}, loaded once per request; 404 organization_application_not_found. */
    public App app() {
        if (app == null) {
            AppKey key = appKey();
            app = context.apps().find(key).orElseThrow(() -> ApiException.appNotFound(key.org() + "/" + key.app()));
        }
        return app;
    }

    /** The user named by path parameter {@code name} in this app; 400 illegal_argument when illegal. */
    public AppUser pathUser(String name) {
        return new AppUser(app().key(), username(pathParam(name), "username"));
    }

    /** {@code raw} as a username (normalized); 400 illegal_argument naming {@code what} when it is not a legal one. */
    static String username(String raw, String what) {
        String username = AppUser.normalize(raw);
        if (!AppUser.isValidUsername(username)) {
            throw ApiException.illegalArgument(ErrorText.NOT_LEGAL, what, raw);
        }
        return username;
    }

    /**
     * The caller of this tenant request, empty without {@code Authorization} header. A token is taken
     * only from {@code Authorization: Bearer}; a token in the query string is refused. 401 when the
     * token is malformed, expired, issued for another app, issued before a secret rotation, or names
     * a user who no longer exists (or was re-created), or was issued before the user's password changed.
     */
    public Optional<Caller> caller() {
        if (caller == null) {
            caller = Optional.ofNullable(authenticate());
        }
        return caller;
    }

    private Caller authenticate() {
        String query = request.getQueryString();
        if (query != null && (query.startsWith("access_token=") || query.contains("&access_token="))) {
            throw ApiException.unauthorized(ErrorText.TOKEN_IN_URL);
        }
        String header = request.getHeader("Authorization");
        if (header == null) {
            return null;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized(ErrorText.AUTHORIZATION_BEARER);
        }
        Token token = context.tokens().verify(header.substring(7).trim())
                .orElseThrow(() -> ApiException.unauthorized(ErrorText.TOKEN_INVALID));
        App current = app();
        if (!token.appKey().equals(current.key()) || !token.appUuid().equals(current.uuid())) {
            throw ApiException.unauthorized(ErrorText.TOKEN_OTHER_APP);
        }
        if (token.isAppToken()) {
            if (token.secretVersion() != current.secretVersion()) {
                throw ApiException.unauthorized(ErrorText.TOKEN_REVOKED_SECRET);
            }
            return new Caller(current.key(), null);
        }
        AppUser user = new AppUser(current.key(), token.username());
        UserAccount account = context.users().find(user)
                .filter(a -> a.uuid().equals(token.userUuid()) && a.activated())
                .orElseThrow(() -> ApiException.unauthorized(ErrorText.TOKEN_USER_GONE));
        if (!account.acceptsTokenIssuedAt(token.issuedAt())) {
            throw ApiException.unauthorized(ErrorText.TOKEN_REVOKED_PASSWORD);
        }
        return new Caller(current.key(), user);
    }

    /** The caller, who must hold an app token of this app: 401 without token, 403 for a user token. */
    public Caller requireApp() {
        Caller c = caller().orElseThrow(() -> ApiException.unauthorized(ErrorText.NO_TOKEN));
        if (!c.isApp()) {
            throw ApiException.forbidden(ErrorText.APP_TOKEN_NEEDED);
        }
        return c;
    }

    /** The caller, who must hold an app token of this app or the user token of {@code username}. */
    public Caller requireAppOrUser(String username) {
        Caller c = caller().orElseThrow(() -> ApiException.unauthorized(ErrorText.NO_TOKEN));
        if (!c.isApp() && !c.isUser(AppUser.normalize(username))) {
            throw ApiException.forbidden(ErrorText.OWN_RESOURCES_ONLY);
        }
        return c;
    }

    /**
     * The user of path parameter {@code username} whose own resources (archive, contacts, block list) the request
     * reads or changes: the caller must hold an app token or that user's own token; with an app token the user
     * must be registered (a user token already proves it), else 404.
     */
    public AppUser owner() {
        requireAppOrUser(pathParam("username"));
        AppUser owner = pathUser("username");
        if (caller().orElseThrow().isApp() && context.users().find(owner).isEmpty()) {
            throw ApiException.userNotFound(owner);
        }
        return owner;
    }

    /**
     * Takes {@code cost} from the rate-limit bucket {@code key}; 429 {@code reach_limit} with
     * {@code Retry-After} when the bucket does not hold that much (nothing is taken then).
     */
    public void rateLimit(String key, int cost, double perSecond, int burst) {
        long waitMillis = context.rateLimiter().tryAcquire(key, cost, perSecond, burst);
        if (waitMillis > 0) {
            throw ApiException.reachLimit((waitMillis + 999) / 1000);
        }
    }

    /** The client's address: the TCP peer of the connection, or what a trusted proxy forwarded (see {@link ClientAddresses}). */
    public String remoteAddress() {
        return context.clientAddresses().of(request, settings.trustedProxies());
    }

    /** The request body; a read that fails on the client's side throws {@link ClientBody.Unreadable}. */
    public InputStream body() throws IOException {
        return new ClientBody(request.getInputStream());
    }

    /** {@link #jsonBody()} when it is a JSON object; 400 illegal_argument for any other JSON value. */
    public JsonNode jsonObjectBody() throws IOException {
        JsonNode body = jsonBody();
        if (!body.isObject()) {
            throw ApiException.illegalArgument(ErrorText.BODY_NOT_OBJECT);
        }
        return body;
    }

    /**
     * The request body as JSON: 415 unless {@code Content-Type: application/json}, 413 beyond
     * {@link RestSettings#maxBodyBytes()}, 400 json_parse for anything but one JSON value.
     */
    public JsonNode jsonBody() throws IOException {
        String type = request.getContentType();
        String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw ApiException.unsupportedMediaType(ErrorText.JSON_CONTENT_TYPE);
        }
        int max = settings.maxBodyBytes();
        if (request.getContentLengthLong() > max) {
            throw ApiException.tooLarge(max);
        }
        byte[] body = body().readNBytes(max + 1);
        if (body.length > max) {
            throw ApiException.tooLarge(max);
        }
        try {
            JsonNode node = context.json().readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.jsonParse(ErrorText.BODY_EMPTY);
            }
            return node;
        } catch (JacksonException e) {
            throw ApiException.jsonParse(ErrorText.JSON_UNEXPECTED, e.getOriginalMessage());
        }
    }

    /** The text of field {@code name} of an object, or null when absent; 400 when not a string. */
    public static String text(JsonNode object, String name) {
        JsonNode v = object.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.illegalArgument(ErrorText.NOT_A_STRING, name);
        }
        return v.asText();
    }

    /**
     * A success envelope: {@code action, application, applicationName, organization} (when this
     * request resolved an app), {@code path, uri, timestamp}. Add {@code entities}/{@code data} and
     * pass it to {@link #reply(ObjectNode)}.
     */
    public ObjectNode envelope(String action) {
        ObjectNode e = context.json().createObjectNode();
        e.put("action", action);
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        if (app != null) {
            e.put("application", app.uuid());
            e.put("applicationName", app.key().app());
            e.put("organization", app.key().org());
            path = path.substring(("/" + app.key().org() + "/" + app.key().app()).length());
        }
        e.put("path", path);
        e.put("uri", request.getRequestURL().toString());
        e.put("timestamp", context.clock().millis());
        return e;
    }

    /** Easemob's user entity. */
    public ObjectNode userEntity(UserAccount a) {
        ObjectNode u = context.json().createObjectNode();
        u.put("uuid", a.uuid());
        u.put("type", "user");
        u.put("username", a.user().username());
        u.put("nickname", a.nickname());
        u.put("created", a.created());
        u.put("modified", a.modified());
        u.put("activated", a.activated());
        return u;
    }

    /** A new JSON array (for {@code entities}). */
    public ArrayNode array() {
        return context.json().createArrayNode();
    }

    /** Sends {@code envelope} with status 200, adding {@code duration}. */
    public void reply(ObjectNode envelope) throws IOException {
        envelope.put("duration", durationMillis());
        send(200, envelope);
    }

    /** Sends {@code body} as it is, as JSON with {@code status}. */
    public void send(int status, JsonNode body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        byte[] bytes = context.json().writeValueAsBytes(body);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Milliseconds since the request arrived. */
    private long durationMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
