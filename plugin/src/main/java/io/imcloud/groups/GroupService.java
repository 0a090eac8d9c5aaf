package io.imcloud.groups;

import io.imcloud.archive.MessageIds;
import io.imcloud.i18n.ErrorText;
import io.imcloud.i18n.Localized;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppData;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.UserData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An app's chat groups: creation, changes, members, admins and the owner, each kept in the database
 * ({@code ofImGroup}, {@code ofImGroupMember}) and in the group's room ({@link GroupRooms}). The database decides who
 * is a member; the room never holds more than it: a member is added to the database first and then to the room (the
 * row is taken back when the room refuses), and removed from the room first and then from the database. Every user
 * named must be registered with the app.
 *
 * <p>Deleting a user removes them from every group and deletes the groups they own; deleting an app deletes all of its
 * groups. A deleted group's room is destroyed and its archived messages purged.
 */
public final class GroupService implements GroupMembership, UserData, AppData {

    private static final Logger Log = LoggerFactory.getLogger(GroupService.class);

    /** Longest group name. */
    public static final int MAX_NAME_LENGTH = 128;
    /** Longest description. */
    public static final int MAX_DESCRIPTION_LENGTH = 512;
    /** Most users of one batch of members added or removed (Easemob's limit), and of the members named at creation. */
    public static final int MAX_BATCH = 60;
    /** Longest room node Openfire stores ({@code ofMucRoom.name} is VARCHAR(50)). */
    public static final int MAX_ROOM_NODE_LENGTH = 50;

    private final GroupStore store;
    private final GroupRooms rooms;
    private final GroupMessagePurge purge;
    private final Predicate<AppUser> registered;
    private final LongSupplier ids;
    private final Clock clock;
    private final Supplier<GroupLimits> limits;

    /**
     * @param db         the database of {@code ofImGroup} and {@code ofImGroupMember}
     * @param rooms      the groups' rooms
     * @param purge      deletes a deleted group's archived messages
     * @param registered whether a user is registered with their app
     * @param ids        unique, increasing numbers for new groups (the archive's id generator)
     * @param limits     the current limits, asked per operation
     */
    public GroupService(ConnectionProvider db, GroupRooms rooms, GroupMessagePurge purge, Predicate<AppUser> registered,
                        LongSupplier ids, Clock clock, Supplier<GroupLimits> limits) {
        this.store = new GroupStore(db);
        this.rooms = rooms;
        this.purge = purge;
        this.registered = registered;
        this.ids = ids;
        this.clock = clock;
        this.limits = limits;
    }

    /**
     * Creates a group with its owner and members, and its room; the members are invited to the room.
     *
     * @throws GroupException ILLEGAL_ARGUMENT for a bad name, description, size or username, or a user named twice;
     *                        NOT_FOUND for a user the app does not have; LIMIT when the members exceed the size or one of
     *                        them the groups-per-user limit
     */
    public Group create(AppKey appKey, NewGroup request) {
        GroupLimits limit = limits.get();
        String name = requireName(request.name());
        String description = requireDescription(request.description());
        int maxUsers = request.maxUsers() == null ? limit.maxMembers() : request.maxUsers();
        if (maxUsers < 1 || maxUsers > limit.maxMembers()) {
            throw illegal(ErrorText.GROUP_MAXUSERS, limit.maxMembers());
        }
        String owner = requireUser(appKey, request.owner(), "owner");
        if (request.members().size() > MAX_BATCH) {
            throw illegal(ErrorText.GROUP_CREATE_TOO_MANY, MAX_BATCH);
        }
        Set<String> others = new LinkedHashSet<>(users(appKey, request.members(), "members"));
        if (others.contains(owner)) {
            throw illegal(ErrorText.GROUP_OWNER_IN_MEMBERS, owner);
        }
        if (1 + others.size() > maxUsers) {
            throw new GroupException(GroupException.Reason.LIMIT, ErrorText.GROUP_CREATE_LIMIT, maxUsers, 1 + others.size());
        }
        long groupId = ids.getAsLong();
        if (Group.roomNode(appKey, groupId).length() > MAX_ROOM_NODE_LENGTH) {
            throw illegal(ErrorText.GROUP_APP_KEY_TOO_LONG, appKey, "{org}#{app}_{groupid}", MAX_ROOM_NODE_LENGTH);
        }
        long now = clock.millis();
        List<GroupMember> members = new ArrayList<>();
        members.add(new GroupMember(owner, GroupRole.OWNER, now));
        others.forEach(u -> members.add(new GroupMember(u, GroupRole.MEMBER, now)));
        Group group = new Group(appKey, groupId, name, description, request.isPublic(), maxUsers, owner, members.size(), now, now);
        store.insert(group, members, limit.maxGroupsPerUser());
        try {
            rooms.create(group, members);
        } catch (RuntimeException e) {
            store.delete(appKey, groupId);
            throw e;
        }
        others.forEach(u -> invite(group, u));
        Log.debug("Created group {} of {} with {} members", groupId, appKey, members.size());
        return group;
    }

    /** The group, if the app has it. */
    public Optional<Group> find(AppKey appKey, long groupId) {
        return store.find(appKey, groupId);
    }

    /** Up to {@code limit} groups of the app after {@code cursor} (null: the first page), in id order. */
    public GroupPage page(AppKey appKey, String cursor, int limit) {
        long after = 0;
        if (cursor != null && !cursor.isEmpty()) {
            after = MessageIds.parse(cursor);
            if (after < 0) {
                throw illegal(ErrorText.INVALID_CURSOR);
            }
        }
        List<Group> groups = store.after(appKey, after, limit + 1);
        if (groups.size() <= limit) {
            return new GroupPage(groups, null);
        }
        List<Group> page = List.copyOf(groups.subList(0, limit));
        return new GroupPage(page, Long.toString(page.get(limit - 1).groupId()));
    }

    /**
     * Changes the name, description and size (each null to keep it) of a group and its room.
     *
     * @throws GroupException NOT_FOUND, ILLEGAL_ARGUMENT for a bad value, LIMIT for a size below the member count
     */
    public Group update(AppKey appKey, long groupId, String name, String description, Integer maxUsers) {
        if (name != null) {
            requireName(name);
        }
        requireDescription(description);
        if (maxUsers != null && (maxUsers < 1 || maxUsers > limits.get().maxMembers())) {
            throw illegal(ErrorText.GROUP_MAXUSERS, limits.get().maxMembers());
        }
        Group before = require(appKey, groupId);
        Group group = store.update(appKey, groupId, name == null ? null : name.strip(), description, maxUsers, clock.millis())
                .orElseThrow(() -> notFound(groupId));
        try {
            rooms.update(group);
        } catch (RuntimeException e) {
            store.update(appKey, groupId, before.name(), before.description(), before.maxUsers(), clock.millis());
            throw e;
        }
        return group;
    }

    /** Deletes the group: its room, its rows and its archived messages; false when the app has no such group. */
    public boolean delete(AppKey appKey, long groupId) {
        Optional<Group> group = store.find(appKey, groupId);
        if (group.isEmpty()) {
            return false;
        }
        rooms.destroy(group.get());
        boolean deleted = store.delete(appKey, groupId);
        long messages = purge.deleteGroupMessages(appKey, groupId);
        Log.debug("Deleted group {} of {} and {} archived messages", groupId, appKey, messages);
        return deleted;
    }

    /** Up to {@code limit} members of the group after {@code cursor} (a username; null: the first page), by username. */
    public MemberPage members(AppKey appKey, long groupId, String cursor, int limit) {
        require(appKey, groupId);
        String after = cursor == null || cursor.isEmpty() ? null : requireUsername(cursor, "cursor");
        List<GroupMember> members = store.members(appKey, groupId, after, limit + 1);
        if (members.size() <= limit) {
            return new MemberPage(members, null);
        }
        List<GroupMember> page = List.copyOf(members.subList(0, limit));
        return new MemberPage(page, page.get(limit - 1).username());
    }

    /** The usernames of the group's admins. */
    public List<String> admins(AppKey appKey, long groupId) {
        require(appKey, groupId);
        return store.withRole(appKey, groupId, GroupRole.ADMIN);
    }

    /**
     * Adds users as members (those already in the group are left as they are) and invites them to the room; returns
     * the ones added.
     *
     * @throws GroupException NOT_FOUND (group or user), ILLEGAL_ARGUMENT (bad or too many usernames), LIMIT (group size,
     *                        groups per user)
     */
    public List<String> addMembers(AppKey appKey, long groupId, List<String> usernames) {
        if (usernames.isEmpty() || usernames.size() > MAX_BATCH) {
            throw illegal(ErrorText.GROUP_USERNAMES_COUNT, MAX_BATCH);
        }
        List<String> valid = users(appKey, usernames, "usernames");
        GroupStore.Added result = store.addMembers(appKey, groupId, valid, clock.millis(), limits.get().maxGroupsPerUser())
                .orElseThrow(() -> notFound(groupId));
        List<String> affiliated = new ArrayList<>();
        try {
            for (String username : result.added()) {
                rooms.affiliate(result.group(), username, GroupRole.MEMBER);
                affiliated.add(username);
            }
        } catch (RuntimeException e) {
            // the room never holds more members than the database: those it did take are taken out again
            affiliated.forEach(u -> rooms.remove(result.group(), u));
            store.removeMembers(appKey, groupId, result.added(), clock.millis());
            throw e;
        }
        result.added().forEach(u -> invite(result.group(), u));
        return result.added();
    }

    /** What {@link #removeMembers} did with one username. */
    public record Removal(String username, Outcome outcome) {

        /** Whether the user was removed, and why not. */
        public enum Outcome { REMOVED, NOT_A_MEMBER, OWNER }

        /** True when the user was a member and is no more. */
        public boolean removed() {
            return outcome == Outcome.REMOVED;
        }

        /** Why the user was not removed, or null. */
        public Localized reason() {
            return switch (outcome) {
                case REMOVED -> null;
                case NOT_A_MEMBER -> Localized.of(ErrorText.GROUP_REMOVE_NOT_MEMBER, username);
                case OWNER -> Localized.of(ErrorText.GROUP_REMOVE_OWNER);
            };
        }
    }

    /**
     * Removes members from the room, then from the group; the owner cannot be removed. Returns one result per
     * username, in request order.
     *
     * @throws GroupException NOT_FOUND (group), ILLEGAL_ARGUMENT (bad or too many usernames)
     */
    public List<Removal> removeMembers(AppKey appKey, long groupId, List<String> usernames) {
        if (usernames.isEmpty() || usernames.size() > MAX_BATCH) {
            throw illegal(ErrorText.GROUP_USERNAMES_COUNT, MAX_BATCH);
        }
        Group group = require(appKey, groupId);
        // every name checked before the first leaves the room: a bad name later in the list must change nothing
        Set<String> names = new LinkedHashSet<>();
        for (String raw : usernames) {
            names.add(requireUsername(raw, "usernames"));
        }
        List<Removal> results = new ArrayList<>();
        List<String> leaving = new ArrayList<>();
        try {
            for (String username : names) {
                Optional<GroupRole> role = store.role(appKey, groupId, username);
                if (role.isEmpty()) {
                    results.add(new Removal(username, Removal.Outcome.NOT_A_MEMBER));
                } else if (role.get() == GroupRole.OWNER) {
                    results.add(new Removal(username, Removal.Outcome.OWNER));
                } else {
                    rooms.remove(group, username);
                    leaving.add(username);
                    results.add(new Removal(username, Removal.Outcome.REMOVED));
                }
            }
        } finally {
            // those out of the room are out of the group too, even when the room refused a later one
            if (!leaving.isEmpty()) {
                store.removeMembers(appKey, groupId, leaving, clock.millis());
            }
        }
        return results;
    }

    /**
     * Makes member {@code username} an admin.
     *
     * @throws GroupException NOT_FOUND (group, or no such member), FORBIDDEN (already admin or the owner)
     */
    public void addAdmin(AppKey appKey, long groupId, String username) {
        Group group = require(appKey, groupId);
        String user = requireUsername(username, "newadmin");
        GroupRole role = store.role(appKey, groupId, user)
                .orElseThrow(() -> new GroupException(GroupException.Reason.NOT_FOUND, ErrorText.GROUP_NOT_MEMBER, user, groupId));
        if (role != GroupRole.MEMBER || !store.changeRole(appKey, groupId, user, GroupRole.MEMBER, GroupRole.ADMIN, clock.millis())) {
            throw new GroupException(GroupException.Reason.FORBIDDEN, ErrorText.GROUP_NOT_PLAIN_MEMBER, user, role.label(), groupId);
        }
        try {
            rooms.affiliate(group, user, GroupRole.ADMIN);
        } catch (RuntimeException e) {
            store.changeRole(appKey, groupId, user, GroupRole.ADMIN, GroupRole.MEMBER, clock.millis());
            throw e;
        }
    }

    /**
     * Makes admin {@code username} a plain member again.
     *
     * @throws GroupException NOT_FOUND (group, or no such admin)
     */
    public void removeAdmin(AppKey appKey, long groupId, String username) {
        Group group = require(appKey, groupId);
        String user = requireUsername(username, "oldadmin");
        if (!store.changeRole(appKey, groupId, user, GroupRole.ADMIN, GroupRole.MEMBER, clock.millis())) {
            throw new GroupException(GroupException.Reason.NOT_FOUND, ErrorText.GROUP_NOT_ADMIN, user, groupId);
        }
        try {
            rooms.affiliate(group, user, GroupRole.MEMBER);
        } catch (RuntimeException e) {
            store.changeRole(appKey, groupId, user, GroupRole.MEMBER, GroupRole.ADMIN, clock.millis());
            throw e;
        }
    }

    /**
     * Gives the group to member {@code newOwner}; the old owner stays as a plain member.
     *
     * @throws GroupException NOT_FOUND (group, or no such member), FORBIDDEN (already the owner)
     */
    public Group transferOwner(AppKey appKey, long groupId, String newOwner) {
        Group group = require(appKey, groupId);
        String user = requireUsername(newOwner, "newowner");
        if (user.equals(group.owner())) {
            throw new GroupException(GroupException.Reason.FORBIDDEN, ErrorText.GROUP_OWNER_ALREADY, user, groupId);
        }
        Optional<GroupRole> previous = store.role(appKey, groupId, user);
        if (previous.isEmpty() || !store.transferOwner(appKey, groupId, group.owner(), user, clock.millis())) {
            throw new GroupException(GroupException.Reason.NOT_FOUND, ErrorText.GROUP_NOT_MEMBER, user, groupId);
        }
        try {
            // a room always keeps an owner: the new one first
            rooms.affiliate(group, user, GroupRole.OWNER);
            try {
                rooms.affiliate(group, group.owner(), GroupRole.MEMBER);
            } catch (RuntimeException e) {
                rooms.affiliate(group, user, previous.get());
                throw e;
            }
        } catch (RuntimeException e) {
            // the database gives the group back as the room still has it
            store.transferOwner(appKey, groupId, user, group.owner(), clock.millis());
            if (previous.get() == GroupRole.ADMIN) {
                store.changeRole(appKey, groupId, user, GroupRole.MEMBER, GroupRole.ADMIN, clock.millis());
            }
            throw e;
        }
        return require(appKey, groupId);
    }

    /** The groups {@code user} is a member of (owner, admin or member), by group id. */
    public List<Group> joined(AppUser user) {
        return store.joined(user.appKey(), user.username());
    }

    /** The role of {@code username} in the group; empty when they are no member (or there is no such group). */
    public Optional<GroupRole> role(AppKey appKey, long groupId, String username) {
        return store.role(appKey, groupId, username);
    }

    @Override
    public boolean isMember(AppKey appKey, long groupId, String username) {
        return store.role(appKey, groupId, username).isPresent();
    }

    /**
     * Removes the deleted user from every group, deleting the groups they owned; returns how many groups changed. The
     * account is gone already: a room that refuses the change is logged and the group's rows change all the same.
     */
    @Override
    public long deleteUser(AppUser user) {
        long changed = 0;
        for (Group group : store.joined(user.appKey(), user.username())) {
            if (group.owner().equals(user.username())) {
                deleteRegardlessOfRoom(group, () -> rooms.destroy(group));
            } else {
                roomChange(group, () -> rooms.remove(group, user.username()));
                store.removeMembers(user.appKey(), group.groupId(), List.of(user.username()), clock.millis());
            }
            changed++;
        }
        return changed;
    }

    @Override
    public String kind() {
        return "groups";
    }

    /**
     * Deletes every group of the app with its room and messages; as the app is going, a room that refuses is logged and
     * its group's rows go all the same.
     */
    @Override
    public long deleteAll(AppKey appKey) {
        long deleted = 0;
        for (long groupId : store.ids(appKey)) {
            Optional<Group> group = store.find(appKey, groupId);
            if (group.isPresent() && deleteRegardlessOfRoom(group.get(), () -> rooms.destroy(group.get()))) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Runs {@code change} on the group's room, then deletes the group's rows and messages whether or not the room took it. */
    private boolean deleteRegardlessOfRoom(Group group, Runnable change) {
        roomChange(group, change);
        boolean deleted = store.delete(group.appKey(), group.groupId());
        purge.deleteGroupMessages(group.appKey(), group.groupId());
        return deleted;
    }

    /** Runs {@code change} on the group's room; a refusal is logged, for changes the database makes regardless. */
    private static void roomChange(Group group, Runnable change) {
        try {
            change.run();
        } catch (RuntimeException e) {
            Log.warn("The room of group {} of {} refused a change made for a deleted user or app: {}", group.groupId(),
                    group.appKey(), e.toString());
        }
    }

    private void invite(Group group, String username) {
        try {
            rooms.invite(group, username);
        } catch (RuntimeException e) {
            // the member is in the group and its room either way; the invitation only tells their client
            Log.warn("Could not invite {} to the room of group {} of {}: {}", username, group.groupId(), group.appKey(), e.toString());
        }
    }

    private Group require(AppKey appKey, long groupId) {
        return store.find(appKey, groupId).orElseThrow(() -> notFound(groupId));
    }

    private List<String> users(AppKey appKey, List<String> raw, String what) {
        Set<String> seen = new LinkedHashSet<>();
        for (String name : raw) {
            String username = requireUsername(name, what);
            if (!seen.add(username)) {
                throw illegal(ErrorText.GROUP_NAMED_TWICE, what, username);
            }
        }
        List<String> missing = seen.stream().filter(u -> !registered.test(new AppUser(appKey, u))).toList();
        if (!missing.isEmpty()) {
            throw new GroupException(GroupException.Reason.NOT_FOUND, ErrorText.GROUP_NO_USERS, String.join(", ", missing), appKey);
        }
        return List.copyOf(seen);
    }

    private String requireUser(AppKey appKey, String raw, String what) {
        return users(appKey, List.of(raw == null ? "" : raw), what).get(0);
    }

    private static String requireUsername(String raw, String what) {
        String username = AppUser.normalize(raw);
        if (!AppUser.isValidUsername(username)) {
            throw illegal(ErrorText.GROUP_NOT_A_USERNAME, what, raw);
        }
        return username;
    }

    private static String requireName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty() || stripped.length() > MAX_NAME_LENGTH) {
            throw illegal(ErrorText.GROUP_NAME_LENGTH, MAX_NAME_LENGTH);
        }
        return stripped;
    }

    private static String requireDescription(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
            throw illegal(ErrorText.GROUP_DESCRIPTION_LENGTH, MAX_DESCRIPTION_LENGTH);
        }
        return description;
    }

    private static GroupException illegal(ErrorText text, Object... arguments) {
        return new GroupException(GroupException.Reason.ILLEGAL_ARGUMENT, text, arguments);
    }

    private static GroupException notFound(long groupId) {
        return new GroupException(GroupException.Reason.NOT_FOUND, ErrorText.GROUP_NO_GROUP, groupId);
    }
}
