package io.imcloud.groups;

import java.util.List;

/**
 * One page of a group's members, in username order.
 *
 * @param members the page
 * @param cursor  pass to the next call for the following page; null on the last page
 */
public record MemberPage(List<GroupMember> members, String cursor) {
}
