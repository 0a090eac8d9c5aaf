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
     * Password grants one username may attempt at once, and per minute after that: enough for a
     * user's devices, far too few to guess a password. Shared by the cluster nodes ({@link SqlRateLimiter}).
     */
    static final int PASSWORD_ATTEMPTS_BURST = 10;
    static final int PASSWORD_ATTEMPTS_PER_MINUTE = 10;

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
                    .orElseThrow(() -> invalidGrant(ErrorText.INVALID_CLIENT));
            answer.put("access_token", ex.context().tokens().issue(Token.forApp(authenticated, issuedAt, expiresAt)));
        } else if ("password".equals(grant)) {
            String username = AppUser.normalize(RestExchange.text(body, "username"));
            if (!AppUser.isValidUsername(username)) {
                throw invalidGrant(ErrorText.INVALID_PASSWORD);
            }
            AppUser user = new AppUser(app.key(), username);
            limitPasswordAttempts(ex, user);
            UserAccount account = ex.context().users().authenticate(user, RestExchange.text(body, "password"))
                    .orElseThrow(() -> invalidGrant(ErrorText.INVALID_PASSWORD));
            answer.put("access_token", ex.context().tokens().issue(Token.forUser(app, user, account.uuid(), issuedAt, expiresAt)));
            answer.set("user", ex.userEntity(account));
        } else {
            throw new ApiException(400, "unsupported_grant_type", "java.lang.IllegalArgumentException", ErrorText.GRANT_TYPE);
        }
        answer.put("expires_in", ttl);
        answer.put("application", app.uuid());
        ex.send(200, answer);
    }

    /** Takes one password attempt of {@code user} (token grants and own password changes share the bucket); 429 beyond the limit. */
    static void limitPasswordAttempts(RestExchange ex, AppUser user) {
        ex.rateLimit("password:" + user.node(), 1, PASSWORD_ATTEMPTS_PER_MINUTE / 60.0, PASSWORD_ATTEMPTS_BURST);
    }

    /** The requested lifetime: the default when absent, cut to the maximum, 400 unless a positive integer. */
    private static long ttl(RestExchange ex, JsonNode ttl) {
        RestSettings s = ex.settings();
        if (ttl == null || ttl.isNull()) {
            return s.tokenDefaultTtlSeconds();
        }
        if (!ttl.canConvertToLong() || !ttl.isIntegralNumber() || ttl.asLong() < 1) {
            throw ApiException.illegalArgument(ErrorText.TTL_POSITIVE);
        }
        return Math.min(ttl.asLong(), s.tokenMaxTtlSeconds());
    }

    private static ApiException invalidGrant(ErrorText description) {
        return new ApiException(401, "invalid_grant", "org.apache.usergrid.management.exceptions.InvalidGrantException",
                description);
    }
}
