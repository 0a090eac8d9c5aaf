package io.imcloud.tenancy;

import java.util.Optional;


/**
 * An app key {@code org#app}: the tenant. Both parts are 1-32 characters of {@code [a-z0-9-]}
 * starting with a letter or digit.
 */
public final class AppKey {


    private final String org;
    private final String app;
    /**
     * {@code org#app}, made on first use: asked several times for some keys (archive columns), never for most of those
     * that tenant checks parse from addresses.
     */
    private String text;

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
     * The app key that an XMPP node {@code {org}#{app}_{rest}} starts with (an app user's node, or an app's room),
     * or empty for a node without that prefix or without anything after it. The app ends at the first {@code _}
     * after the {@code #}: app names cannot contain {@code _}.
     */
    public static Optional<AppKey> ofNodePrefix(String node) {
        int hash = node == null ? -1 : node.indexOf('#');
        int underscore = hash < 0 ? -1 : node.indexOf('_', hash);
        if (underscore < 0 || underscore == node.length() - 1 || !isValidPart(node, 0, hash)
                || !isValidPart(node, hash + 1, underscore)) {
            return Optional.empty();
        }
        return Optional.of(new AppKey(node.substring(0, hash), node.substring(hash + 1, underscore)));
    }

    /**
     * True when {@code part} is a valid org or app name: {@code [a-z0-9][a-z0-9-]{0,31}}. Checked by hand,
     * not by a regular expression: every stanza's addresses pass here, and a matcher costs ten times more.
     */
    public static boolean isValidPart(String part) {
        return part != null && isValidPart(part, 0, part.length());
    }

    /** {@link #isValidPart(String)} of {@code text}'s characters from {@code start} up to {@code end}, without copying them. */
    private static boolean isValidPart(String text, int start, int end) {
        int length = end - start;
        if (length < 1 || length > 32 || text.charAt(start) == '-') {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
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
        String made = text;
        if (made == null) {
            made = org + '#' + app;
            text = made; // a race makes it twice, equal
        }
        return made;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppKey other && org.equals(other.org) && app.equals(other.app);
    }

    @Override
    public int hashCode() {
        return 31 * org.hashCode() + app.hashCode();
    }
}
