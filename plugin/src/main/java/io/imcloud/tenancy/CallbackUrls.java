package io.imcloud.tenancy;

import io.imcloud.i18n.ErrorText;

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
     * @throws AppException naming the rules
     */
    public static void check(String url) {
        if (url.length() > MAX_LENGTH || url.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw broken();
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException malformed) {
            throw broken();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            throw broken();
        }
    }

    private static AppException broken() {
        return new AppException(ErrorText.CALLBACK_URL_RULE, MAX_LENGTH);
    }
}
