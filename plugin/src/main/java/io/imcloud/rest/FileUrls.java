package io.imcloud.rest;

import io.imcloud.attachments.ChatfileLink;
import io.imcloud.attachments.StoredFile;

import javax.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The URLs chat files are served under: the download URL an upload answers with, and whether a URL that a message
 * names is one of this server's. A media body whose URL names a real file of the app under another host would have
 * receivers' clients fetch it from that host (a tracker, or another file than the one checked), so a message's URL
 * must start with a base this server hands out.
 */
public final class FileUrls {

    private final Supplier<String> configured;
    private final Supplier<String> server;

    /**
     * @param configured {@code plugin.imcloud.http.public_url}, empty when unset
     * @param server     the base XMPP clients' upload slots start with: the configured one when set, else this server's
     *                   host name on Openfire's HTTP port (what links in clients' text messages name)
     */
    public FileUrls(Supplier<String> configured, Supplier<String> server) {
        this.configured = configured;
        this.server = server;
    }

    /** The download URL of {@code file}: under the public URL when one is set, else on the host and port {@code request} came to. */
    String of(HttpServletRequest request, StoredFile file) {
        return base(request) + ChatfileLink.path(file.app(), file.uuid());
    }

    /** Which URLs are under the base that clients' text links name, that base read once (for a page of messages). */
    Predicate<String> clientLinks() {
        String base = server.get();
        return url -> isUnder(url, base);
    }

    /** Whether {@code url} is under the base {@link #of} answers {@code request} with, or the base of clients' links. */
    boolean isServed(String url, HttpServletRequest request) {
        return isUnder(url, base(request)) || clientLinks().test(url);
    }

    private String base(HttpServletRequest request) {
        String base = configured.get();
        if (!base.isEmpty()) {
            return base;
        }
        String url = request.getRequestURL().toString();
        return url.substring(0, url.length() - request.getRequestURI().length()) + request.getContextPath();
    }

    /** Whether {@code url} has the {@link WebOrigin} of {@code base} and a path below {@code base}'s path. */
    static boolean isUnder(String url, String base) {
        if (url == null || base == null || base.isEmpty()) {
            return false;
        }
        try {
            URI u = new URI(url.strip());
            URI b = new URI(base);
            Optional<String> origin = WebOrigin.of(u);
            if (origin.isEmpty() || !origin.equals(WebOrigin.of(b))) {
                return false;
            }
            String basePath = b.getRawPath() == null ? "" : b.getRawPath();
            String prefix = basePath.endsWith("/") ? basePath : basePath + "/";
            return u.getRawPath() != null && u.getRawPath().startsWith(prefix);
        } catch (URISyntaxException notAUrl) {
            return false;
        }
    }
}
