package io.imcloud.users;

import io.imcloud.tenancy.AppUser;

/**
 * An app user's row in {@code ofImUser} (the password lives in the {@link UserDirectory}).
 *
 * @param uuid      the user's id, Easemob's {@code uuid}
 * @param user      app and username
 * @param nickname  display name, may be null
 * @param created   epoch milliseconds
 * @param modified  epoch milliseconds
 * @param activated whether the user may log in
 * @param tokensRevokedUpTo epoch milliseconds of the last password change or reset: the user's tokens issued up to and
 *                        including that millisecond are revoked; 0 when the password never changed
 */
public record UserAccount(String uuid, AppUser user, String nickname, long created, long modified, boolean activated,
                          long tokensRevokedUpTo) {

    /**
     * True when a token of this user issued at {@code issuedAt} (epoch milliseconds) is not revoked. A token of
     * the very millisecond of the change is refused: it may have been issued just before it (the client logs in again).
     */
    public boolean acceptsTokenIssuedAt(long issuedAt) {
        return tokensRevokedUpTo == 0 || issuedAt > tokensRevokedUpTo;
    }
}
