package io.imcloud.openfire;

import io.imcloud.users.UserDirectory;
import org.jivesoftware.openfire.auth.AuthFactory;
import org.jivesoftware.openfire.auth.ConnectionException;
import org.jivesoftware.openfire.auth.InternalUnauthenticatedException;
import org.jivesoftware.openfire.auth.UnauthorizedException;
import org.jivesoftware.openfire.event.UserEventDispatcher;
import org.jivesoftware.openfire.lockout.LockOutManager;
import org.jivesoftware.openfire.user.User;
import org.jivesoftware.openfire.user.UserAlreadyExistsException;
import org.jivesoftware.openfire.user.UserManager;
import org.jivesoftware.openfire.user.UserNotFoundException;

import java.util.Map;

/**
 * App users as ordinary Openfire accounts: Openfire stores the password its own way (SCRAM by
 * default), fires its user events, and XMPP login works without anything from imcloud.
 * Only calls that exist unchanged in Openfire 4.2.0 and 5.1.x are used
 * ({@code UserManager.isRegisteredUser(String)} is gone in 5.x, hence {@code getUser}).
 */
public final class OpenfireUserDirectory implements UserDirectory {

    @Override
    public boolean create(String node, String password, String displayName) {
        try {
            // No e-mail: app users are identified by their app, not by an address.
            UserManager.getInstance().createUser(node, password, displayName, null);
            return true;
        } catch (UserAlreadyExistsException e) {
            return false;
        }
    }

    @Override
    public boolean exists(String node) {
        return find(node) != null;
    }

    @Override
    public void delete(String node) {
        User user = find(node);
        if (user != null) {
            UserManager.getInstance().deleteUser(user);
        }
        // Openfire keeps a lockout apart from the account (ofUserFlag): it would refuse a later user of the name
        setLoginRefused(node, false);
    }

    /** {@inheritDoc} Through Openfire's lockout, which its SASL and non-SASL logins check on every node. */
    @Override
    public void setLoginRefused(String node, boolean refused) {
        if (refused) {
            LockOutManager.getInstance().disableAccount(node, null, null);
        } else if (LockOutManager.getInstance().isAccountDisabled(node)) {
            LockOutManager.getInstance().enableAccount(node);
        }
    }

    /**
     * {@inheritDoc} Through {@link AuthFactory}, not {@code User.setPassword}, which logs and swallows a failure.
     *
     * @throws IllegalStateException when Openfire cannot reach its user store (the password is unchanged)
     */
    @Override
    public boolean setPassword(String node, String password) {
        User user = find(node);
        if (user == null) {
            return false;
        }
        try {
            AuthFactory.setPassword(node, password);
        } catch (UserNotFoundException e) {
            return false;
        } catch (ConnectionException | InternalUnauthenticatedException e) {
            throw new IllegalStateException("Openfire cannot change passwords right now", e);
        }
        // what User.setPassword announces, for listeners such as the clustering cache
        UserEventDispatcher.dispatchEvent(user, UserEventDispatcher.EventType.user_modified, Map.of("type", "passwordModified"));
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when Openfire cannot reach its user store: that is an outage,
     *                               not a wrong password, and must not be answered as one
     */
    @Override
    public boolean authenticate(String node, String password) {
        return passwordMatches(node, password);
    }

    /** {@link #authenticate} for any Openfire account; also what admin credentials are checked with. */
    static boolean passwordMatches(String node, String password) {
        try {
            AuthFactory.authenticate(node, password);
            return true;
        } catch (UnauthorizedException e) {
            return false;
        } catch (ConnectionException | InternalUnauthenticatedException e) {
            throw new IllegalStateException("Openfire cannot check passwords right now", e);
        }
    }

    private static User find(String node) {
        try {
            return UserManager.getInstance().getUser(node);
        } catch (UserNotFoundException e) {
            return null;
        }
    }
}
