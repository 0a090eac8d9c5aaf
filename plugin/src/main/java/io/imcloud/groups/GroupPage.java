package io.imcloud.groups;

import java.util.List;

/**
 * One page of an app's groups, in group id order.
 *
 * @param groups the page
 * @param cursor pass to the next call for the following page; null on the last page
 */
public record GroupPage(List<Group> groups, String cursor) {
}
