package io.imcloud.archive;

import java.util.List;

/**
 * One page of a group's archive for XEP-0313, oldest first.
 *
 * @param messages the page
 * @param complete true when the page reaches the end of the result set in the direction paged
 */
public record GroupHistoryPage(List<GroupMessage> messages, boolean complete) {
}
