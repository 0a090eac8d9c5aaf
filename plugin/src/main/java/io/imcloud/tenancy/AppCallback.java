package io.imcloud.tenancy;

/**
 * Where and how an app's offline-message callbacks go: the URL and the secret they are signed with
 * (HMAC-SHA256). The secret is kept in clear in {@code ofImApp}, since the server signs with it; it is
 * shown to the operator once, when it is made or rotated, and never logged: {@link #toString()} hides it.
 */
public record AppCallback(AppKey appKey, String url, String secret) {

    @Override
    public String toString() {
        return "AppCallback[" + appKey + ", " + url + ", secret hidden]";
    }
}
