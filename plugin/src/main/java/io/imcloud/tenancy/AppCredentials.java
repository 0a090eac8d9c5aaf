package io.imcloud.tenancy;

/**
 * An app with its client secret in clear: returned once, by creation or rotation, and never
 * stored or retrievable again. When the creation also set a callback URL, the new callback secret
 * comes with it, likewise once.
 *
 * @param callbackSecret the callback secret made by this creation, or null
 */
public record AppCredentials(App app, String clientSecret, String callbackSecret) {

    /** Credentials without a new callback secret. */
    public AppCredentials(App app, String clientSecret) {
        this(app, clientSecret, null);
    }

    @Override
    public String toString() {
        return "AppCredentials[" + app.key() + ", secrets hidden]";
    }
}
