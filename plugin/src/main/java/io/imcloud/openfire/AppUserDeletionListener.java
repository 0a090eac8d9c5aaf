package io.imcloud.openfire;

import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppUser;
import io.imcloud.users.Sessions;
import io.imcloud.users.UserService;
import org.jivesoftware.openfire.event.UserEventAdapter;
import org.jivesoftware.openfire.user.User;

import java.util.Map;

/**
 * Hears Openfire delete the account of an app user, whoever deletes it: the REST API, Openfire's console or another
 * plugin. The user's sessions close (Openfire's user deletion leaves them open: only its console closes them), and an
 * account deleted outside the REST API takes its registration row and data with it ({@link UserService#accountDeleted}).
 */
final class AppUserDeletionListener extends UserEventAdapter {

    private final AppMembership membership;
    private final UserService users;
    private final Sessions sessions;

    AppUserDeletionListener(AppMembership membership, UserService users, Sessions sessions) {
        this.membership = membership;
        this.users = users;
        this.sessions = sessions;
    }

    @Override
    public void userDeleting(User user, @SuppressWarnings("rawtypes") Map params) { // raw in Openfire 4.2's signature
        AppUser appUser = membership.userOf(user.getUsername());
        if (appUser == null) {
            return; // a plain Openfire user
        }
        users.accountDeleted(appUser);
        sessions.closeAll(appUser);
    }
}
