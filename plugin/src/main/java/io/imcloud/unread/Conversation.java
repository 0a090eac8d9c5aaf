package io.imcloud.unread;

import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.GroupMessage;

/**
 * One entry of a user's conversation list: a 1:1 conversation or a chat group.
 *
 * @param peer             the other user's username, or the group id
 * @param chatType         {@link ChatType#CHAT} or {@link ChatType#GROUPCHAT}
 * @param unreadNum        messages from others not yet read
 * @param timestamp        time of the last message (epoch milliseconds)
 * @param lastMessage      the last message either of them sent (a 1:1 conversation), else null
 * @param lastGroupMessage the last message of the group (a group), else null
 */
public record Conversation(String peer, ChatType chatType, int unreadNum, long timestamp, ArchivedMessage lastMessage,
                           GroupMessage lastGroupMessage) {
}
