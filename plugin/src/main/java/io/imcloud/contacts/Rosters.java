package io.imcloud.contacts;

import io.imcloud.tenancy.AppUser;

import java.util.List;

/**
 * Where friendships live: the users' XMPP rosters (Openfire's {@code RosterManager} in production), so that XMPP
 * clients and the REST API see one list. Implementations change rosters the way Openfire does for a client, so the
 * owners' online clients get roster pushes.
 */
public interface Rosters {

    /**
     * The app users (of any app) on {@code owner}'s roster whose presence {@code owner} is subscribed to
     * (subscription {@code both} or {@code to}), in no particular order.
     */
    List<AppUser> contactsOf(AppUser owner);

    /**
     * Makes {@code owner} and {@code friend} contacts of each other: each roster holds the other with subscription
     * {@code both} (the item is created when missing, and no subscription request is left pending). Doing it again
     * changes nothing.
     */
    void befriend(AppUser owner, AppUser friend);

    /** Removes {@code friend} from {@code owner}'s roster and {@code owner} from {@code friend}'s, cancelling the subscriptions. */
    void unfriend(AppUser owner, AppUser friend);
}
