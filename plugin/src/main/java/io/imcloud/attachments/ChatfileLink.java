package io.imcloud.attachments;

import io.imcloud.tenancy.AppKey;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A URL that names a chat file: its path ends in {@code /{org}/{app}/chatfiles/{uuid}}, optionally followed by a file
 * name, as the URLs of REST uploads and XEP-0363 slots do (http, https, or a bare path). Only the path is read, so a link keeps naming its file
 * behind any public host, port or prefix. Whether the file exists is the store's question, not this one's.
 *
 * @param app  the app the path names
 * @param uuid the file id the path names
 */
public record ChatfileLink(AppKey app, String uuid) {

    private static final Pattern FILE_PATH =
            Pattern.compile(".*/([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*)/chatfiles/([0-9a-f-]{36})(/[^/]*)?");
    /** Longer text is no link of ours (a chat file URL is well under this), and is not parsed. */
    static final int MAX_URL_CHARS = 2048;

    /** The chat file {@code url} names; empty for text that is not such a URL (surrounding blanks are ignored). */
    public static Optional<ChatfileLink> parse(String url) {
        if (url == null || url.length() > MAX_URL_CHARS || !url.contains("/chatfiles/")) {
            return Optional.empty();
        }
        String path;
        try {
            URI uri = new URI(url.strip());
            String scheme = uri.getScheme();
            if (scheme != null && !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
                return Optional.empty();
            }
            path = uri.getPath();
        } catch (java.net.URISyntaxException notAUri) {
            return Optional.empty();
        }
        Matcher m = path == null ? null : FILE_PATH.matcher(path);
        if (m == null || !m.matches() || !AppKey.isValidPart(m.group(1)) || !AppKey.isValidPart(m.group(2))
                || !StoredFile.isUuid(m.group(3))) {
            return Optional.empty();
        }
        return Optional.of(new ChatfileLink(AppKey.of(m.group(1), m.group(2)), m.group(3)));
    }

    /** The path of chat file {@code uuid} of {@code app} below the REST API's base URL: {@code /{org}/{app}/chatfiles/{uuid}}. */
    public static String path(AppKey app, String uuid) {
        return "/" + app.org() + "/" + app.app() + "/chatfiles/" + uuid;
    }

    /** Whether this link names a file of {@code other}. */
    public boolean belongsTo(AppKey other) {
        return app.equals(other);
    }
}
