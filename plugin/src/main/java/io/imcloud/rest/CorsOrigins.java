package io.imcloud.rest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The web origins whose pages may call the API from a browser (CORS): a web SDK's REST calls, a web client's XEP-0363
 * PUT. None by default, so that a page elsewhere cannot use a token it got hold of through a visitor's browser; an
 * origin is {@code scheme://host[:port]} as browsers send it, {@code *} allows every origin. The API takes bearer
 * tokens, never cookies, so credentials are never allowed.
 *
 * @param any     whether every origin may call
 * @param origins the origins that may, normalised ({@link #normalise})
 */
public record CorsOrigins(boolean any, Set<String> origins) {

    /** No origin may call: browsers keep the API's answers from other sites' pages. */
    public static final CorsOrigins NONE = new CorsOrigins(false, Set.of());
    /** Most origins a list may name; a longer list is refused as a setting. */
    static final int MAX_ORIGINS = 100;

    public CorsOrigins {
        origins = Set.copyOf(origins);
    }

    /** The origins of a setting's value: blank for none, {@code *}, or origins separated by commas; empty when malformed. */
    public static Optional<CorsOrigins> parse(String list) {
        String trimmed = list == null ? "" : list.strip();
        if (trimmed.isEmpty()) {
            return Optional.of(NONE);
        }
        if (trimmed.equals("*")) {
            return Optional.of(new CorsOrigins(true, Set.of()));
        }
        Set<String> origins = new LinkedHashSet<>();
        for (String part : trimmed.split(",")) {
            Optional<String> origin = normalise(part.strip());
            if (origin.isEmpty() || origins.size() == MAX_ORIGINS) {
                return Optional.empty();
            }
            origins.add(origin.get());
        }
        return Optional.of(new CorsOrigins(false, origins));
    }

    /** Whether {@code list} is a valid setting value ({@link #parse}). */
    public static boolean isOriginList(String list) {
        return parse(list).isPresent();
    }

    /** Whether a page of {@code origin} (a request's {@code Origin} header) may read the API's answers. */
    boolean allows(String origin) {
        if (origin == null) {
            return false;
        }
        return any || normalise(origin).map(origins::contains).orElse(false);
    }

    /** Whether the answers depend on the caller's origin, which caches must then tell apart. */
    boolean variesByOrigin() {
        return !any && !origins.isEmpty();
    }

    /** {@code origin} as browsers write it ({@link WebOrigin}); empty for anything else, a path, query or fragment too. */
    static Optional<String> normalise(String origin) {
        try {
            URI uri = new URI(origin);
            if (!(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return Optional.empty();
            }
            return WebOrigin.of(uri);
        } catch (URISyntaxException malformed) {
            return Optional.empty();
        }
    }
}
