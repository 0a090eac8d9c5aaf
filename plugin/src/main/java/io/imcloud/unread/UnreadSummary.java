package io.imcloud.unread;

import java.util.List;

/**
 * A user's unread messages: the total and the conversations that have any (1:1 and groups), most recent first.
 *
 * @param total         unread messages over all conversations
 * @param conversations per peer or group, at most {@link UnreadCounters#MAX_CONVERSATIONS}
 */
public record UnreadSummary(long total, List<PeerUnread> conversations) {

    /** One conversation's unread count; for a group, the peer is the group id. */
    public record PeerUnread(String peer, ChatType chatType, int unreadNum) {
    }
}
