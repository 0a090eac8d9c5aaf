package io.imcloud.rest;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/** The origin of a web URL ({@code scheme://host[:port]}) as browsers write it, for comparing the URLs of two writers. */
final class WebOrigin {

    private WebOrigin() {
    }

    /**
     * The origin of {@code uri}: http or https in lower case, its host in lower case, its port only when not the scheme's
     * default; empty for other schemes, a URI without host, and one with user information (which hides the real host
     * from a reader).
     */
    static Optional<String> of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return Optional.empty();
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
    }
}
