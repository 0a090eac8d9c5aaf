package io.imcloud.openfire;

import io.imcloud.contacts.BlockLists;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.StoreException;
import io.imcloud.tenancy.UserData;
import org.dom4j.DocumentFactory;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.jivesoftware.openfire.PresenceManager;
import org.jivesoftware.openfire.SessionManager;
import org.jivesoftware.openfire.XMPPServer;
import org.jivesoftware.openfire.privacy.PrivacyList;
import org.jivesoftware.openfire.privacy.PrivacyListManager;
import org.jivesoftware.openfire.privacy.PrivacyListProvider;
import org.jivesoftware.openfire.session.ClientSession;
import org.jivesoftware.openfire.user.UserNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * {@link BlockLists} on the list Openfire's XEP-0191 handler ({@code IQBlockingHandler}, read in v5.1.1's source) keeps:
 * the user's default privacy list, whose {@code jid} items that {@code deny} are the blocked JIDs. A block adds such
 * items at the front of the list, numbered as that handler numbers them, and creates the list (named
 * {@value #LIST_NAME}, made the default) when the user has none; an unblock removes them. Clients of the user that
 * asked for their block list get the same {@code block}/{@code unblock} pushes as after their own commands, and an
 * unblocked contact gets the user's presence again.
 * <p>
 * Where it goes further than Openfire's handler: the user's open sessions are bound to a list it creates (Openfire
 * binds a session to the default list it had at login, so a client's first block spares its other open sessions
 * until they log in again), and a user's deletion takes the user off the lists of their app's other users
 * ({@link #deleteUser}), so that a later user of the same name is blocked by nobody.
 * <p>
 * Changes are made one at a time in this JVM; like Openfire's own handler, they do not lock against a client's
 * command changing the same list at the same moment.
 */
final class OpenfireBlockLists implements BlockLists, UserData {

    private static final Logger Log = LoggerFactory.getLogger(OpenfireBlockLists.class);

    /** XEP-0191's namespace, of the pushes. */
    static final String NAMESPACE = "urn:xmpp:blocking";
    /** XEP-0016's namespace, of the list element. */
    static final String PRIVACY_NAMESPACE = "jabber:iq:privacy";
    /** The name Openfire's XEP-0191 handler gives the list it creates. */
    static final String LIST_NAME = "blocklist";

    /**
     * {@code ClientSession.hasRequestedBlocklist()}, which Openfire has since its XEP-0191 support (4.3); looked up at
     * run time since the API we compile against predates it. Null without it: then no client can have asked.
     */
    private static final Method HAS_REQUESTED_BLOCKLIST = requestedBlocklistMethod();

    private final String domain;
    private final ConnectionProvider db;

    /**
     * @param xmppDomain Openfire's XMPP domain
     * @param db         Openfire's database, where {@code ofPrivacyList} is
     */
    OpenfireBlockLists(String xmppDomain, ConnectionProvider db) {
        this.domain = xmppDomain;
        this.db = db;
    }

    @Override
    public List<AppUser> blockedBy(AppUser owner) {
        PrivacyList list = manager().getDefaultPrivacyList(owner.node());
        List<AppUser> blocked = new ArrayList<>();
        if (list != null) {
            for (Element item : list.asElement().elements("item")) {
                JID jid = blockedJid(item);
                if (jid != null && jid.getNode() != null && jid.getResource() == null && domain.equals(jid.getDomain())) {
                    AppUser.fromNode(jid.getNode()).ifPresent(blocked::add);
                }
            }
        }
        return blocked;
    }

    @Override
    public synchronized void block(AppUser owner, List<AppUser> users) {
        String username = owner.node();
        PrivacyList list = manager().getDefaultPrivacyList(username);
        List<JID> current = list == null ? List.of() : list.asElement().elements("item").stream()
                .map(OpenfireBlockLists::blockedJid).filter(Objects::nonNull).toList();
        List<JID> fresh = users.stream().map(this::jid).filter(jid -> !current.contains(jid)).toList();
        if (fresh.isEmpty()) {
            return;
        }
        List<Element> items = new ArrayList<>();
        fresh.forEach(jid -> items.add(DocumentHelper.createElement("item").addAttribute("type", "jid")
                .addAttribute("value", jid.toBareJID()).addAttribute("action", "deny")));
        if (list != null) {
            items.addAll(list.asElement().elements("item"));
            save(username, list, listElement(list.getName(), items));
        } else {
            createDefault(owner, items);
        }
        push(owner, "block", fresh);
    }

    @Override
    public synchronized boolean unblock(AppUser owner, AppUser user) {
        String username = owner.node();
        PrivacyList list = manager().getDefaultPrivacyList(username);
        if (list == null) {
            return false;
        }
        JID jid = jid(user);
        List<Element> items = list.asElement().elements("item");
        List<Element> kept = items.stream().filter(item -> !jid.equals(blockedJid(item))).toList();
        if (kept.size() == items.size()) {
            return false;
        }
        save(username, list, listElement(list.getName(), kept));
        push(owner, "unblock", List.of(jid));
        sendPresence(owner, jid);
        return true;
    }

    /**
     * Takes the deleted {@code user} (any item naming their JID, whatever its resource) off the privacy lists of the
     * other users of their app; Openfire itself deletes the user's own lists and rosters with the account. The lists
     * are found in {@code ofPrivacyList} by owner and, except on Oracle (whose {@code LONG} column takes no
     * {@code LIKE}), by text, then changed through Openfire as {@link #unblock} changes them.
     */
    @Override
    public synchronized long deleteUser(AppUser user) {
        JID jid = jid(user);
        long removed = 0;
        for (ListName name : listsNaming(user, jid)) {
            PrivacyList list = name.isDefault() ? manager().getDefaultPrivacyList(name.username())
                    : manager().getPrivacyList(name.username(), name.name());
            if (list == null || !list.getName().equals(name.name())) {
                continue; // changed since the query
            }
            List<Element> items = list.asElement().elements("item");
            List<Element> kept = items.stream().filter(item -> !namesUser(item, jid)).toList();
            if (kept.size() < items.size()) {
                save(name.username(), list, listElement(list.getName(), kept));
                removed += items.size() - kept.size();
            }
        }
        Log.debug("Took the deleted user {} off {} privacy list item(s)", user.node(), removed);
        return removed;
    }

    /** A privacy list of a user of {@code user}'s app that mentions {@code user}'s JID. */
    private record ListName(String username, String name, boolean isDefault) {
    }

    private List<ListName> listsNaming(AppUser user, JID jid) {
        boolean byText = db.databaseType() != DatabaseType.ORACLE;
        String sql = "SELECT username, name, isDefault, list FROM ofPrivacyList WHERE username LIKE ? ESCAPE '!'"
                + (byText ? " AND list LIKE ? ESCAPE '!'" : "");
        // the list's XML has the JID as an attribute value, so it follows a quote
        String quoted = "\"" + jid.toBareJID();
        List<ListName> names = new ArrayList<>();
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, likeEscaped(user.appKey() + "_") + "%");
            if (byText) {
                ps.setString(2, "%" + likeEscaped(quoted) + "%");
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String xml = rs.getString(4);
                    if (xml != null && xml.contains(quoted)) {
                        names.add(new ListName(rs.getString(1), rs.getString(2), rs.getInt(3) == 1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("Could not find the privacy lists naming " + jid, e);
        }
        return names;
    }

    private static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /**
     * A new default list {@value #LIST_NAME} holding {@code items} (or that list with them in front, should the user
     * have one that is not the default), as Openfire's handler makes it at a user's first block; the user's open
     * sessions without a default list are bound to it, so the block holds for them at once.
     */
    private void createDefault(AppUser owner, List<Element> items) {
        String username = owner.node();
        PrivacyList list = manager().getPrivacyList(username, LIST_NAME);
        if (list == null) {
            list = manager().createPrivacyList(username, LIST_NAME, listElement(LIST_NAME, items));
        } else {
            items.addAll(list.asElement().elements("item"));
            list.updateList(listElement(LIST_NAME, items));
        }
        manager().changeDefaultList(username, list, null);
        for (ClientSession session : sessions(owner)) {
            if (session.getDefaultList() == null) {
                session.setDefaultList(list);
            }
        }
    }

    /**
     * Replaces {@code list}'s items with {@code element}'s and stores it. {@code updateList} has Openfire put the list
     * in its cache under its name again (so other cluster nodes see it); a default list is stored through
     * {@code changeDefaultList}, which also puts it under the user's default entry, whose copy on other nodes would
     * otherwise stay as it was.
     */
    private static void save(String username, PrivacyList list, Element element) {
        list.updateList(element);
        if (list.isDefault()) {
            manager().changeDefaultList(username, list, null);
        } else {
            PrivacyListProvider.getInstance().updatePrivacyList(username, list);
        }
    }

    /** A list element named {@code name} with copies of {@code items} in this order, numbered from 0. */
    private static Element listElement(String name, List<Element> items) {
        Element list = DocumentFactory.getInstance().createDocument().addElement("list", PRIVACY_NAMESPACE);
        list.addAttribute("name", name);
        int order = 0;
        for (Element item : items) {
            Element copy = item.createCopy();
            copy.addAttribute("order", Integer.toString(order++));
            list.add(copy);
        }
        return list;
    }

    /** The JID an XEP-0191 item blocks ({@code type="jid"}, {@code action="deny"}), or null for any other item. */
    private static JID blockedJid(Element item) {
        return "deny".equals(item.attributeValue("action")) ? jidOf(item) : null;
    }

    /** True when {@code item} is a {@code jid} item naming {@code bare} or one of its resources. */
    private static boolean namesUser(Element item, JID bare) {
        JID jid = jidOf(item);
        return jid != null && bare.toBareJID().equals(jid.toBareJID());
    }

    private static JID jidOf(Element item) {
        if (!"jid".equals(item.attributeValue("type"))) {
            return null;
        }
        try {
            return new JID(item.attributeValue("value"));
        } catch (IllegalArgumentException | NullPointerException e) {
            return null; // not a JID: Openfire cannot match it either
        }
    }

    /** XEP-0191's push of {@code command} ({@code block} or {@code unblock}) to the sessions that asked for the list. */
    private void push(AppUser owner, String command, Collection<JID> jids) {
        for (ClientSession session : sessions(owner)) {
            if (hasRequestedBlocklist(session)) {
                IQ push = new IQ(IQ.Type.set);
                push.setTo(session.getAddress());
                Element element = push.setChildElement(command, NAMESPACE);
                jids.forEach(jid -> element.addElement("item").addAttribute("jid", jid.toString()));
                XMPPServer.getInstance().getPacketRouter().route(push);
            }
        }
    }

    /** Sends {@code owner}'s presence to an unblocked contact allowed to see it, as Openfire's handler does. */
    private void sendPresence(AppUser owner, JID unblocked) {
        PresenceManager presence = XMPPServer.getInstance().getPresenceManager();
        try {
            if (presence.canProbePresence(unblocked, owner.node())) {
                presence.probePresence(unblocked, jid(owner));
            }
        } catch (UserNotFoundException e) {
            Log.debug("No presence of {} for {}: the user is gone", owner.node(), unblocked);
        }
    }

    private static Collection<ClientSession> sessions(AppUser owner) {
        // SessionManager looks each route up again: a session that closed in between comes back as null
        return SessionManager.getInstance().getSessions(owner.node()).stream().filter(Objects::nonNull).toList();
    }

    private static boolean hasRequestedBlocklist(ClientSession session) {
        if (HAS_REQUESTED_BLOCKLIST == null) {
            return false;
        }
        try {
            return (Boolean) HAS_REQUESTED_BLOCKLIST.invoke(session);
        } catch (ReflectiveOperationException e) {
            Log.debug("Cannot tell whether {} asked for its block list", session.getAddress(), e);
            return false;
        }
    }

    private static Method requestedBlocklistMethod() {
        try {
            return ClientSession.class.getMethod("hasRequestedBlocklist");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static PrivacyListManager manager() {
        return PrivacyListManager.getInstance();
    }

    private JID jid(AppUser user) {
        return new JID(user.node(), domain, null);
    }
}
