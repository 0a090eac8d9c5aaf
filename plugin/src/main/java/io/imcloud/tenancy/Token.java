package io.imcloud.tenancy;

/**
 * What a verified access token says. Every token carries the app's uuid (an app deleted and
 * created again under the same key does not accept old tokens); app tokens carry the app's secret
 * version (a rotation invalidates them); user tokens carry the user's uuid (deleting the user
 * invalidates them, also when a new user later takes the same name) and their time of issue (a password
 * change or reset revokes the user's tokens issued before it).
 *
 * @param appKey        the app the token was issued for
 * @param appUuid       that app's uuid
 * @param username      the user, or null for an app token
 * @param userUuid      the user's uuid, or null for an app token
 * @param secretVersion the app's secret version at issue (app tokens), 0 for user tokens
 * @param issuedAt      time of issue, epoch milliseconds (0 for tokens of format 1, which did not carry it)
 * @param expiresAt     expiry, epoch seconds
 */
public record Token(AppKey appKey, String appUuid, String username, String userUuid, int secretVersion, long issuedAt,
                    long expiresAt) {

    /** An app token for {@code app} issued at {@code issuedAt} (epoch milliseconds), expiring at {@code expiresAt} (epoch seconds). */
    public static Token forApp(App app, long issuedAt, long expiresAt) {
        return new Token(app.key(), app.uuid(), null, null, app.secretVersion(), issuedAt, expiresAt);
    }

    /** A user token for {@code user} (with uuid {@code userUuid}) of {@code app}; times as for {@link #forApp}. */
    public static Token forUser(App app, AppUser user, String userUuid, long issuedAt, long expiresAt) {
        return new Token(app.key(), app.uuid(), user.username(), userUuid, 0, issuedAt, expiresAt);
    }

    /** True for an app (back-end) token, false for a user token. */
    public boolean isAppToken() {
        return username == null;
    }
}
