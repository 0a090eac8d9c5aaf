package io.imcloud.users;

import io.imcloud.i18n.ErrorText;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppData;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.UserData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * App users: registration, lookup, listing, deletion and passwords. The password and the XMPP
 * account live in the {@link UserDirectory} (node {@link AppUser#node()}); our {@code ofImUser}
 * row adds uuid, nickname and timestamps, and its primary key decides who gets a username.
 * Every row inserted or deleted is reported to {@link AppMembership#forget}, so that no cached
 * answer outlives the row it was read from.
 */
public final class UserService implements AppData {

    /** Most characters of a password. */
    public static final int MAX_PASSWORD_LENGTH = 128;
    /** Most characters of a nickname (the column's size). */
    public static final int MAX_NICKNAME_LENGTH = 100;

    private static final Logger Log = LoggerFactory.getLogger(UserService.class);

    private final UserStore store;
    private final UserDirectory directory;
    private final Clock clock;
    private final AppMembership membership;
    private final List<UserData> userData;
    /** Nodes whose accounts {@link #delete} is deleting now, on this cluster node. */
    private final Set<String> deleting = ConcurrentHashMap.newKeySet();

    /** Users in {@code db} and {@code directory}, with no other data kept per user. */
    public UserService(ConnectionProvider db, UserDirectory directory, Clock clock, AppMembership membership) {
        this(db, directory, clock, membership, List.of());
    }

    /**
     * Users in {@code db} and {@code directory}; deleting a user deletes what each of {@code userData} keeps for them.
     *
     * @param membership the membership decisions whose cached answers this service's registrations and
     *                   deletions invalidate (the one the XMPP and REST layers ask)
     */
    public UserService(ConnectionProvider db, UserDirectory directory, Clock clock, AppMembership membership,
                       List<UserData> userData) {
        this.store = new UserStore(db);
        this.directory = directory;
        this.clock = clock;
        this.membership = membership;
        this.userData = List.copyOf(userData);
    }

    /**
     * Registers a batch of users, all or nothing.
     * <p>
     * Every entry is validated first (username rules, password and nickname length, no username
     * twice); then, per user, the {@code ofImUser} row is inserted before the directory account, so
     * that of concurrent registrations of one username exactly one wins the primary key and the
     * others fail as duplicates without touching the directory. If any creation fails (duplicate,
     * app over its user limit, database or directory error), the accounts and rows this call
     * created are deleted again and the exception is rethrown: a failed batch leaves nothing.
     *
     * @param maxUsers the app's user limit, 0 for none; concurrent batches are re-checked after
     *                 insertion so the limit holds under races (the later batch is undone)
     * @return the new accounts, in request order
     * @throws UserException ILLEGAL_ARGUMENT, DUPLICATE or QUOTA_EXCEEDED
     */
    public List<UserAccount> register(AppKey appKey, List<NewUser> batch, int maxUsers) {
        List<Validated> valid = validate(appKey, batch);
        if (maxUsers > 0 && store.count(appKey) + valid.size() > maxUsers) {
            throw quotaExceeded(appKey, maxUsers);
        }
        long now = clock.millis();
        List<UserAccount> rows = new ArrayList<>();
        List<UserAccount> accounts = new ArrayList<>();
        try {
            for (Validated v : valid) {
                UserAccount account = new UserAccount(UUID.randomUUID().toString(), v.user(), v.nickname(), now, now, true, 0);
                if (!store.insert(account)) {
                    throw duplicate(v.user());
                }
                rows.add(account);
                membership.forget(v.user());
                if (!directory.create(v.user().node(), v.password(), v.nickname())) {
                    throw duplicate(v.user());
                }
                accounts.add(account);
            }
            if (maxUsers > 0 && store.count(appKey) > maxUsers) {
                throw quotaExceeded(appKey, maxUsers);
            }
            return accounts;
        } catch (RuntimeException e) {
            undo(rows, accounts, e);
            throw e;
        }
    }

    private void undo(List<UserAccount> rows, List<UserAccount> accounts, RuntimeException cause) {
        for (UserAccount a : accounts) {
            try {
                deleteAccount(a.user().node());
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
                Log.error("Could not undo the directory account of {} after a failed registration", a.user().node(), e);
            }
        }
        for (UserAccount a : rows) {
            try {
                store.delete(a.user(), a.uuid());
                membership.forget(a.user());
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
                Log.error("Could not undo the ofImUser row of {} after a failed registration", a.user().node(), e);
            }
        }
    }

    private static List<Validated> validate(AppKey appKey, List<NewUser> batch) {
        List<Validated> valid = new ArrayList<>(batch.size());
        Set<String> seen = new HashSet<>();
        for (NewUser u : batch) {
            String username = AppUser.normalize(u.username());
            if (!AppUser.isValidUsername(username)) {
                throw new UserException(UserException.Reason.ILLEGAL_ARGUMENT, ErrorText.USERNAME_RULES, u.username());
            }
            AppUser user = new AppUser(appKey, username);
            if (user.node().length() > AppUser.MAX_NODE_LENGTH) {
                throw new UserException(UserException.Reason.ILLEGAL_ARGUMENT, ErrorText.USERNAME_TOO_LONG, username, appKey,
                        AppUser.MAX_NODE_LENGTH);
            }
            checkPassword(u.password());
            if (u.nickname() != null && u.nickname().length() > MAX_NICKNAME_LENGTH) {
                throw new UserException(UserException.Reason.ILLEGAL_ARGUMENT, ErrorText.NICKNAME_OF_TOO_LONG, username,
                        MAX_NICKNAME_LENGTH);
            }
            if (!seen.add(username)) {
                throw duplicate(user);
            }
            valid.add(new Validated(user, u.password(), u.nickname()));
        }
        return valid;
    }

    private static void checkPassword(String password) {
        if (password == null || password.isEmpty() || password.length() > MAX_PASSWORD_LENGTH) {
            throw new UserException(UserException.Reason.ILLEGAL_ARGUMENT, ErrorText.PASSWORD_LENGTH, MAX_PASSWORD_LENGTH);
        }
    }

    private static UserException duplicate(AppUser user) {
        return new UserException(UserException.Reason.DUPLICATE, ErrorText.USERNAME_TAKEN, user.appKey(), user.username());
    }

    private static UserException quotaExceeded(AppKey appKey, int maxUsers) {
        return new UserException(UserException.Reason.QUOTA_EXCEEDED, ErrorText.APP_USERS_LIMIT, appKey, maxUsers);
    }

    /** The user's account, if registered. */
    public Optional<UserAccount> find(AppUser user) {
        return store.find(user);
    }

    /**
     * Up to {@code limit} users of the app whose username comes after {@code after} (null for the
     * first page), in username order.
     */
    public UserPage page(AppKey appKey, String after, int limit) {
        return search(appKey, "", after, limit);
    }

    /**
     * Like {@link #page}, only users whose username starts with {@code prefix} (compared in lower case, as
     * usernames are kept; empty for all).
     */
    public UserPage search(AppKey appKey, String prefix, String after, int limit) {
        List<UserAccount> users = store.after(appKey, AppUser.normalize(prefix), after, limit + 1);
        if (users.size() <= limit) {
            return new UserPage(users, null);
        }
        List<UserAccount> page = List.copyOf(users.subList(0, limit));
        return new UserPage(page, page.get(limit - 1).user().username());
    }

    /**
     * Deletes the user's directory account, then its row (which ends the user's tokens: they name the row's uuid),
     * then everything the {@link UserData} keep for the user (archive, conversations and unread counters, their
     * peers' conversations with them included), so that a later user of the same name starts empty. The data goes
     * last: once the account and row are gone, nothing new of the user's can arrive. It goes also when there is no
     * such user any more: a deletion whose data step failed (the database went away) is finished by repeating it.
     *
     * @return the deleted account, or empty when there was no such user
     */
    public Optional<UserAccount> delete(AppUser user) {
        Optional<UserAccount> account = store.find(user);
        account.ifPresent(a -> {
            deleteAccount(user.node());
            store.delete(user, a.uuid());
            membership.forget(user);
        });
        userData.forEach(d -> d.deleteUser(user));
        return account;
    }

    /** Deletes the directory account of {@code node}, as this service's own deletion ({@link #accountDeleted}). */
    private void deleteAccount(String node) {
        deleting.add(node);
        try {
            directory.delete(node);
        } finally {
            deleting.remove(node);
        }
    }

    /**
     * The directory is deleting the account of {@code user} by itself (Openfire's console, another plugin): its row and
     * everything the {@link UserData} keep for it go too, as {@link #delete} does, so that no row outlives the account
     * (its tokens would go on working, and the name could not be registered again). Nothing when {@link #delete} is what
     * deletes the account: it goes on with the rest itself.
     */
    public void accountDeleted(AppUser user) {
        if (deleting.contains(user.node())) {
            return;
        }
        store.find(user).ifPresent(a -> {
            store.delete(user, a.uuid());
            membership.forget(user);
            Log.info("imcloud: the account of {} was deleted outside the REST API; its registration and data go too", user);
        });
        userData.forEach(d -> d.deleteUser(user));
    }

    /** The number of users of the app. */
    public long count(AppKey appKey) {
        return store.count(appKey);
    }

    @Override
    public String kind() {
        return "users";
    }

    /** Deletes every user of the app (when the app itself is deleted); returns how many. */
    @Override
    public long deleteAll(AppKey appKey) {
        long deleted = 0;
        List<UserAccount> batch;
        while (!(batch = store.after(appKey, null, 100)).isEmpty()) {
            for (UserAccount a : batch) {
                deleteAccount(a.user().node());
                store.delete(a.user(), a.uuid());
                membership.forget(a.user());
                deleted++;
            }
        }
        return deleted;
    }

    /**
     * Replaces the user's password and revokes every token the user was issued so far (the change is recorded
     * in the database, so every cluster node refuses them at once).
     *
     * @throws UserException ILLEGAL_ARGUMENT for a bad password, NOT_FOUND for an unknown user
     */
    public void changePassword(AppUser user, String newPassword) {
        checkPassword(newPassword);
        store.find(user).orElseThrow(() -> notFound(user));
        if (!directory.setPassword(user.node(), newPassword)) {
            throw notFound(user);
        }
        long now = clock.millis();
        store.passwordChanged(user, now, now);
    }

    /**
     * {@link #changePassword} by the user themselves: {@code oldPassword} must be their current password.
     *
     * @throws UserException ILLEGAL_ARGUMENT for a missing or wrong old password or a bad new one, NOT_FOUND for an unknown user
     */
    public void changeOwnPassword(AppUser user, String oldPassword, String newPassword) {
        if (oldPassword == null || oldPassword.isEmpty()) {
            throw new UserException(UserException.Reason.ILLEGAL_ARGUMENT, ErrorText.OLD_PASSWORD_REQUIRED);
        }
        checkPassword(newPassword);
        if (authenticate(user, oldPassword).isEmpty()) {
            throw new UserException(UserException.Reason.ILLEGAL_ARGUMENT, ErrorText.OLD_PASSWORD_WRONG);
        }
        changePassword(user, newPassword);
    }

    /**
     * Deactivates the user (their row says so, which ends their tokens and password grants, and the directory refuses
     * their logins) or activates them again. Only {@link AccountControl} calls it: it closes the sessions and ends what
     * else a deactivated user keeps.
     *
     * @return the account as it is now; empty when there is no such user
     */
    Optional<UserAccount> setActivated(AppUser user, boolean activated) {
        if (!store.setActivated(user, activated, clock.millis())) {
            return Optional.empty();
        }
        directory.setLoginRefused(user.node(), !activated);
        return store.find(user);
    }

    /**
     * Replaces the user's nickname (null clears it).
     *
     * @return the account as it is now; empty when there is no such user
     * @throws UserException ILLEGAL_ARGUMENT for a nickname over {@value #MAX_NICKNAME_LENGTH} characters
     */
    public Optional<UserAccount> setNickname(AppUser user, String nickname) {
        if (nickname != null && nickname.length() > MAX_NICKNAME_LENGTH) {
            throw new UserException(UserException.Reason.ILLEGAL_ARGUMENT, ErrorText.NICKNAME_TOO_LONG, MAX_NICKNAME_LENGTH);
        }
        return store.setNickname(user, nickname, clock.millis()) ? store.find(user) : Optional.empty();
    }

    /** The account when {@code password} is the registered, activated user's password; else empty. */
    public Optional<UserAccount> authenticate(AppUser user, String password) {
        if (password == null || password.length() > MAX_PASSWORD_LENGTH) {
            return Optional.empty();
        }
        return store.find(user)
                .filter(UserAccount::activated)
                .filter(a -> directory.authenticate(user.node(), password));
    }

    private static UserException notFound(AppUser user) {
        return new UserException(UserException.Reason.NOT_FOUND, ErrorText.USER_OF_APP_NOT_FOUND, user.username(), user.appKey());
    }

    private record Validated(AppUser user, String password, String nickname) {
    }
}
