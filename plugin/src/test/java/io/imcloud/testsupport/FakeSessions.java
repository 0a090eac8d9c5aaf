package io.imcloud.testsupport;

import io.imcloud.tenancy.AppUser;
import io.imcloud.users.Sessions;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** XMPP sessions as a test sets them: who is online, and whose sessions were closed, in order. */
public final class FakeSessions implements Sessions {

    /** The users with a session. */
    public final Set<AppUser> online = ConcurrentHashMap.newKeySet();
    /** The users whose sessions were closed. */
    public final List<AppUser> closed = new CopyOnWriteArrayList<>();
    /** When set, closing sessions fails with it, as a cluster call that fails would. */
    public volatile RuntimeException closeFailure;

    @Override
    public boolean isOnline(AppUser user) {
        return online.contains(user);
    }

    @Override
    public int closeAll(AppUser user) {
        if (closeFailure != null) {
            throw closeFailure;
        }
        closed.add(user);
        return online.remove(user) ? 1 : 0;
    }
}
