package io.imcloud.users;

import io.imcloud.tenancy.AppUser;

/** The XMPP sessions of app users on every cluster node: whether a user is connected, and closing their sessions. */
public interface Sessions {

    /** True when the user has at least one session. */
    boolean isOnline(AppUser user);

    /** Closes every session of the user; returns how many there were. */
    int closeAll(AppUser user);
}
