package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.Archive;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageDelivery;
import io.imcloud.archive.MessageIds;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Server-side send, Easemob's {@code POST /{org}/{app}/messages/users} with an app token:
 * {@code {from, to: [..], type: "txt", body: {msg}, ext: {..}}}, or a voice, image or file message
 * ({@code type} {@code audio}, {@code img}, {@code file}, {@code body: {url, filename, length, secret}}, see
 * {@link MediaBodies}). The whole request is checked first
 * (shape, sizes, usernames, every user registered); only then is each receiver's message archived
 * and routed, and the answer maps each receiver to its {@code msg_id}. A receiver who blocks the sender, or whom
 * the sender blocks (XEP-0191, the same lists clients use), gets nothing, has nothing archived or counted, and is
 * left out of the answer.
 */
final class SendRoutes implements RouteGroup {

    /** Most receivers of one request (Easemob's limit). */
    static final int MAX_RECEIVERS = 600;
    /** Largest {@code msg} plus {@code ext} JSON, in UTF-8 bytes (Easemob's 5 KB). */
    static final int MAX_MESSAGE_BYTES = 5 * 1024;
    /**
     * Messages (one per receiver) an app may send per second, sustained, and at once. Constants
     * rather than settings: they only bound a runaway back-end, and the archive's own queue limit
     * (503) protects the server in any case.
     */
    static final double MESSAGES_PER_SECOND = 200;
    static final int MESSAGES_BURST = 2 * MAX_RECEIVERS;
    /** Sender of a server-side message whose request names none, as in Easemob; needs no account. */
    static final String DEFAULT_SENDER = AppUser.APP_SENDER;
    /** Most unknown usernames named in a 404. */
    private static final int MAX_NAMED = 10;

    private final Archive archive;
    private final MessageDelivery delivery;
    private final MediaBodies media;

    SendRoutes(Archive archive, MessageDelivery delivery, MediaBodies media) {
        this.archive = archive;
        this.delivery = delivery;
        this.media = media;
    }

    @Override
    public void register(Router router) {
        router.post("/{org}/{app}/messages/users", this::send);
    }

    /**
     * Sends one text message to each receiver. When the archive queue is full part way (503), the
     * messages to the receivers before that one are already archived and routed: the error names them,
     * the rest got nothing.
     */
    private void send(RestExchange ex) throws IOException {
        ex.requireApp();
        AppKey appKey = ex.app().key();
        Request request = parse(ex.jsonBody(), ex, media);
        ex.rateLimit("send:" + appKey, request.receivers().size(), MESSAGES_PER_SECOND, MESSAGES_BURST);
        requireRegistered(ex, appKey, request);
        ObjectNode envelope = ex.envelope("post");
        ObjectNode data = envelope.putObject("data");
        List<String> sent = new ArrayList<>();
        for (String receiver : request.receivers()) {
            long id = archive.nextId();
            ArchivedMessage message = new ArchivedMessage(id, appKey, request.sender(), receiver,
                    MessageIds.timestampOf(id), request.type(), request.body(), request.extJson(), null, null, DeliveryState.PENDING);
            MessageDelivery.Prepared stanza = delivery.prepare(message);
            if (stanza.refused()) {
                continue; // blocked: like Openfire, neither stored nor delivered; the answer leaves the receiver out
            }
            if (!archive.append(withStanza(message, stanza.stanzaXml()))) {
                throw ApiException.unavailable(ErrorText.SEND_BUSY, sent.size(), request.receivers().size(), sent);
            }
            stanza.send();
            sent.add(receiver);
            data.put(receiver, Long.toString(id));
        }
        ex.reply(envelope);
    }

    private static ArchivedMessage withStanza(ArchivedMessage m, String stanzaXml) {
        return new ArchivedMessage(m.msgId(), m.appKey(), m.sender(), m.receiver(), m.sentAt(), m.type(), m.body(),
                m.extJson(), stanzaXml, m.clientMsgId(), m.state());
    }

    /**
     * A checked request: lower-case usernames, receivers without duplicates, the archive's type and body ({@code chat}
     * and the text, or the media type and its body object as JSON), ext as compact JSON or null.
     */
    private record Request(String sender, Set<String> receivers, String type, String body, String extJson) {
    }

    private static Request parse(JsonNode body, RestExchange ex, MediaBodies media) throws IOException {
        if (!body.isObject()) {
            throw ApiException.illegalArgument(ErrorText.BODY_MUST_BE, "{from, to: [...], type, body: {msg}, ext}");
        }
        String sender = sender(body);
        Set<String> receivers = receivers(body.get("to"));
        if (receivers.contains(sender)) {
            throw ApiException.illegalArgument(ErrorText.SEND_TO_ITSELF, sender);
        }
        Content content = content(body, ex, media, "chat");
        return new Request(sender, receivers, content.type(), content.body(), content.extJson());
    }

    /** The sender of a send request (an object): {@code from}, or {@value #DEFAULT_SENDER} when it names none. */
    static String sender(JsonNode body) {
        return RestExchange.username(Objects.requireNonNullElse(RestExchange.text(body, "from"), DEFAULT_SENDER), "from");
    }

    /**
     * What a send request (an object) sends, checked: the archive's type ({@code textType} for {@code txt}, else the
     * media type), the body (the text, or the media body object as JSON) and ext as compact JSON or null.
     */
    record Content(String type, String body, String extJson) {
    }

    /** The checked {@link Content} of a send request: 400 for a bad type, body or ext, 413 when body and ext are too large. */
    static Content content(JsonNode body, RestExchange ex, MediaBodies media, String textType) throws IOException {
        String type = RestExchange.text(body, "type");
        JsonNode content = body.get("body");
        String text;
        String archivedType;
        if ("txt".equals(type)) {
            text = content != null && content.isObject() ? RestExchange.text(content, "msg") : null;
            if (text == null || text.isEmpty()) {
                throw ApiException.illegalArgument(ErrorText.TEXT_BODY, "{\"msg\": \"...\"}");
            }
            archivedType = textType;
        } else if (type != null && ArchivedMessage.MEDIA_TYPES.contains(type)) {
            if (content == null || !content.isObject()) {
                throw ApiException.illegalArgument(ErrorText.MEDIA_BODY, "{\"url\": ..., \"filename\": ...}", type);
            }
            text = ex.context().json().writeValueAsString(media.body(ex, ex.app().key(), type, content));
            archivedType = type;
        } else {
            throw ApiException.illegalArgument(ErrorText.MESSAGE_TYPE);
        }
        JsonNode ext = body.get("ext");
        if (ext != null && !ext.isNull() && !ext.isObject()) {
            throw ApiException.illegalArgument(ErrorText.EXT_OBJECT);
        }
        String extJson = ext == null || ext.isNull() || ext.isEmpty() ? null : ex.context().json().writeValueAsString(ext);
        int size = text.getBytes(StandardCharsets.UTF_8).length
                + (extJson == null ? 0 : extJson.getBytes(StandardCharsets.UTF_8).length);
        if (size > MAX_MESSAGE_BYTES) {
            throw ApiException.tooLarge(ErrorText.MESSAGE_TOO_LARGE, size, MAX_MESSAGE_BYTES);
        }
        return new Content(archivedType, text, extJson);
    }

    private static Set<String> receivers(JsonNode to) {
        if (to == null || !to.isArray() || to.isEmpty() || to.size() > MAX_RECEIVERS) {
            throw ApiException.illegalArgument(ErrorText.ARRAY_OF_USERNAMES, "to", MAX_RECEIVERS);
        }
        Set<String> receivers = new LinkedHashSet<>();
        for (JsonNode item : to) {
            if (!item.isTextual()) {
                throw ApiException.illegalArgument(ErrorText.CONTAINS_USERNAMES, "to");
            }
            receivers.add(RestExchange.username(item.asText(), "to"));
        }
        return receivers;
    }

    /** True when {@code sender} may send on the app's behalf: {@value #DEFAULT_SENDER}, or a registered user. */
    static boolean isKnownSender(RestExchange ex, AppKey appKey, String sender) {
        return sender.equals(DEFAULT_SENDER) || ex.context().users().find(new AppUser(appKey, sender)).isPresent();
    }

    /** 404 naming (up to {@value #MAX_NAMED} of) the sender and receivers that are not users of the app. */
    private static void requireRegistered(RestExchange ex, AppKey appKey, Request request) {
        List<String> missing = new ArrayList<>();
        if (!isKnownSender(ex, appKey, request.sender())) {
            missing.add(request.sender());
        }
        for (String receiver : request.receivers()) {
            if (ex.context().users().find(new AppUser(appKey, receiver)).isEmpty()) {
                missing.add(receiver);
            }
        }
        if (!missing.isEmpty()) {
            String named = String.join(", ", missing.subList(0, Math.min(MAX_NAMED, missing.size())))
                    + (missing.size() > MAX_NAMED ? " and " + (missing.size() - MAX_NAMED) + " more" : "");
            throw ApiException.notFound(ErrorText.SEND_NO_USER, named, appKey);
        }
    }
}
