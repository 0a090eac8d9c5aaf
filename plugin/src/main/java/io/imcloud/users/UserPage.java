package io.imcloud.users;

import java.util.List;

/**
 * One page of an app's users in username order.
 *
 * @param users     the users on this page
 * @param nextAfter the username the next page starts after, or null when this is the last page
 */
public record UserPage(List<UserAccount> users, String nextAfter) {
}
