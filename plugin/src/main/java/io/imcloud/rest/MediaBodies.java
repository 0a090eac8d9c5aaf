package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.FileKind;
import io.imcloud.attachments.StoredFile;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppKey;

import java.net.URI;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bodies of Easemob's voice, image and file messages ({@code type} {@code audio}, {@code img}, {@code file}):
 * {@code {url, filename, length (audio, seconds), secret}}. The URL must name a stored chat file of the sending app,
 * of the kind the type says (audio for {@code audio}, an image for {@code img}); a restricted file needs its
 * share-secret. The body kept and sent is completed from what the store knows: size, duration, dimensions.
 */
final class MediaBodies {

    private static final Pattern FILE_PATH =
            Pattern.compile(".*/([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*)/chatfiles/([0-9a-f-]{36})(/[^/]*)?");
    private static final Map<String, FileKind> KIND_OF_TYPE = Map.of("audio", FileKind.AUDIO, "img", FileKind.IMAGE);

    private final Attachments attachments;

    MediaBodies(Attachments attachments) {
        this.attachments = attachments;
    }

    /**
     * The body to keep for a message of {@code type} with {@code content}; 400 illegal_argument when the URL names
     * no file of {@code app}, a file of another kind, or a restricted file without its secret.
     */
    ObjectNode body(RestExchange ex, AppKey app, String type, JsonNode content) {
        String url = RestExchange.text(content, "url");
        StoredFile file = url == null ? null : fileOf(app, url);
        if (file == null) {
            throw ApiException.illegalArgument(ErrorText.MEDIA_URL);
        }
        FileKind expected = KIND_OF_TYPE.get(type);
        if (expected != null && file.kind() != expected) {
            throw ApiException.illegalArgument(ErrorText.MEDIA_KIND, type, file.uuid(), file.contentType());
        }
        String secret = RestExchange.text(content, "secret");
        if (file.restricted() && !file.acceptsSecret(secret)) {
            throw ApiException.illegalArgument(ErrorText.MEDIA_SECRET);
        }
        String filename = RestExchange.text(content, "filename");
        ObjectNode body = ex.context().json().createObjectNode();
        body.put("type", type);
        body.put("url", url);
        body.put("filename", filename != null ? filename : file.displayName() != null ? file.displayName() : file.uuid());
        if (secret != null) {
            body.put("secret", secret);
        }
        body.put("file_length", file.size());
        if (file.kind() == FileKind.AUDIO) {
            JsonNode length = content.get("length");
            body.put("length", length != null && length.canConvertToInt() && length.intValue() > 0 ? length.intValue()
                    : file.lengthSeconds());
        }
        if (file.kind() == FileKind.IMAGE) {
            body.putObject("size").put("width", file.width()).put("height", file.height());
        }
        return body;
    }

    private StoredFile fileOf(AppKey app, String url) {
        Matcher m;
        try {
            String path = URI.create(url).getPath();
            m = path == null ? null : FILE_PATH.matcher(path);
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
        if (m == null || !m.matches() || !m.group(1).equals(app.org()) || !m.group(2).equals(app.app())) {
            return null;
        }
        return attachments.find(app, m.group(3)).orElse(null);
    }
}
