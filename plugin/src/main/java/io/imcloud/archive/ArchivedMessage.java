package io.imcloud.archive;

import io.imcloud.tenancy.AppKey;

import java.util.Set;

/**
 * One archived 1:1 message between two users of one app.
 *
 * @param msgId       archive id from {@link MessageIds}: unique, time-ordered; the XEP-0359 stanza-id and REST {@code msg_id}
 * @param appKey      the app both users belong to
 * @param sender      sender's username (not the node)
 * @param receiver    receiver's username
 * @param sentAt      server time in epoch milliseconds
 * @param type        {@code chat} or {@code normal} for a text message; {@code audio}, {@code img} or {@code file} for a
 *                    message carrying a stored attachment (sent through REST)
 * @param body        the message body; for an attachment, Easemob's body object as JSON ({@code type, url, filename, ...})
 * @param extJson     Easemob {@code ext} as a JSON object text, or null
 * @param stanzaXml   the original stanza as XML (so its extensions survive), without what the other fields hold (its
 *                    body, ext and archive stanza-id, which XEP-0313 answers put back), or null
 * @param clientMsgId the {@code id} attribute the sender gave the stanza, or null
 * @param state       delivery state
 */
public record ArchivedMessage(long msgId, AppKey appKey, String sender, String receiver, long sentAt, String type,
                              String body, String extJson, String stanzaXml, String clientMsgId, DeliveryState state) {

    /** The types of messages whose body is an attachment's Easemob body object. */
    public static final Set<String> MEDIA_TYPES = Set.of("audio", "img", "file");

    /** True when the body is an attachment's Easemob body object (JSON), not text. */
    public boolean hasMediaBody() {
        return MEDIA_TYPES.contains(type);
    }

    /** True when {@code username} sent or received this message: it is in their own archive. */
    public boolean involves(String username) {
        return sender.equals(username) || receiver.equals(username);
    }

    /** True when this message belongs to the conversation of {@code user} and {@code peer} (either direction). */
    public boolean between(String user, String peer) {
        return sender.equals(user) ? receiver.equals(peer) : sender.equals(peer) && receiver.equals(user);
    }

    /** The same message with another delivery state. */
    public ArchivedMessage withState(DeliveryState newState) {
        return new ArchivedMessage(msgId, appKey, sender, receiver, sentAt, type, body, extJson, stanzaXml, clientMsgId, newState);
    }
}
