package io.imcloud.contacts;

import io.imcloud.tenancy.AppUser;

import java.util.List;

/**
 * Where block lists live: XEP-0191's list (Openfire keeps it as the user's default privacy list, XEP-0016), so that
 * a block made by an unchanged XMPP client and one made over REST are the same, and Openfire applies both.
 */
public interface BlockLists {

    /** The app users (of any app) that {@code owner} blocks by their bare JID, in the list's order. */
    List<AppUser> blockedBy(AppUser owner);

    /**
     * Adds {@code users} to {@code owner}'s block list, creating the list when there is none; users already on it are
     * left as they are. From then on nothing of theirs reaches {@code owner}, nor anything of {@code owner}'s them.
     */
    void block(AppUser owner, List<AppUser> users);

    /** Takes {@code user} off {@code owner}'s block list; false when {@code user} was not on it. */
    boolean unblock(AppUser owner, AppUser user);
}
