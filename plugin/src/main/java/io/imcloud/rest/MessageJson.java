package io.imcloud.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.GroupMessage;
import io.imcloud.tenancy.AppKey;
import io.imcloud.unread.ChatType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Easemob's message object (its export record): {@code {msg_id, timestamp, from, to, chat_type: "chat",
 * payload: {bodies: [{type: "txt", msg}], ext: {...}}}}; for a group message {@code to} is the group id and
 * {@code chat_type} is {@code groupchat}. {@code msg_id} is a string, as Easemob's is,
 * so that JavaScript clients keep all 64 bits.
 */
public final class MessageJson {

    private static final Logger Log = LoggerFactory.getLogger(MessageJson.class);

    private MessageJson() {
    }

    /** The message object of {@code m}. */
    static ObjectNode of(RestExchange ex, ArchivedMessage m) {
        return export(ex.context().json(), m);
    }

    /** The message object of {@code m}, made with {@code json} (also the body of offline-message callbacks). */
    public static ObjectNode export(ObjectMapper json, ArchivedMessage m) {
        return object(json, m.msgId(), m.appKey(), m.sentAt(), m.sender(), m.receiver(), ChatType.CHAT, m.type(),
                m.hasMediaBody(), m.body(), m.extJson());
    }

    /** The message object of group message {@code m}: {@code to} is the group id, {@code chat_type} {@code groupchat}. */
    static ObjectNode of(RestExchange ex, GroupMessage m) {
        return object(ex.context().json(), m.msgId(), m.appKey(), m.sentAt(), m.sender(), Long.toString(m.groupId()), ChatType.GROUPCHAT,
                m.type(), m.hasMediaBody(), m.body(), m.extJson());
    }

    private static ObjectNode object(ObjectMapper json, long msgId, AppKey appKey, long sentAt, String from, String to,
                                     ChatType chatType, String type, boolean media, String body, String extJson) {
        ObjectNode o = json.createObjectNode();
        o.put("msg_id", Long.toString(msgId));
        o.put("timestamp", sentAt);
        o.put("from", from);
        o.put("to", to);
        o.put("chat_type", chatType.label());
        ObjectNode payload = o.putObject("payload");
        ArrayNode bodies = payload.putArray("bodies");
        if (media) {
            bodies.add(mediaBody(json, msgId, appKey, type, body));
        } else {
            bodies.addObject().put("type", "txt").put("msg", body);
        }
        payload.set("ext", ext(json, msgId, appKey, extJson));
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
}
