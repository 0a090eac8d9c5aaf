package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.Token;
import io.imcloud.users.UserAccount;

import java.io.IOException;

/**
 * {@code POST /{org}/{app}/token}: {@code client_credentials} gives the app's back-end an app
 * token, {@code password} gives a user a user token. Answers are Easemob's, without envelope:
 * {@code {access_token, expires_in, application}} (+ {@code user} for the password grant).
 */
final class TokenRoutes implements RouteGroup {

    /**
     * Password checks of one username from one client address at once, and per minute after that: enough for a user's
     * devices behind one address, far too few to guess a password. Shared by the cluster nodes ({@link SqlRateLimiter}).
     */
    static final int PASSWORD_ATTEMPTS_BURST = 10;
    static final int PASSWORD_ATTEMPTS_PER_MINUTE = 10;
    /**
     * Failed password checks of one username from all addresses together, at once and per minute: a guesser with many
     * addresses is slowed as well, while one address cannot lock the user out (it alone cannot fail that often), and
     * successful logins cost nothing here.
     */
    static final int PASSWORD_FAILURES_BURST = 100;
    static final int PASSWORD_FAILURES_PER_MINUTE = 60;

    @Override
    public void register(Router router) {
        router.post("/{org}/{app}/token", this::token);
    }

    private void token(RestExchange ex) throws IOException {
        App app = ex.app();
        JsonNode body = ex.jsonObjectBody();
        long ttl = ttl(ex, body.get("ttl"));
        long issuedAt = ex.context().clock().millis();
        long expiresAt = issuedAt / 1000 + ttl;
        String grant = RestExchange.text(body, "grant_type");
        ObjectNode answer = ex.context().json().createObjectNode();
        if ("client_credentials".equals(grant)) {
            App authenticated = ex.context().apps().authenticateClient(app.key(),
                            RestExchange.text(body, "client_id"), RestExchange.text(body, "client_secret"))
                    .orElseThrow(() -> invalidGrant(401, ErrorText.INVALID_CLIENT));
            answer.put("access_token", ex.context().tokens().issue(Token.forApp(authenticated, issuedAt, expiresAt)));
        } else if ("password".equals(grant)) {
            String username = AppUser.normalize(RestExchange.text(body, "username"));
            if (!AppUser.isValidUsername(username)) {
                throw invalidGrant(ErrorText.INVALID_PASSWORD);
            }
            AppUser user = new AppUser(app.key(), username);
            beforePasswordCheck(ex, user);
            UserAccount account = ex.context().users().authenticate(user, RestExchange.text(body, "password"))
                    .orElseThrow(() -> {
                        passwordFailed(ex, user);
                        return invalidGrant(ErrorText.INVALID_PASSWORD);
                    });
            answer.put("access_token", ex.context().tokens().issue(Token.forUser(app, user, account.uuid(), issuedAt, expiresAt)));
            answer.set("user", ex.userEntity(account));
        } else {
            throw new ApiException(400, "unsupported_grant_type", "java.lang.IllegalArgumentException", ErrorText.GRANT_TYPE);
        }
        answer.put("expires_in", ttl);
        answer.put("application", app.uuid());
        ex.send(200, answer);
    }

    /**
     * Before a check of {@code user}'s password (token grants and own password changes share the limits): takes one
     * attempt from the user's bucket for the client's address, and 429 when that is empty or the user's failures have
     * reached their limit.
     */
    static void beforePasswordCheck(RestExchange ex, AppUser user) {
        // by address as open registration counts it: an IPv6 client holds a whole /64
        ex.rateLimit("password:" + user.node() + "@" + UserRoutes.addressKey(ex.remoteAddress()), 1,
                PASSWORD_ATTEMPTS_PER_MINUTE / 60.0, PASSWORD_ATTEMPTS_BURST);
        long wait = ex.context().rateLimiter().waitMillis(failuresKey(user), 1, PASSWORD_FAILURES_PER_MINUTE / 60.0,
                PASSWORD_FAILURES_BURST);
        if (wait > 0) {
            throw ApiException.reachLimit((wait + 999) / 1000);
        }
    }

    /** Counts a wrong password of {@code user} against the limit of the user's failures. */
    static void passwordFailed(RestExchange ex, AppUser user) {
        ex.context().rateLimiter().tryAcquire(failuresKey(user), 1, PASSWORD_FAILURES_PER_MINUTE / 60.0, PASSWORD_FAILURES_BURST);
    }

    private static String failuresKey(AppUser user) {
        return "password-failures:" + user.node();
    }

    /**
     * The requested lifetime: the default when absent, cut to the maximum; 0, Easemob's "never expires", is the maximum.
     * A number or, as Easemob's own examples send it, a string of digits; 400 for anything else or a negative one.
     */
    private static long ttl(RestExchange ex, JsonNode ttl) {
        RestSettings s = ex.settings();
        if (ttl == null || ttl.isNull()) {
            return s.tokenDefaultTtlSeconds();
        }
        long seconds;
        if (ttl.isIntegralNumber() && ttl.canConvertToLong()) {
            seconds = ttl.asLong();
        } else if (ttl.isTextual()) {
            seconds = digits(ttl.asText());
        } else {
            seconds = -1;
        }
        if (seconds < 0) {
            throw ApiException.illegalArgument(ErrorText.TTL_POSITIVE);
        }
        return seconds == 0 ? s.tokenMaxTtlSeconds() : Math.min(seconds, s.tokenMaxTtlSeconds());
    }

    private static long digits(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Easemob's answer to a wrong password: 400 (OAuth 2.0's status for {@code invalid_grant}), not 401. */
    private static ApiException invalidGrant(ErrorText description) {
        return invalidGrant(400, description);
    }

    /** An {@code invalid_grant} answered with {@code status}: a wrong client secret keeps 401. */
    private static ApiException invalidGrant(int status, ErrorText description) {
        return new ApiException(status, "invalid_grant", "org.apache.usergrid.management.exceptions.InvalidGrantException",
                description);
    }
}
