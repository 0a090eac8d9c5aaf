package io.imcloud.contacts;

import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppUser;
import io.imcloud.users.UserException;
import io.imcloud.users.UserException.Reason;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Contacts and block lists of app users, as Easemob has them: a friendship is mutual, a block list is the user's own,
 * and neither crosses apps. Both are kept where XMPP clients keep them ({@link Rosters}, {@link BlockLists}), so that
 * the REST API and unchanged clients share one list. Every request is checked whole before anything changes: legal
 * names, registered users of the owner's app, nobody twice, the owner never among them, and the limits.
 * <p>
 * The owner itself is taken as registered: the REST layer answers 404 before it gets here.
 */
public final class Contacts {

    /** Most users one request may add as contacts or block. */
    public static final int MAX_BATCH = 60;

    private final Rosters rosters;
    private final BlockLists blocks;
    private final AppMembership membership;
    private final Supplier<ContactLimits> limits;

    /**
     * @param membership tells who is a registered user of which app
     * @param limits     asked on every change, so a changed setting applies at once
     */
    public Contacts(Rosters rosters, BlockLists blocks, AppMembership membership, Supplier<ContactLimits> limits) {
        this.rosters = rosters;
        this.blocks = blocks;
        this.membership = membership;
        this.limits = limits;
    }

    /** The usernames of {@code owner}'s contacts in its own app, sorted. */
    public List<String> contacts(AppUser owner) {
        return usernames(owner, rosters.contactsOf(owner)).stream().sorted().toList();
    }

    /**
     * Makes each of {@code usernames} a contact of {@code owner} and {@code owner} a contact of each of them. Users
     * who are contacts already count as added. Nothing changes unless the whole request passes; adding is repeatable,
     * so a request that failed part way (a roster that could not be written) may simply be sent again.
     *
     * @return the added users, in request order
     * @throws UserException ILLEGAL_ARGUMENT (a bad name, the owner, a name twice, none or more than
     *                       {@value #MAX_BATCH}), NOT_FOUND (not a user of the owner's app), FORBIDDEN (the user blocks
     *                       the owner), QUOTA_EXCEEDED (the owner or a friend would have more contacts than allowed)
     */
    public List<AppUser> add(AppUser owner, List<String> usernames) {
        List<AppUser> friends = others(owner, usernames);
        Set<AppUser> current = new HashSet<>(rosters.contactsOf(owner));
        int max = limits.get().maxContacts();
        long added = friends.stream().filter(f -> !current.contains(f)).count();
        if (sameApp(owner, current).size() + added > max) {
            throw new UserException(Reason.QUOTA_EXCEEDED, ErrorText.CONTACTS_TOO_MANY, owner.username(), max);
        }
        for (AppUser friend : friends) {
            if (blocks.blockedBy(friend).contains(owner)) {
                throw new UserException(Reason.FORBIDDEN, ErrorText.CONTACT_BLOCKED, friend.username(), owner.username());
            }
            List<AppUser> theirs = rosters.contactsOf(friend);
            if (!theirs.contains(owner) && sameApp(friend, theirs).size() + 1 > max) {
                throw new UserException(Reason.QUOTA_EXCEEDED, ErrorText.CONTACTS_FULL, friend.username(), max);
            }
        }
        friends.forEach(friend -> rosters.befriend(owner, friend));
        return friends;
    }

    /**
     * Ends the friendship of {@code owner} and {@code username}, on both sides; nothing happens when there was none.
     *
     * @return the former contact
     * @throws UserException ILLEGAL_ARGUMENT or NOT_FOUND as for {@link #add}
     */
    public AppUser remove(AppUser owner, String username) {
        AppUser friend = others(owner, List.of(username)).get(0);
        rosters.unfriend(owner, friend);
        return friend;
    }

    /** The usernames {@code owner} blocks in its own app, newest first as the list keeps them. */
    public List<String> blocked(AppUser owner) {
        return usernames(owner, blocks.blockedBy(owner));
    }

    /**
     * Adds each of {@code usernames} to {@code owner}'s block list; users blocked already count as blocked. Contacts
     * stay contacts (as in Easemob), but nothing passes between them while the block lasts.
     *
     * @return the blocked users, in request order
     * @throws UserException ILLEGAL_ARGUMENT or NOT_FOUND as for {@link #add}; QUOTA_EXCEEDED when the list would
     *                       hold more than allowed
     */
    public List<AppUser> block(AppUser owner, List<String> usernames) {
        List<AppUser> users = others(owner, usernames);
        List<AppUser> current = blocks.blockedBy(owner);
        List<AppUser> fresh = users.stream().filter(u -> !current.contains(u)).toList();
        int max = limits.get().maxBlocks();
        if (current.size() + fresh.size() > max) {
            throw new UserException(Reason.QUOTA_EXCEEDED, ErrorText.BLOCKS_TOO_MANY, owner.username(), max);
        }
        if (!fresh.isEmpty()) {
            blocks.block(owner, fresh);
        }
        return users;
    }

    /**
     * Takes {@code username} off {@code owner}'s block list; nothing happens when it was not there.
     *
     * @return the unblocked user
     * @throws UserException ILLEGAL_ARGUMENT or NOT_FOUND as for {@link #add}
     */
    public AppUser unblock(AppUser owner, String username) {
        AppUser user = others(owner, List.of(username)).get(0);
        blocks.unblock(owner, user);
        return user;
    }

    /** {@code usernames} as registered users of {@code owner}'s app other than {@code owner}, checked as {@link #add} says. */
    private List<AppUser> others(AppUser owner, List<String> usernames) {
        if (usernames.isEmpty() || usernames.size() > MAX_BATCH) {
            throw new UserException(Reason.ILLEGAL_ARGUMENT, ErrorText.NAMES_COUNT, MAX_BATCH);
        }
        Set<AppUser> users = new LinkedHashSet<>();
        for (String raw : usernames) {
            String username = AppUser.normalize(raw);
            if (!AppUser.isValidUsername(username)) {
                throw new UserException(Reason.ILLEGAL_ARGUMENT, ErrorText.NOT_LEGAL, "username", raw);
            }
            AppUser user = new AppUser(owner.appKey(), username);
            if (user.equals(owner)) {
                throw new UserException(Reason.ILLEGAL_ARGUMENT, ErrorText.NAMES_ITSELF, username);
            }
            if (!users.add(user)) {
                throw new UserException(Reason.ILLEGAL_ARGUMENT, ErrorText.NAMED_TWICE, username);
            }
        }
        for (AppUser user : users) {
            if (!membership.isMember(user)) {
                throw new UserException(Reason.NOT_FOUND, ErrorText.USER_NOT_FOUND, user.username());
            }
        }
        return new ArrayList<>(users);
    }

    /** The members of {@code users} that belong to {@code owner}'s app. */
    private static List<AppUser> sameApp(AppUser owner, Iterable<AppUser> users) {
        List<AppUser> same = new ArrayList<>();
        users.forEach(u -> {
            if (u.appKey().equals(owner.appKey())) {
                same.add(u);
            }
        });
        return same;
    }

    private static List<String> usernames(AppUser owner, List<AppUser> users) {
        return sameApp(owner, users).stream().map(AppUser::username).toList();
    }
}
