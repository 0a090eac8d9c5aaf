package io.imcloud.unread;

import java.util.List;

/**
 * One page of a conversation list, newest first.
 *
 * @param conversations the page
 * @param cursor        pass to the next call for the following page; null on the last page
 */
public record ConversationPage(List<Conversation> conversations, String cursor) {
}
