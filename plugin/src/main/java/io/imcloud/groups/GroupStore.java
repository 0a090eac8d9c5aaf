package io.imcloud.groups;

import io.imcloud.i18n.ErrorText;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.Statements;
import io.imcloud.sql.Transactions;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rows of {@code ofImGroup} and {@code ofImGroupMember}; every statement is scoped by app key. A change of members
 * locks the group's row first, then member rows, as the archive writer does (it numbers a group's messages under the
 * same row lock), so that the two never wait for each other in a cycle. The member count on the group's row changes in
 * the transaction that inserts or deletes member rows, checked against the group's size there: nodes of a cluster
 * cannot overfill a group together.
 */
final class GroupStore {

    private static final String GROUP_COLUMNS = "groupId, groupName, description, publicGroup, maxUsers, owner, memberCount,"
            + " created, modified";
    private static final String WHERE_GROUP = " WHERE appKey = ? AND groupId = ?";
    private static final int NAMES_PER_STATEMENT = 100;

    /** What {@link #addMembers} did. */
    record Added(List<String> added, Group group) {
    }

    private final ConnectionProvider db;

    GroupStore(ConnectionProvider db) {
        this.db = db;
    }

    /**
     * Inserts the group and its members in one transaction; each member's read mark starts at 0 (the group has no
     * message yet).
     *
     * @throws GroupException LIMIT when a member already is in {@code maxGroupsPerUser} groups
     */
    void insert(Group g, List<GroupMember> members, int maxGroupsPerUser) {
        try (Connection con = db.getConnection()) {
            Transactions.readCommitted(con, db.databaseType(), c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ofImGroup (appKey, " + GROUP_COLUMNS
                        + ", lastSeq, lastMsgId, lastTs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)")) {
                    ps.setString(1, g.appKey().toString());
                    ps.setLong(2, g.groupId());
                    ps.setString(3, g.name());
                    Statements.setNullable(ps, 4, g.description());
                    ps.setInt(5, g.isPublic() ? 1 : 0);
                    ps.setInt(6, g.maxUsers());
                    ps.setString(7, g.owner());
                    ps.setInt(8, members.size());
                    ps.setLong(9, g.created());
                    ps.setLong(10, g.modified());
                    ps.executeUpdate();
                }
                requireRoomForGroups(c, g.appKey(), members.stream().map(GroupMember::username).toList(), maxGroupsPerUser);
                insertMembers(c, g.appKey(), g.groupId(), members, 0);
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("Creating group " + g.groupId() + " of " + g.appKey(), e);
        }
    }

    Optional<Group> find(AppKey appKey, long groupId) {
        try (Connection con = db.getConnection()) {
            return find(con, appKey, groupId);
        } catch (SQLException e) {
            throw new StoreException("Reading group " + groupId + " of " + appKey, e);
        }
    }

    private static Optional<Group> find(Connection con, AppKey appKey, long groupId) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT " + GROUP_COLUMNS + " FROM ofImGroup" + WHERE_GROUP)) {
            ps.setString(1, appKey.toString());
            ps.setLong(2, groupId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readGroup(appKey, rs)) : Optional.empty();
            }
        }
    }

    /** Up to {@code limit} groups of the app with an id above {@code afterId}, in id order. */
    List<Group> after(AppKey appKey, long afterId, int limit) {
        return groups(appKey, "SELECT " + GROUP_COLUMNS + " FROM ofImGroup WHERE appKey = ? AND groupId > ? ORDER BY appKey, groupId"
                + db.databaseType().limit(limit), "the groups of " + appKey, afterId);
    }

    /**
     * Sets the name, description and size of a group (a null keeps the old value); the size never below its member
     * count. Returns the changed group, empty when there is no such group.
     *
     * @throws GroupException LIMIT when {@code maxUsers} is below the group's member count
     */
    Optional<Group> update(AppKey appKey, long groupId, String name, String description, Integer maxUsers, long now) {
        try (Connection con = db.getConnection()) {
            return Transactions.readCommitted(con, db.databaseType(), c -> {
                if (!lock(c, appKey, groupId, now)) {
                    return Optional.empty();
                }
                Group g = find(c, appKey, groupId).orElseThrow();
                if (maxUsers != null && maxUsers < g.memberCount()) {
                    throw new GroupException(GroupException.Reason.LIMIT, ErrorText.GROUP_MAXUSERS_BELOW, maxUsers, g.memberCount(),
                            groupId);
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE ofImGroup SET groupName = ?, description = ?,"
                        + " maxUsers = ?" + WHERE_GROUP)) {
                    ps.setString(1, name != null ? name : g.name());
                    Statements.setNullable(ps, 2, description != null ? description : g.description());
                    ps.setInt(3, maxUsers != null ? maxUsers : g.maxUsers());
                    ps.setString(4, appKey.toString());
                    ps.setLong(5, groupId);
                    ps.executeUpdate();
                }
                return find(c, appKey, groupId);
            });
        } catch (SQLException e) {
            throw new StoreException("Changing group " + groupId + " of " + appKey, e);
        }
    }

    /** Deletes the group's members and its row in one transaction; false when there was no such group. */
    boolean delete(AppKey appKey, long groupId) {
        try (Connection con = db.getConnection()) {
            return Transactions.readCommitted(con, db.databaseType(), c -> {
                if (!lock(c, appKey, groupId, 0)) {
                    return false;
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM ofImGroupMember" + WHERE_GROUP)) {
                    ps.setString(1, appKey.toString());
                    ps.setLong(2, groupId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM ofImGroup" + WHERE_GROUP)) {
                    ps.setString(1, appKey.toString());
                    ps.setLong(2, groupId);
                    return ps.executeUpdate() == 1;
                }
            });
        } catch (SQLException e) {
            throw new StoreException("Deleting group " + groupId + " of " + appKey, e);
        }
    }

    /** The role of {@code username} in the group; empty when they are no member (or there is no such group). */
    Optional<GroupRole> role(AppKey appKey, long groupId, String username) {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT memberRole FROM ofImGroupMember" + WHERE_GROUP + " AND username = ?")) {
            ps.setString(1, appKey.toString());
            ps.setLong(2, groupId);
            ps.setString(3, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(GroupRole.ofCode(rs.getInt(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("Reading the role of " + username + " in group " + groupId + " of " + appKey, e);
        }
    }

    /** Up to {@code limit} members of the group with a username after {@code after} (null: from the start), by username. */
    List<GroupMember> members(AppKey appKey, long groupId, String after, int limit) {
        String sql = "SELECT username, memberRole, joined FROM ofImGroupMember" + WHERE_GROUP
                + (after == null ? "" : " AND username > ?") + " ORDER BY appKey, groupId, username" + db.databaseType().limit(limit);
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, appKey.toString());
            ps.setLong(2, groupId);
            if (after != null) {
                ps.setString(3, after);
            }
            List<GroupMember> members = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(new GroupMember(rs.getString(1), GroupRole.ofCode(rs.getInt(2)), rs.getLong(3)));
                }
            }
            return members;
        } catch (SQLException e) {
            throw new StoreException("Listing the members of group " + groupId + " of " + appKey, e);
        }
    }

    /** The usernames of the group's members of {@code role}, by username. */
    List<String> withRole(AppKey appKey, long groupId, GroupRole role) {
        String sql = "SELECT username FROM ofImGroupMember" + WHERE_GROUP + " AND memberRole = ? ORDER BY username";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, appKey.toString());
            ps.setLong(2, groupId);
            ps.setInt(3, role.code());
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        } catch (SQLException e) {
            throw new StoreException("Listing the " + role.label() + "s of group " + groupId + " of " + appKey, e);
        }
    }

    /**
     * Adds those of {@code usernames} who are no members yet as members, in one transaction under the group's row lock:
     * their read marks start at the group's newest message (a new member has nothing unread), the member count grows.
     * Returns who was added (in request order) and the group as it is then; empty when there is no such group.
     *
     * @throws GroupException LIMIT when the group would exceed its size, or a new member its groups-per-user limit
     */
    Optional<Added> addMembers(AppKey appKey, long groupId, List<String> usernames, long now, int maxGroupsPerUser) {
        try (Connection con = db.getConnection()) {
            return Transactions.readCommitted(con, db.databaseType(), c -> {
                if (!lock(c, appKey, groupId, now)) {
                    return Optional.empty();
                }
                Set<String> fresh = new LinkedHashSet<>(usernames);
                fresh.removeAll(existing(c, appKey, groupId, usernames));
                Group g = find(c, appKey, groupId).orElseThrow();
                if (g.memberCount() + fresh.size() > g.maxUsers()) {
                    throw new GroupException(GroupException.Reason.LIMIT, ErrorText.GROUP_FULL, groupId, g.memberCount(), g.maxUsers(),
                            fresh.size());
                }
                if (!fresh.isEmpty()) {
                    List<String> added = List.copyOf(fresh);
                    requireRoomForGroups(c, appKey, added, maxGroupsPerUser);
                    insertMembers(c, appKey, groupId, added.stream().map(u -> new GroupMember(u, GroupRole.MEMBER, now)).toList(),
                            lastSeq(c, appKey, groupId));
                    addToCount(c, appKey, groupId, added.size());
                }
                return Optional.of(new Added(List.copyOf(fresh), find(c, appKey, groupId).orElseThrow()));
            });
        } catch (SQLException e) {
            throw new StoreException("Adding members to group " + groupId + " of " + appKey, e);
        }
    }

    /** Deletes the member rows of {@code usernames} (never the owner's); returns who was a member and is no more. */
    List<String> removeMembers(AppKey appKey, long groupId, List<String> usernames, long now) {
        try (Connection con = db.getConnection()) {
            return Transactions.readCommitted(con, db.databaseType(), c -> {
                if (!lock(c, appKey, groupId, now)) {
                    return List.<String>of();
                }
                List<String> removed = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM ofImGroupMember" + WHERE_GROUP
                        + " AND username = ? AND memberRole <> " + GroupRole.OWNER.code())) {
                    for (String username : usernames) {
                        ps.setString(1, appKey.toString());
                        ps.setLong(2, groupId);
                        ps.setString(3, username);
                        if (ps.executeUpdate() == 1) {
                            removed.add(username);
                        }
                    }
                }
                addToCount(c, appKey, groupId, -removed.size());
                return removed;
            });
        } catch (SQLException e) {
            throw new StoreException("Removing members from group " + groupId + " of " + appKey, e);
        }
    }

    /** Changes the role of member {@code username} from {@code from} to {@code to}; false when they had not {@code from}. */
    boolean changeRole(AppKey appKey, long groupId, String username, GroupRole from, GroupRole to, long now) {
        try (Connection con = db.getConnection()) {
            return Transactions.readCommitted(con, db.databaseType(), c -> lock(c, appKey, groupId, now)
                    && setRole(c, appKey, groupId, username, from, to));
        } catch (SQLException e) {
            throw new StoreException("Changing the role of " + username + " in group " + groupId + " of " + appKey, e);
        }
    }

    /**
     * Makes member {@code newOwner} the owner and the old owner a member, in one transaction; false when the group is
     * gone or {@code newOwner} is no member of it (admin or member) any more.
     */
    boolean transferOwner(AppKey appKey, long groupId, String oldOwner, String newOwner, long now) {
        try (Connection con = db.getConnection()) {
            return Transactions.readCommitted(con, db.databaseType(), c -> {
                if (!lock(c, appKey, groupId, now)
                        || !setRole(c, appKey, groupId, newOwner, GroupRole.ADMIN, GroupRole.OWNER)
                        && !setRole(c, appKey, groupId, newOwner, GroupRole.MEMBER, GroupRole.OWNER)) {
                    return false;
                }
                setRole(c, appKey, groupId, oldOwner, GroupRole.OWNER, GroupRole.MEMBER);
                try (PreparedStatement ps = c.prepareStatement("UPDATE ofImGroup SET owner = ?" + WHERE_GROUP)) {
                    ps.setString(1, newOwner);
                    ps.setString(2, appKey.toString());
                    ps.setLong(3, groupId);
                    ps.executeUpdate();
                }
                return true;
            });
        } catch (SQLException e) {
            throw new StoreException("Giving group " + groupId + " of " + appKey + " to " + newOwner, e);
        }
    }

    /** The groups {@code username} is a member of (any role), by group id. */
    List<Group> joined(AppKey appKey, String username) {
        String sql = "SELECT g.groupId, g.groupName, g.description, g.publicGroup, g.maxUsers, g.owner, g.memberCount,"
                + " g.created, g.modified FROM ofImGroupMember m JOIN ofImGroup g ON g.appKey = m.appKey AND g.groupId = m.groupId"
                + " WHERE m.appKey = ? AND m.username = ? ORDER BY g.groupId";
        return groups(appKey, sql, "the groups of " + username + " of " + appKey, username);
    }

    /** The groups of the app that {@code sql} selects, with the app key and then {@code args} as its parameters. */
    private List<Group> groups(AppKey appKey, String sql, String what, Object... args) {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, appKey.toString());
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 2, args[i]);
            }
            List<Group> groups = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.add(readGroup(appKey, rs));
                }
            }
            return groups;
        } catch (SQLException e) {
            throw new StoreException("Listing " + what, e);
        }
    }

    /** Every group id of the app. */
    List<Long> ids(AppKey appKey) {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT groupId FROM ofImGroup WHERE appKey = ? ORDER BY groupId")) {
            ps.setString(1, appKey.toString());
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new StoreException("Listing the group ids of " + appKey, e);
        }
    }

    /** Locks the group's row (stamping {@code modified} with {@code now}, or not when 0); false when there is none. */
    private static boolean lock(Connection con, AppKey appKey, long groupId, long now) throws SQLException {
        String sql = now > 0 ? "UPDATE ofImGroup SET modified = ?" + WHERE_GROUP : "UPDATE ofImGroup SET modified = modified" + WHERE_GROUP;
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            int i = 1;
            if (now > 0) {
                ps.setLong(i++, now);
            }
            ps.setString(i++, appKey.toString());
            ps.setLong(i, groupId);
            return ps.executeUpdate() == 1;
        }
    }

    private static boolean setRole(Connection con, AppKey appKey, long groupId, String username, GroupRole from, GroupRole to)
            throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImGroupMember SET memberRole = ?" + WHERE_GROUP
                + " AND username = ? AND memberRole = ?")) {
            ps.setInt(1, to.code());
            ps.setString(2, appKey.toString());
            ps.setLong(3, groupId);
            ps.setString(4, username);
            ps.setInt(5, from.code());
            return ps.executeUpdate() == 1;
        }
    }

    private static long lastSeq(Connection con, AppKey appKey, long groupId) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT lastSeq FROM ofImGroup" + WHERE_GROUP)) {
            ps.setString(1, appKey.toString());
            ps.setLong(2, groupId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void addToCount(Connection con, AppKey appKey, long groupId, int delta) throws SQLException {
        if (delta == 0) {
            return;
        }
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImGroup SET memberCount = memberCount + ?" + WHERE_GROUP)) {
            ps.setInt(1, delta);
            ps.setString(2, appKey.toString());
            ps.setLong(3, groupId);
            ps.executeUpdate();
        }
    }

    /** Those of {@code usernames} who are members of the group already. */
    private static Set<String> existing(Connection con, AppKey appKey, long groupId, List<String> usernames) throws SQLException {
        Set<String> found = new LinkedHashSet<>();
        for (int start = 0; start < usernames.size(); start += NAMES_PER_STATEMENT) {
            List<String> chunk = usernames.subList(start, Math.min(usernames.size(), start + NAMES_PER_STATEMENT));
            try (PreparedStatement ps = con.prepareStatement("SELECT username FROM ofImGroupMember" + WHERE_GROUP
                    + " AND username IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
                ps.setString(1, appKey.toString());
                ps.setLong(2, groupId);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(3 + i, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            }
        }
        return found;
    }

    /**
     * Refuses when one of {@code usernames} already is in {@code maxGroupsPerUser} groups (one indexed count each). Not
     * locked against another group's concurrent addition of the same user: the bound may be passed by as many groups
     * as add the user at the same moment.
     */
    private static void requireRoomForGroups(Connection con, AppKey appKey, List<String> usernames, int maxGroupsPerUser)
            throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImGroupMember WHERE appKey = ? AND username = ?")) {
            for (String username : usernames) {
                ps.setString(1, appKey.toString());
                ps.setString(2, username);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= maxGroupsPerUser) {
                        throw new GroupException(GroupException.Reason.LIMIT, ErrorText.GROUP_USER_LIMIT, username, rs.getInt(1));
                    }
                }
            }
        }
    }

    private static void insertMembers(Connection con, AppKey appKey, long groupId, List<GroupMember> members, long readSeq)
            throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImGroupMember (appKey, groupId, username, memberRole,"
                + " joined, readSeq, ownAfterRead) VALUES (?, ?, ?, ?, ?, ?, 0)")) {
            for (GroupMember m : members) {
                ps.setString(1, appKey.toString());
                ps.setLong(2, groupId);
                ps.setString(3, m.username());
                ps.setInt(4, m.role().code());
                ps.setLong(5, m.joined());
                ps.setLong(6, readSeq);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static Group readGroup(AppKey appKey, ResultSet rs) throws SQLException {
        return new Group(appKey, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4) == 1, rs.getInt(5),
                rs.getString(6), rs.getInt(7), rs.getLong(8), rs.getLong(9));
    }
}
