package io.imcloud.unread;

import java.util.List;

/**
 * A user's unread messages: the total and the conversations that have any, most recent first.
 *
 * @param total         unread messages over all conversations
 * @param conversations per peer, at most {@link UnreadCounters#MAX_CONVERSATIONS}
 */
public record UnreadSummary(long total, List<PeerUnread> conversations) {

    /** One conversation's unread count. */
    public record PeerUnread(String peer, int unreadNum) {
    }
}
