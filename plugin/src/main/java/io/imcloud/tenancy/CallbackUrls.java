package io.imcloud.tenancy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The rules of an app's callback URL. */
public final class CallbackUrls {

    /** Longest callback URL (the column's size). */
    public static final int MAX_LENGTH = 512;

    private CallbackUrls() {
    }

    /**
     * Checks {@code url}: an absolute {@code http} or {@code https} URL with a host, at most {@value #MAX_LENGTH}
     * characters, without user information (credentials in a URL end up in logs) and without a fragment.
     *
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static void check(String url) {
        String rule = "callback_url must be an http or https URL with a host, at most " + MAX_LENGTH
                + " characters, without user:password@ and without #fragment";
        if (url.length() > MAX_LENGTH || url.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException(rule);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(rule, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(rule);
        }
    }
}
