package io.imcloud.users;

import io.imcloud.tenancy.AppUser;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Account control of app users, the one path of every caller (the REST API and the admin console): whether a user is
 * online, closing their sessions, and deactivation and activation. A deactivation ends the user's tokens and logins
 * first ({@link UserService#setActivated}), then closes their open sessions, so nothing reconnects, then ends what
 * else they keep (their bound push devices, so that pushes stop).
 */
public final class AccountControl {

    private final UserService users;
    private final Sessions sessions;
    private final Consumer<AppUser> whenDeactivated;

    /**
     * @param users           the users whose accounts are switched
     * @param sessions        the users' XMPP sessions on every cluster node
     * @param whenDeactivated ends what a deactivated user keeps beyond tokens, logins and sessions
     */
    public AccountControl(UserService users, Sessions sessions, Consumer<AppUser> whenDeactivated) {
        this.users = Objects.requireNonNull(users);
        this.sessions = Objects.requireNonNull(sessions);
        this.whenDeactivated = Objects.requireNonNull(whenDeactivated);
    }

    /** True when the user has at least one session. */
    public boolean isOnline(AppUser user) {
        return sessions.isOnline(user);
    }

    /** Closes every session of the user (who may log in again); returns how many there were. */
    public int disconnect(AppUser user) {
        return sessions.closeAll(user);
    }

    /**
     * Deactivates the user (tokens, logins, sessions and bound devices end) or activates them again (they may log in
     * and bind devices anew).
     *
     * @return the account as it is now; empty when there is no such user (then nothing was done)
     */
    public Optional<UserAccount> setActivated(AppUser user, boolean activated) {
        Optional<UserAccount> account = users.setActivated(user, activated);
        if (account.isPresent() && !activated) {
            sessions.closeAll(user);
            whenDeactivated.accept(user);
        }
        return account;
    }
}
