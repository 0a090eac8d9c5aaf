package io.imcloud.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.GroupMessage;
import io.imcloud.attachments.Attachments;
import io.imcloud.tenancy.AppKey;
import io.imcloud.unread.ChatType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Easemob's message object (its export record): {@code {msg_id, timestamp, from, to, chat_type: "chat",
 * payload: {bodies: [{type: "txt", msg}], ext: {...}}}}; for a group message {@code to} is the group id and
 * {@code chat_type} is {@code groupchat}. {@code msg_id} is a string, as Easemob's is,
 * so that JavaScript clients keep all 64 bits. A text message that is only the URL of an open chat file of its app (an
 * XMPP client's XEP-0363 upload, sent with XEP-0066) shows that file's body, as a REST-sent voice, image or file
 * message does.
 */
public final class MessageJson {

    private static final Logger Log = LoggerFactory.getLogger(MessageJson.class);

    private MessageJson() {
    }

    /**
     * The message objects of {@code messages}, in their order; {@code media} reads a text that links a chat file as that
     * file's body, with the files of all the texts read together.
     */
    static List<ObjectNode> of(RestExchange ex, List<Source> messages, MediaBodies media) {
        return of(ex.context().json(), messages, media);
    }

    /**
     * The exporter of messages for offline-message callbacks: {@link #of(RestExchange, List, MediaBodies)} made with
     * {@code json}, reading file links from {@code attachments} served under {@code urls}; the records come in the order of the messages.
     */
    public static Function<List<ArchivedMessage>, List<ObjectNode>> exporter(ObjectMapper json, Attachments attachments, FileUrls urls) {
        MediaBodies media = new MediaBodies(attachments, urls);
        return messages -> of(json, messages.stream().map(Source::chat).toList(), media);
    }

    private static List<ObjectNode> of(ObjectMapper json, List<Source> messages, MediaBodies media) {
        MediaBodies.Links links = media.links(messages.stream().filter(m -> !m.hasMediaBody())
                .map(m -> new MediaBodies.LinkedText(m.appKey(), m.body())).toList());
        List<ObjectNode> objects = new ArrayList<>(messages.size());
        for (Source m : messages) {
            objects.add(object(json, links, m));
        }
        return objects;
    }

    private static ObjectNode object(ObjectMapper json, MediaBodies.Links links, Source m) {
        ObjectNode o = json.createObjectNode();
        o.put("msg_id", Long.toString(m.msgId()));
        o.put("timestamp", m.sentAt());
        o.put("from", m.from());
        o.put("to", m.to());
        o.put("chat_type", m.chatType().label());
        ObjectNode payload = o.putObject("payload");
        ArrayNode bodies = payload.putArray("bodies");
        if (m.hasMediaBody()) {
            bodies.add(mediaBody(json, m.msgId(), m.appKey(), m.type(), m.body()));
        } else {
            bodies.add(links.body(json, m.appKey(), m.body())
                    .orElseGet(() -> json.createObjectNode().put("type", "txt").put("msg", m.body())));
        }
        payload.set("ext", ext(json, m.msgId(), m.appKey(), m.extJson()));
        return o;
    }

    /** The stored body object of a voice, image or file message; a damaged one is logged and shown as its type alone. */
    private static JsonNode mediaBody(ObjectMapper json, long msgId, AppKey appKey, String type, String body) {
        try {
            JsonNode object = json.readTree(body);
            if (object != null && object.isObject()) {
                return object;
            }
        } catch (JacksonException e) {
            Log.debug("body of message {} is no JSON: {}", msgId, e.getOriginalMessage());
        }
        Log.warn("Archived {} message {} of {} has a body that is no JSON object", type, msgId, appKey);
        return json.createObjectNode().put("type", type);
    }

    /**
     * The ext object; {@code {}} when there is none. Both writers check that ext is one JSON object, so
     * anything else means a damaged row: it is logged and shown as {@code {}} rather than failing the page.
     */
    private static JsonNode ext(ObjectMapper json, long msgId, AppKey appKey, String extJson) {
        if (extJson == null) {
            return json.createObjectNode();
        }
        try {
            JsonNode ext = json.readTree(extJson);
            if (ext != null && ext.isObject()) {
                return ext;
            }
        } catch (JacksonException e) {
            Log.debug("ext of message {} is no JSON: {}", msgId, e.getOriginalMessage());
        }
        Log.warn("Archived message {} of {} has an ext that is no JSON object; answering {{}}", msgId, appKey);
        return json.createObjectNode();
    }

    /**
     * A message as its record shows it: a one-to-one message ({@code to} the receiver, {@code chat_type} {@code chat})
     * or a group message ({@code to} the group id, {@code chat_type} {@code groupchat}).
     */
    record Source(long msgId, AppKey appKey, long sentAt, String from, String to, ChatType chatType, String type,
                  boolean hasMediaBody, String body, String extJson) {

        static Source chat(ArchivedMessage m) {
            return new Source(m.msgId(), m.appKey(), m.sentAt(), m.sender(), m.receiver(), ChatType.CHAT, m.type(),
                    m.hasMediaBody(), m.body(), m.extJson());
        }

        static Source group(GroupMessage m) {
            return new Source(m.msgId(), m.appKey(), m.sentAt(), m.sender(), Long.toString(m.groupId()), ChatType.GROUPCHAT,
                    m.type(), m.hasMediaBody(), m.body(), m.extJson());
        }
    }
}
