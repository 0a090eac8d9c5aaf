package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.ChatfileLink;
import io.imcloud.attachments.FileKind;
import io.imcloud.attachments.StoredFile;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppKey;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The bodies of Easemob's voice, image and file messages ({@code type} {@code audio}, {@code img}, {@code file}):
 * {@code {url, filename, length (audio, seconds), secret}}. The URL must name a stored chat file of the sending app
 * under a base this server hands out ({@link FileUrls}), of the kind the type says (audio for {@code audio}, an image for {@code img}); a restricted file needs its
 * share-secret. The body kept and sent is completed from what the store knows: size, duration, dimensions. Sending
 * one counts as a use of its file (retention counts from the last use). A text message that is nothing but the URL of
 * an open chat file of its app under the base of XEP-0363 slots (what XMPP clients send with XEP-0066 after an upload)
 * reads as such a body;
 * the files that the texts of a page of messages link are read together ({@link #links}).
 */
final class MediaBodies {

    private static final Map<String, FileKind> KIND_OF_TYPE = Map.of("audio", FileKind.AUDIO, "img", FileKind.IMAGE);

    private final Attachments attachments;
    private final FileUrls urls;

    MediaBodies(Attachments attachments, FileUrls urls) {
        this.attachments = attachments;
        this.urls = urls;
    }

    /**
     * The body to keep for a message of {@code type} with {@code content}; 400 illegal_argument when the URL names
     * no file of {@code app}, a file of another kind, or a restricted file without its secret.
     */
    ObjectNode body(RestExchange ex, AppKey app, String type, JsonNode content) {
        String url = RestExchange.text(content, "url");
        Optional<ChatfileLink> link = urls.isServed(url, ex.request()) ? link(app, url) : Optional.empty();
        StoredFile file = link.flatMap(l -> attachments.find(app, l.uuid())).orElse(null);
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
        JsonNode length = content.get("length");
        ObjectNode body = describe(ex.context().json(), type, url, RestExchange.text(content, "filename"), secret, file,
                length != null && length.canConvertToInt() && length.intValue() > 0 ? length.intValue() : 0);
        if (!attachments.markUsed(link.get(), ex.context().clock().millis())) {
            throw ApiException.illegalArgument(ErrorText.MEDIA_URL); // retention took it since it was found
        }
        return body;
    }

    /**
     * The chat files that {@code texts} link, read together (one catalog query per app, not one per text): what
     * {@link Links#body} answers from. Each text is a message's text with its app; a text that is no link of a file
     * of that app needs no file.
     */
    Links links(Collection<LinkedText> texts) {
        Predicate<String> served = urls.clientLinks();
        Set<ChatfileLink> wanted = new LinkedHashSet<>();
        for (LinkedText t : texts) {
            servedLink(t.app(), t.text(), served).ifPresent(wanted::add);
        }
        return new Links(wanted.isEmpty() ? Map.of() : attachments.findLinked(wanted), served);
    }

    /** The chat file of {@code app} that {@code text} is the URL of; empty for any other text, and for other apps' files. */
    private static Optional<ChatfileLink> link(AppKey app, String text) {
        return ChatfileLink.parse(text).filter(l -> l.belongsTo(app));
    }

    /** The chat file of {@code app} that {@code text} is a URL of under the base of clients' links; empty for any other text. */
    private static Optional<ChatfileLink> servedLink(AppKey app, String text, Predicate<String> served) {
        return link(app, text).filter(l -> served.test(text));
    }

    /** A message's text and the app of the message, whose chat file the text may link. */
    record LinkedText(AppKey app, String text) {
    }

    /** The files some texts link, as {@link #links} read them. */
    static final class Links {

        private final Map<ChatfileLink, StoredFile> files;
        private final Predicate<String> served;

        private Links(Map<ChatfileLink, StoredFile> files, Predicate<String> served) {
            this.files = files;
            this.served = served;
        }

        /**
         * The media body a text message of {@code app} stands for when its text is the URL of an open chat file of that
         * app (restricted files need a secret that such a message does not carry); empty for any other text. The text
         * must be one of those these links were read for.
         */
        Optional<ObjectNode> body(ObjectMapper json, AppKey app, String text) {
            return servedLink(app, text, served)
                    .map(files::get)
                    .filter(file -> !file.restricted())
                    .map(file -> describe(json, file.kind().bodyType(), text.strip(), null, null, file, 0));
        }
    }

    /** The body of a message of {@code type} carrying {@code file}; a positive {@code lengthSeconds} overrides the file's. */
    private static ObjectNode describe(ObjectMapper json, String type, String url, String filename, String secret,
                                       StoredFile file, int lengthSeconds) {
        ObjectNode body = json.createObjectNode();
        body.put("type", type);
        body.put("url", url);
        body.put("filename", filename != null ? filename : file.displayName() != null ? file.displayName() : file.uuid());
        if (secret != null) {
            body.put("secret", secret);
        }
        body.put("file_length", file.size());
        if (file.kind() == FileKind.AUDIO) {
            body.put("length", lengthSeconds > 0 ? lengthSeconds : file.lengthSeconds());
        }
        if (file.kind() == FileKind.IMAGE) {
            body.putObject("size").put("width", file.width()).put("height", file.height());
        }
        return body;
    }
}
