package io.imcloud.tenancy;

import java.util.Objects;

/**
 * An app key {@code org#app}: the tenant. Both parts are 1-32 characters of {@code [a-z0-9-]}
 * starting with a letter or digit.
 */
public final class AppKey {


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

    /**
     * True when {@code part} is a valid org or app name: {@code [a-z0-9][a-z0-9-]{0,31}}. Checked by hand,
     * not by a regular expression: every stanza's addresses pass here, and a matcher costs ten times more.
     */
    public static boolean isValidPart(String part) {
        if (part == null || part.isEmpty() || part.length() > 32 || part.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
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
