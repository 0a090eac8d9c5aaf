package io.imcloud.unread;

import io.imcloud.archive.ArchivedMessage;

/**
 * One entry of a user's conversation list.
 *
 * @param peer        the other user's username
 * @param unreadNum   messages from the peer not yet read
 * @param timestamp   time of the last message (epoch milliseconds)
 * @param lastMessage the last message either of them sent
 */
public record Conversation(String peer, int unreadNum, long timestamp, ArchivedMessage lastMessage) {
}
