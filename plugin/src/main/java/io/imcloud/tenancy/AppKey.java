package io.imcloud.tenancy;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An app key {@code org#app}: the tenant. Both parts are 1-32 characters of {@code [a-z0-9-]}
 * starting with a letter or digit.
 */
public final class AppKey {

    private static final Pattern PART = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private final String org;
    private final String app;

    private AppKey(String org, String app) {
        this.org = org;
        this.app = app;
    }

    /** The app key of {@code org} and {@code app}; both must already be lower case and valid. */
    public static AppKey of(String org, String app) {
        if (!isValidPart(org) || !isValidPart(app)) {
            throw new IllegalArgumentException("Illegal app key: org and app must be 1-32 chars of [a-z0-9-], starting with a letter or digit");
        }
        return new AppKey(org, app);
    }

    /** Parses {@code org#app}. */
    public static AppKey parse(String appKey) {
        int hash = appKey == null ? -1 : appKey.indexOf('#');
        if (hash < 0) {
            throw new IllegalArgumentException("Illegal app key: expected org#app");
        }
        return of(appKey.substring(0, hash), appKey.substring(hash + 1));
    }

    /** True when {@code part} is a valid org or app name. */
    public static boolean isValidPart(String part) {
        return part != null && PART.matcher(part).matches();
    }

    public String org() {
        return org;
    }

    public String app() {
        return app;
    }

    /** {@code org#app}, as stored in the {@code appKey} columns. */
    @Override
    public String toString() {
        return org + '#' + app;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppKey other && org.equals(other.org) && app.equals(other.app);
    }

    @Override
    public int hashCode() {
        return Objects.hash(org, app);
    }
}
