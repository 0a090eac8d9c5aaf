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
 */
public record UserAccount(String uuid, AppUser user, String nickname, long created, long modified, boolean activated) {
}
