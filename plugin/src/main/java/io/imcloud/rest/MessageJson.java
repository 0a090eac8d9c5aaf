package io.imcloud.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.ArchivedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Easemob's message object (its export record): {@code {msg_id, timestamp, from, to, chat_type: "chat",
 * payload: {bodies: [{type: "txt", msg}], ext: {...}}}}. {@code msg_id} is a string, as Easemob's is,
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
        ObjectNode o = json.createObjectNode();
        o.put("msg_id", Long.toString(m.msgId()));
        o.put("timestamp", m.sentAt());
        o.put("from", m.sender());
        o.put("to", m.receiver());
        o.put("chat_type", "chat");
        ObjectNode payload = o.putObject("payload");
        ArrayNode bodies = payload.putArray("bodies");
        if (m.hasMediaBody()) {
            bodies.add(mediaBody(json, m));
        } else {
            bodies.addObject().put("type", "txt").put("msg", m.body());
        }
        payload.set("ext", ext(json, m));
        return o;
    }

    /** The stored body object of a voice, image or file message; a damaged one is logged and shown as its type alone. */
    private static JsonNode mediaBody(ObjectMapper json, ArchivedMessage m) {
        try {
            JsonNode body = json.readTree(m.body());
            if (body != null && body.isObject()) {
                return body;
            }
        } catch (JacksonException e) {
            Log.debug("body of message {} is no JSON: {}", m.msgId(), e.getOriginalMessage());
        }
        Log.warn("Archived {} message {} of {} has a body that is no JSON object", m.type(), m.msgId(), m.appKey());
        return json.createObjectNode().put("type", m.type());
    }

    /**
     * The ext object; {@code {}} when there is none. Both writers check that ext is one JSON object, so
     * anything else means a damaged row: it is logged and shown as {@code {}} rather than failing the page.
     */
    private static JsonNode ext(ObjectMapper json, ArchivedMessage m) {
        if (m.extJson() == null) {
            return json.createObjectNode();
        }
        try {
            JsonNode ext = json.readTree(m.extJson());
            if (ext != null && ext.isObject()) {
                return ext;
            }
        } catch (JacksonException e) {
            Log.debug("ext of message {} is no JSON: {}", m.msgId(), e.getOriginalMessage());
        }
        Log.warn("Archived message {} of {} has an ext that is no JSON object; answering {{}}", m.msgId(), m.appKey());
        return json.createObjectNode();
    }
}
