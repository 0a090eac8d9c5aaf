package io.imcloud.tenancy;

/**
 * An app with its client secret in clear: returned once, by creation or rotation, and never
 * stored or retrievable again.
 */
public record AppCredentials(App app, String clientSecret) {

    @Override
    public String toString() {
        return "AppCredentials[" + app.key() + ", secret hidden]";
    }
}
