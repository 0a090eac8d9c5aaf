package io.imcloud.rest;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;

/**
 * Who made a tenant request, from a verified bearer token of that very app: the app's back-end
 * ({@code user} null) or one of its users.
 */
public record Caller(AppKey appKey, AppUser user) {

    /** True for an app token. */
    public boolean isApp() {
        return user == null;
    }

    /** True for a user token of {@code username} (already lower case). */
    public boolean isUser(String username) {
        return user != null && user.username().equals(username);
    }
}
