package io.imcloud.xmpp;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.StoreException;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Tenant isolation (DESIGN.md section 5): nothing crosses from one app to another.
 * <ul>
 * <li>An app user is a node of our domain that {@link AppMembership} knows as registered (a row of
 * {@code ofImUser}); a node with {@code #} that is not one reaches only the server, and is refused
 * as a sender altogether ({@link Refusal#UNREGISTERED_SENDER}).</li>
 * <li>An app user reaches: users of its own app, the server (our domain itself), its own bare JID,
 * rooms of its own app (a node {@code {org}#{app}_{id}} on a multi-user chat service, Easemob's group JIDs) and
 * the services of {@code openServices} (the operator's allowed services, and the plugin's own); the
 * service discovery information of any service itself (no disco node), so that clients find the multi-user chat
 * service. Nothing else: other apps' rooms, plain rooms, other components (pubsub, search: there a room-shaped
 * address is just the component's), plain and remote users.</li>
 * <li>A room of app A exchanges stanzas only with A's users, the server and services: a plain user
 * cannot join it; invitations ({@code muc#user}) and affiliation or role changes ({@code muc#admin},
 * {@code muc#owner}) sent to it may name only A's users.</li>
 * <li>Plain users (nodes without {@code #}) and remote users keep Openfire's behaviour among
 * themselves and with services that are no app room.</li>
 * <li>In-band registration ({@code jabber:iq:register} to the server, or to any bare JID of our domain, which
 * Openfire's router answers as the server too) is refused for any username with {@code #} and for any session of an
 * app-shaped user: only the app's REST registration makes app users.</li>
 * </ul>
 * A roster set that adds a contact the sender may not reach is refused the same way; removing such
 * an item stays allowed, so old entries can be cleaned up. A rejection tells the sender nothing about
 * whether the other party exists.
 */
public final class TenantFirewall {

    static final String ROSTER_NAMESPACE = "jabber:iq:roster";
    static final String REGISTER_NAMESPACE = "jabber:iq:register";
    static final String DISCO_INFO_NAMESPACE = "http://jabber.org/protocol/disco#info";
    static final String MUC_USER_NAMESPACE = "http://jabber.org/protocol/muc#user";
    static final String MUC_ADMIN_NAMESPACE = "http://jabber.org/protocol/muc#admin";
    static final String MUC_OWNER_NAMESPACE = "http://jabber.org/protocol/muc#owner";
    private static final String DATA_FORMS_NAMESPACE = "jabber:x:data";
    /** Room configuration fields (XEP-0045) whose values are JIDs given an affiliation. */
    private static final List<String> AFFILIATION_FIELDS = List.of("muc#roomconfig_roomowners", "muc#roomconfig_roomadmins");

    /** Why a stanza was refused: each is one stanza error. */
    enum Refusal {
        /** The addressee, or a JID the stanza names, is beyond the sender's tenant. */
        OTHER_TENANT(PacketError.Condition.not_allowed, PacketError.Type.cancel, "The recipient belongs to another tenant"),
        /** A roster item is beyond the sender's tenant. */
        ROSTER_ITEM(PacketError.Condition.not_allowed, PacketError.Type.cancel, "A roster item belongs to another tenant"),
        /** A room invitation or affiliation change names someone of another tenant. */
        ROOM_MEMBER(PacketError.Condition.not_allowed, PacketError.Type.cancel,
                "Only users of the room's own app may be invited to it or given a role or affiliation in it"),
        /** In-band registration of an app user's name, or by an app user's session. */
        REGISTRATION(PacketError.Condition.not_allowed, PacketError.Type.cancel,
                "App users are registered, changed and removed only by their app's back-end (REST API), not by in-band registration"),
        /** The sender looks like an app user but is not registered with any app: its session is closed. */
        UNREGISTERED_SENDER(PacketError.Condition.not_authorized, PacketError.Type.auth,
                "This account is not a registered user of an app"),
        /** Membership could not be read (database unreachable, answer not cached). */
        MEMBERSHIP_UNKNOWN(PacketError.Condition.internal_server_error, PacketError.Type.wait,
                "App membership cannot be checked at the moment; try again later");

        private final PacketError.Condition condition;
        private final PacketError.Type type;
        private final String text;

        Refusal(PacketError.Condition condition, PacketError.Type type, String text) {
            this.condition = condition;
            this.type = type;
            this.text = text;
        }

        StanzaRejection rejection() {
            return new StanzaRejection(condition, type, text);
        }
    }

    /** The kinds of party a JID names, as far as tenancy is concerned. */
    private enum Kind { SERVER, APP_USER, PLAIN_USER, UNREGISTERED, APP_ROOM, SERVICE, REMOTE }

    /** A classified JID: its kind, and the app for app users and app rooms. */
    private record Party(Kind kind, AppKey app, String domain) {
        static final Party SERVER = new Party(Kind.SERVER, null, null);
        static final Party PLAIN_USER = new Party(Kind.PLAIN_USER, null, null);
        static final Party UNREGISTERED = new Party(Kind.UNREGISTERED, null, null);
        static final Party REMOTE = new Party(Kind.REMOTE, null, null);
    }

    private final String domain;
    private final String dotDomain;
    private final AppMembership membership;
    private final Predicate<String> openServices;
    private final Predicate<String> roomServices;

    /**
     * A firewall for the XMPP domain {@code xmppDomain} (Openfire's {@code xmpp.domain}).
     *
     * @param membership   who is a user of which app
     * @param openServices service domains (subdomains of ours) that app users may use: the operator's
     *                     {@code plugin.imcloud.tenancy.allowed_services} and the plugin's own services
     * @param roomServices service domains that are multi-user chat services: only there is an address
     *                     {@code {org}#{app}_{id}} a room of that app
     */
    public TenantFirewall(String xmppDomain, AppMembership membership, Predicate<String> openServices,
                          Predicate<String> roomServices) {
        this.domain = xmppDomain;
        this.dotDomain = "." + xmppDomain;
        this.membership = membership;
        this.openServices = openServices;
        this.roomServices = roomServices;
    }

    /**
     * Checks a stanza on its way into the router: from a session, a server link or a component. {@code from} and
     * {@code to} are its addresses, read once by the caller: each Tinder getter makes the address's text again.
     *
     * @throws StanzaRejection {@code not-allowed} when it addresses or names another tenant, or registers an
     *                         app user's name; {@code not-authorized} when its sender is an unregistered app-shaped
     *                         account ({@link #isUnregisteredSender}); {@code internal-server-error} (wait) when
     *                         membership cannot be read
     */
    public void check(Packet packet, JID from, JID to) throws StanzaRejection {
        check(packet, from, to, false);
    }

    /**
     * {@link #check(Packet, JID, JID)} of a stanza that, with {@code fromServer}, no session sent: the server's own
     * (a REST send), which may come from an app's {@link AppUser#APP_SENDER}, who has no account.
     */
    public void check(Packet packet, JID from, JID to, boolean fromServer) throws StanzaRejection {
        if (from == null) {
            return; // generated by the server itself
        }
        try {
            Party sender = classify(from);
            if (sender.kind() == Kind.UNREGISTERED) {
                AppUser appSender = fromServer && from.getResource() == null ? membership.userOf(from.getNode()) : null;
                if (appSender == null || !AppUser.APP_SENDER.equals(appSender.username())) {
                    throw Refusal.UNREGISTERED_SENDER.rejection();
                }
                sender = new Party(Kind.APP_USER, appSender.appKey(), null);
            }
            if (!sameBareJid(from, to) && !allowed(sender, classify(to)) && !isServiceDiscovery(packet, sender, from, to)) {
                throw Refusal.OTHER_TENANT.rejection();
            }
            if (packet instanceof IQ iq) {
                checkIq(iq, sender, from, to);
            } else if (packet instanceof Message message) {
                checkInvitations(message, to);
            }
        } catch (StoreException e) {
            // Fail closed; the database outage itself is reported by the archive writer, not once per stanza.
            throw Refusal.MEMBERSHIP_UNKNOWN.rejection();
        }
    }

    /**
     * True when {@code rejection} came from {@link Refusal#UNREGISTERED_SENDER}: the sender's session should be
     * closed, as it logged in with an account no app registered.
     */
    public static boolean isUnregisteredSender(StanzaRejection rejection) {
        return rejection.condition() == Refusal.UNREGISTERED_SENDER.condition;
    }

    /**
     * True when {@code from} may address {@code to} (a null address means the server or oneself).
     *
     * @throws StoreException when membership cannot be read
     */
    public boolean allowed(JID from, JID to) {
        if (from == null || to == null || sameBareJid(from, to)) {
            return true;
        }
        return allowed(classify(from), classify(to));
    }

    /**
     * The app user behind a JID of our own domain, by its shape alone, or null (plain user, service, remote,
     * or malformed). For stanzas that passed {@link #check}, whose app-shaped parties are registered.
     */
    public AppUser localAppUser(JID jid) {
        if (jid == null || jid.getNode() == null || !domain.equals(jid.getDomain()) || jid.getNode().indexOf('#') < 0) {
            return null;
        }
        return membership.userOf(jid.getNode());
    }

    /** True when {@code jid} lives on another server (neither our domain nor one of its subdomains). */
    public boolean isRemote(JID jid) {
        return jid != null && !domain.equals(jid.getDomain()) && !jid.getDomain().endsWith(dotDomain);
    }

    /** The XMPP domain this firewall guards. */
    public String domain() {
        return domain;
    }

    /** Symmetric: whether two parties may exchange stanzas at all. */
    private boolean allowed(Party a, Party b) {
        if (a.kind() == Kind.SERVER || b.kind() == Kind.SERVER) {
            return true;
        }
        if (a.kind() == Kind.UNREGISTERED || b.kind() == Kind.UNREGISTERED) {
            return false;
        }
        boolean appA = a.app() != null;
        boolean appB = b.app() != null;
        if (appA && appB) {
            return a.app().equals(b.app());
        }
        if (!appA && !appB) {
            return true; // plain users, remote users and services among themselves: Openfire's own rules
        }
        Party app = appA ? a : b;
        Party other = appA ? b : a;
        if (other.kind() != Kind.SERVICE) {
            return false; // plain or remote users
        }
        // An app room talks to its service; an app user only to the services the operator opened.
        return app.kind() == Kind.APP_ROOM || openServices.test(other.domain());
    }

    /**
     * Disco#info between an app user and a service itself (neither a JID node nor a disco node, whose information,
     * a pubsub node's owners for one, belongs to others): clients need it to find the chat service.
     */
    private boolean isServiceDiscovery(Packet packet, Party sender, JID from, JID to) {
        if (!(packet instanceof IQ iq) || iq.getChildElement() == null
                || !DISCO_INFO_NAMESPACE.equals(iq.getChildElement().getNamespaceURI())
                || iq.getChildElement().attributeValue("node") != null) {
            return false;
        }
        Party receiver = classify(to);
        JID service = sender.kind() == Kind.SERVICE ? from : to;
        return service.getNode() == null
                && (sender.kind() == Kind.APP_USER && receiver.kind() == Kind.SERVICE
                || sender.kind() == Kind.SERVICE && receiver.kind() == Kind.APP_USER);
    }

    private Party classify(JID jid) {
        String jidDomain = jid.getDomain();
        String node = jid.getNode();
        if (!domain.equals(jidDomain)) {
            if (!jidDomain.endsWith(dotDomain)) {
                return Party.REMOTE;
            }
            // {org}#{app}_{id}: Easemob's group JIDs, on a chat service; elsewhere the component's own (a pubsub node's)
            AppKey roomApp = AppKey.ofNodePrefix(node).filter(app -> roomServices.test(jidDomain)).orElse(null);
            return new Party(roomApp == null ? Kind.SERVICE : Kind.APP_ROOM, roomApp, jidDomain);
        }
        if (node == null) {
            return Party.SERVER;
        }
        if (node.indexOf('#') < 0) {
            return Party.PLAIN_USER;
        }
        return membership.appOf(node).map(app -> new Party(Kind.APP_USER, app, null)).orElse(Party.UNREGISTERED);
    }



    private void checkIq(IQ iq, Party sender, JID from, JID to) throws StanzaRejection {
        Element query = iq.getChildElement();
        if (query == null || iq.getType() != IQ.Type.set) {
            return;
        }
        String namespace = query.getNamespaceURI();
        if (ROSTER_NAMESPACE.equals(namespace)) {
            checkRosterSet(from, query);
        } else if (REGISTER_NAMESPACE.equals(namespace) && (to == null || to.getResource() == null && domain.equals(to.getDomain()))) {
            checkRegistration(from, query);
        } else if (MUC_ADMIN_NAMESPACE.equals(namespace) || MUC_OWNER_NAMESPACE.equals(namespace)) {
            checkRoomAffiliations(to, query);
        }
    }

    private void checkRosterSet(JID from, Element query) throws StanzaRejection {
        for (Element item : query.elements("item")) {
            if ("remove".equals(item.attributeValue("subscription"))) {
                continue;
            }
            if (!allowed(from, parse(item.attributeValue("jid")))) {
                throw Refusal.ROSTER_ITEM.rejection();
            }
        }
    }

    /**
     * XEP-0077 to the server: a session of an app-shaped user may change nothing (its name, password and
     * removal belong to the app's back-end), and nobody may create or change an account whose username has
     * {@code #}, in the plain or the data form. Openfire applies nodeprep (NFKC) to the username before it
     * creates the account, so a compatibility form of {@code #} (e.g. U+FF03) counts as one.
     */
    private static void checkRegistration(JID from, Element query) throws StanzaRejection {
        if (hasHash(from.getNode())) {
            throw Refusal.REGISTRATION.rejection();
        }
        List<String> usernames = new ArrayList<>();
        usernames.add(query.elementText("username"));
        for (Element form : query.elements("x")) {
            if (DATA_FORMS_NAMESPACE.equals(form.getNamespaceURI())) {
                usernames.addAll(fieldValues(form, "username"));
            }
        }
        for (String username : usernames) {
            if (hasHash(username)) {
                throw Refusal.REGISTRATION.rejection();
            }
        }
    }

    private static boolean hasHash(String username) {
        return username != null && Normalizer.normalize(username, Normalizer.Form.NFKC).indexOf('#') >= 0;
    }

    /** Items of {@code muc#admin} / {@code muc#owner} (and owner/admin lists of a room's configuration form). */
    private void checkRoomAffiliations(JID room, Element query) throws StanzaRejection {
        if (room == null || classify(room).kind() != Kind.APP_ROOM) {
            return;
        }
        List<String> named = new ArrayList<>();
        for (Element item : query.elements("item")) {
            named.add(item.attributeValue("jid"));
        }
        for (Element form : query.elements("x")) {
            if (DATA_FORMS_NAMESPACE.equals(form.getNamespaceURI())) {
                AFFILIATION_FIELDS.forEach(field -> named.addAll(fieldValues(form, field)));
            }
        }
        checkRoomMembers(room, named);
    }

    /** Mediated invitations (XEP-0045 7.8.2) sent to an app room may invite only users of its app. */
    private void checkInvitations(Message message, JID room) throws StanzaRejection {
        if (room == null || !room.getDomain().endsWith(dotDomain)) {
            return; // rooms live on subdomains: a chat message to a user needs no look at its children
        }
        Element x = message.getChildElement("x", MUC_USER_NAMESPACE);
        if (x == null || classify(room).kind() != Kind.APP_ROOM) {
            return;
        }
        List<String> invited = new ArrayList<>();
        for (Element invite : x.elements("invite")) {
            invited.add(invite.attributeValue("to"));
        }
        checkRoomMembers(room, invited);
    }

    private void checkRoomMembers(JID room, List<String> jids) throws StanzaRejection {
        for (String jid : jids) {
            if (jid != null && !allowed(room, parse(jid))) {
                throw Refusal.ROOM_MEMBER.rejection();
            }
        }
    }

    private static List<String> fieldValues(Element form, String var) {
        List<String> values = new ArrayList<>();
        for (Element field : form.elements("field")) {
            if (var.equals(field.attributeValue("var"))) {
                field.elements("value").forEach(value -> values.add(value.getTextTrim()));
            }
        }
        return values;
    }

    private static JID parse(String jid) throws StanzaRejection {
        try {
            return jid == null ? null : new JID(jid);
        } catch (IllegalArgumentException e) {
            throw new StanzaRejection(PacketError.Condition.jid_malformed, PacketError.Type.modify, "Malformed JID " + jid);
        }
    }

    private static boolean sameBareJid(JID a, JID b) {
        return b == null || a.getDomain().equals(b.getDomain()) && Objects.equals(a.getNode(), b.getNode());
    }
}
