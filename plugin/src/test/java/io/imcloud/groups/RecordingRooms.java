package io.imcloud.groups;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The groups' rooms as a map of affiliations per room, standing in for Openfire's multi-user chat service: each call
 * changes the map and is recorded, and a call can be made to fail, as a refusing service would.
 */
public final class RecordingRooms implements GroupRooms {

    /** The calls, in order, e.g. {@code "affiliate acme#chat_1 bob MEMBER"}. */
    public final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Map<String, GroupRole>> affiliations = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    /** Per method, how many more calls succeed before one fails (once). */
    private final Map<String, Integer> failingOnce = new ConcurrentHashMap<>();

    /** Makes every later call of {@code method} (e.g. {@code "affiliate"}) throw as a refusing service does. */
    public void failOn(String method) {
        failing.add(method);
    }

    /** Makes one call of {@code method} fail, after {@code succeeding} more that succeed; the later ones succeed again. */
    public void failOnce(String method, int succeeding) {
        failingOnce.put(method, succeeding);
    }

    /** The affiliations of the room {@code node}, by username; empty when there is no such room. */
    public Map<String, GroupRole> affiliations(String node) {
        return new TreeMap<>(affiliations.getOrDefault(node, Map.of()));
    }

    /** True while the room {@code node} exists. */
    public boolean exists(String node) {
        return affiliations.containsKey(node);
    }

    /** The calls of one method, e.g. every {@code "invite"}. */
    public List<String> calls(String method) {
        List<String> found = new ArrayList<>();
        calls.stream().filter(c -> c.startsWith(method + " ")).forEach(found::add);
        return found;
    }

    @Override
    public void create(Group group, List<GroupMember> members) {
        record("create", group.roomNode(), members.size() + " members");
        Map<String, GroupRole> room = new ConcurrentHashMap<>();
        members.forEach(m -> room.put(m.username(), m.role()));
        affiliations.put(group.roomNode(), room);
    }

    @Override
    public void update(Group group) {
        record("update", group.roomNode(), group.name());
    }

    @Override
    public void destroy(Group group) {
        record("destroy", group.roomNode(), "");
        affiliations.remove(group.roomNode());
    }

    @Override
    public void affiliate(Group group, String username, GroupRole role) {
        record("affiliate", group.roomNode(), username + " " + role);
        room(group).put(username, role);
    }

    @Override
    public void remove(Group group, String username) {
        record("remove", group.roomNode(), username);
        room(group).remove(username);
    }

    @Override
    public void invite(Group group, String username) {
        record("invite", group.roomNode(), username);
    }

    private Map<String, GroupRole> room(Group group) {
        Map<String, GroupRole> room = affiliations.get(group.roomNode());
        if (room == null) {
            throw new IllegalStateException("No room " + group.roomNode());
        }
        return room;
    }

    private void record(String method, String node, String detail) {
        Integer left = failingOnce.computeIfPresent(method, (m, n) -> n - 1);
        if (failing.contains(method) || left != null && left < 0) {
            failingOnce.remove(method, -1);
            throw new IllegalStateException("the chat service refuses " + method);
        }
        calls.add(method + " " + node + (detail.isEmpty() ? "" : " " + detail));
    }
}
