package io.imcloud.archive;

import io.imcloud.tenancy.AppKey;

/**
 * One archived message of a chat group: stored once for the group, not once per member.
 *
 * @param msgId       archive id from {@link MessageIds} (the same sequence as 1:1 messages): unique, time-ordered; the
 *                    XEP-0359 stanza-id {@code by} the group's room and REST {@code msg_id}
 * @param appKey      the app of the group
 * @param groupId     the group
 * @param sender      sender's username (not the node)
 * @param sentAt      server time in epoch milliseconds
 * @param type        {@code groupchat} for a text message; {@code audio}, {@code img} or {@code file} for a message
 *                    carrying a stored attachment (sent through REST)
 * @param body        the message body; for an attachment, Easemob's body object as JSON
 * @param extJson     Easemob {@code ext} as a JSON object text, or null
 * @param stanzaXml   the stanza as the members got it (from the room), without what the other fields hold (as in
 *                    {@link ArchivedMessage}), or null
 * @param clientMsgId the {@code id} attribute the sender gave the stanza, or null
 */
public record GroupMessage(long msgId, AppKey appKey, long groupId, String sender, long sentAt, String type, String body,
                           String extJson, String stanzaXml, String clientMsgId) {

    /** True when the body is an attachment's Easemob body object (JSON), not text. */
    public boolean hasMediaBody() {
        return ArchivedMessage.MEDIA_TYPES.contains(type);
    }
}
