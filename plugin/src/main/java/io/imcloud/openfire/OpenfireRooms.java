package io.imcloud.openfire;

import io.imcloud.groups.Group;
import io.imcloud.groups.GroupMember;
import io.imcloud.groups.GroupRole;
import io.imcloud.groups.GroupRooms;
import io.imcloud.tenancy.AppUser;
import org.jivesoftware.openfire.XMPPServer;
import org.jivesoftware.openfire.muc.MultiUserChatService;
import org.jivesoftware.openfire.muc.NotAllowedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * The groups' rooms on Openfire's multi-user chat service ({@code conference.{domain}} unless set otherwise), the way
 * Openfire's REST API plugin drives them: under the room's cluster-wide lock, with the room itself (its owner
 * affiliation) as the actor, and {@code syncChatRoom} afterwards so that every cluster node sees the change.
 *
 * <p>Openfire 4.2.0, which the plugin compiles against, has {@code MUCRoom} as an interface whose methods take a
 * {@code MUCRole} actor; Openfire 5.x has it as a class whose methods take an {@code Affiliation} and has
 * {@code getChatRoomLock}/{@code syncChatRoom} on the service. So a room is only ever held as an {@code Object}, and every
 * call on it, and those two calls on the service, are made by reflection on 5.x's signatures ({@link #call}); the
 * service's own methods that are the same in both ({@code getChatRoom}, {@code hasChatRoom}) are called directly.
 */
final class OpenfireRooms implements GroupRooms {

    private static final Logger Log = LoggerFactory.getLogger(OpenfireRooms.class);
    /** Why a removed member's client is told it was removed. */
    private static final String DESTROYED = "The group was deleted";

    private final String subdomain;
    private final String xmppDomain;

    /** Rooms on the service {@code subdomain} (e.g. {@code conference}) of {@code xmppDomain}. */
    OpenfireRooms(String subdomain, String xmppDomain) {
        this.subdomain = subdomain;
        this.xmppDomain = xmppDomain;
    }

    /**
     * True when {@code serviceDomain} (a subdomain of {@code xmppDomain}) is one of Openfire's multi-user chat services,
     * wherever its rooms are: the firewall counts a room-shaped address as an app's room only there.
     */
    static boolean isChatService(String serviceDomain, String xmppDomain) {
        return serviceDomain.endsWith("." + xmppDomain) && XMPPServer.getInstance().getMultiUserChatManager()
                .isServiceRegistered(serviceDomain.substring(0, serviceDomain.length() - xmppDomain.length() - 1));
    }

    /** The multi-user chat service holding the rooms. */
    MultiUserChatService service() {
        MultiUserChatService service = XMPPServer.getInstance().getMultiUserChatManager().getMultiUserChatService(subdomain);
        if (service == null) {
            throw new IllegalStateException("Openfire has no multi-user chat service " + subdomain + "." + xmppDomain);
        }
        return service;
    }

    /**
     * Creates the room as its owner would: persistent, members-only, not anonymous to its occupants, not logged by
     * Openfire (imcloud archives it), named and sized as the group, the members affiliated, then unlocked and saved.
     */
    @Override
    public void create(Group group, List<GroupMember> members) {
        MultiUserChatService service = service();
        JID owner = jid(group, group.owner());
        withLock(service, group.roomNode(), () -> {
            if (service.hasChatRoom(group.roomNode())) {
                throw new IllegalStateException("A room " + group.roomNode() + " exists already");
            }
            Object room;
            try {
                room = service.getChatRoom(group.roomNode(), owner);
            } catch (NotAllowedException e) {
                throw new IllegalStateException("The multi-user chat service " + subdomain + " refuses to let " + owner
                        + " create rooms: allow app users to create rooms there", e);
            }
            Object actor = actorAffiliation(room);
            configure(room, group);
            call(room, "setPersistent", true);
            call(room, "setCanAnyoneDiscoverJID", true);
            call(room, "setCanOccupantsInvite", false);
            call(room, "setLogEnabled", false);
            call(room, "setMembersOnly", true, actor, owner);
            for (GroupMember member : members) {
                if (member.role() != GroupRole.OWNER) {
                    affiliate(room, jid(group, member.username()), member.role(), actor);
                }
            }
            call(room, "unlock", actor);
            call(room, "saveToDB");
            sync(service, room);
        });
        Log.debug("Created room {} for group {} of {}", group.roomNode(), group.groupId(), group.appKey());
    }

    @Override
    public void update(Group group) {
        MultiUserChatService service = service();
        withLock(service, group.roomNode(), () -> {
            Object room = existing(service, group);
            configure(room, group);
            call(room, "saveToDB");
            sync(service, room);
        });
    }

    @Override
    public void destroy(Group group) {
        MultiUserChatService service = service();
        withLock(service, group.roomNode(), () -> {
            Object room = service.getChatRoom(group.roomNode());
            if (room == null) {
                Log.info("The room of group {} of {} was gone already", group.groupId(), group.appKey());
                return;
            }
            call(room, "destroyRoom", null, DESTROYED);
            sync(service, room);
        });
    }

    @Override
    public void affiliate(Group group, String username, GroupRole role) {
        MultiUserChatService service = service();
        withLock(service, group.roomNode(), () -> {
            Object room = existing(service, group);
            affiliate(room, jid(group, username), role, actorAffiliation(room));
            sync(service, room);
        });
    }

    @Override
    public void remove(Group group, String username) {
        MultiUserChatService service = service();
        withLock(service, group.roomNode(), () -> {
            Object room = existing(service, group);
            // in a members-only room, Openfire removes the occupant as it takes the affiliation away (status 321)
            tellOccupants(room, call(room, "addNone", jid(group, username), actorAffiliation(room)));
            sync(service, room);
        });
    }

    @Override
    public void invite(Group group, String username) {
        MultiUserChatService service = service();
        withLock(service, group.roomNode(), () -> {
            Object room = existing(service, group);
            call(room, "sendInvitation", jid(group, username), "You are a member of the group " + group.name(),
                    actorAffiliation(room), null, null);
        });
    }

    /** Broadcasts {@code message}, whose {@code from} is {@code room/nick}, to the room's occupants. */
    void broadcast(Message message) {
        MultiUserChatService service = service();
        String roomNode = message.getFrom().getNode();
        withLock(service, roomNode, () -> {
            Object room = service.getChatRoom(roomNode);
            if (room == null) {
                throw new IllegalStateException("No room " + roomNode + " to broadcast to");
            }
            call(room, "broadcast", message);
            sync(service, room);
        });
    }

    private static void configure(Object room, Group group) {
        call(room, "setNaturalLanguageName", group.name());
        call(room, "setDescription", group.description() == null ? "" : group.description());
        // the group's member limit holds in the database; Openfire's counts occupants (each device of a member), unlimited
        call(room, "setMaxUsers", 0);
        call(room, "setPublicRoom", group.isPublic());
    }

    /** Gives {@code user} the affiliation of {@code role} and tells the occupants, as Openfire's admin handler does. */
    private static void affiliate(Object room, JID user, GroupRole role, Object actor) {
        Object presences = switch (role) {
            case OWNER -> call(room, "addOwner", user, actor);
            case ADMIN -> call(room, "addAdmin", user, actor);
            case MEMBER -> call(room, "addMember", user, null, actor);
        };
        tellOccupants(room, presences);
    }

    /** Sends each of {@code presences} (a list the affiliation methods return) to the room's occupants, from the room. */
    private static void tellOccupants(Object room, Object presences) {
        Object self = call(room, "getSelfRepresentation");
        for (Object presence : (List<?>) presences) {
            call(room, "send", presence, self);
        }
    }

    /** The affiliation of the room itself (owner): the actor of every change made here. */
    private static Object actorAffiliation(Object room) {
        return call(call(room, "getSelfRepresentation"), "getAffiliation");
    }

    private static Object existing(MultiUserChatService service, Group group) {
        Object room = service.getChatRoom(group.roomNode());
        if (room == null) {
            throw new IllegalStateException("The room " + group.roomNode() + " of group " + group.groupId() + " is missing");
        }
        return room;
    }

    /** Runs {@code work} holding the room's cluster-wide lock ({@code getChatRoomLock}, Openfire 5.x). */
    private static void withLock(MultiUserChatService service, String roomNode, Runnable work) {
        Lock lock = (Lock) call(service, "getChatRoomLock", roomNode);
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }

    /** Makes the room's state visible to every cluster node ({@code syncChatRoom}, Openfire 5.x). */
    private static void sync(MultiUserChatService service, Object room) {
        call(service, "syncChatRoom", room);
    }

    private JID jid(Group group, String username) {
        return new JID(new AppUser(group.appKey(), username).node(), xmppDomain, null);
    }

    /**
     * Calls the public method {@code name} of {@code target} that takes {@code args} (a null matches any reference
     * parameter, a boxed value its primitive); returns its result.
     *
     * @throws IllegalStateException when there is no such method (another Openfire API), or naming what it threw
     */
    static Object call(Object target, String name, Object... args) {
        Method method = find(target.getClass(), name, args);
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(target.getClass().getSimpleName() + "." + name + " failed: " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(target.getClass().getSimpleName() + "." + name + " is not accessible", e);
        }
    }

    private static Method find(Class<?> type, String name, Object[] args) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && accepts(m.getParameterTypes(), args)) {
                return m;
            }
        }
        throw new IllegalStateException(type.getName() + " has no method " + name + " for " + args.length
                + " arguments: this Openfire's multi-user chat API is not the one imcloud's groups were built for (5.x)");
    }

    private static boolean accepts(Class<?>[] parameters, Object[] args) {
        if (parameters.length != args.length) {
            return false;
        }
        for (int i = 0; i < args.length; i++) {
            Class<?> p = parameters[i];
            if (args[i] == null ? p.isPrimitive() : !wrapper(p).isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> wrapper(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == boolean.class) {
            return Boolean.class;
        }
        if (type == int.class) {
            return Integer.class;
        }
        if (type == long.class) {
            return Long.class;
        }
        throw new IllegalArgumentException("No wrapper for " + type);
    }
}
