package io.imcloud.openfire;

import io.imcloud.xmpp.PrivacyLists;
import org.jivesoftware.openfire.SessionManager;
import org.jivesoftware.openfire.privacy.PrivacyList;
import org.jivesoftware.openfire.privacy.PrivacyListManager;
import org.jivesoftware.openfire.session.ClientSession;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@link PrivacyLists} as Openfire 5.1 applies them to a message (read in v5.1.1's source), so that what
 * is archived is what Openfire delivers or stores:
 * <ul>
 * <li>the sender's lists: {@code MessageRouter} answers {@code not-acceptable} and routes nothing when
 * the sender session's active list, else its default list, blocks a stanza from the receiver;</li>
 * <li>a receiver with sessions gets the message unless every session it would go to refuses it by the
 * same rule ({@code LocalClientSession.canDeliver}); a session keeps the default list it had at login,
 * so the first block a user ever makes (XEP-0191 creates the list) binds only their later sessions;</li>
 * <li>a receiver without sessions: {@code OfflineMessageStrategy} stores it unless the user's default
 * list, which XEP-0191 blocking edits, blocks it.</li>
 * </ul>
 * A message the server sends for a user (REST; no sender session) is asked about with the sender's stored
 * default list in place of a session's: Openfire checks no sender list then, but the receiver's session would
 * answer the sender with an error for a message the sender's client never sent, and XEP-0191 blocks both ways.
 */
final class OpenfirePrivacyLists implements PrivacyLists {

    private final Predicate<String> ownsLists;
    private final Function<String, PrivacyList> defaultListOf;
    private final Function<JID, Collection<ClientSession>> sessionsOf;

    /**
     * Lists and sessions from Openfire's {@code PrivacyListManager} and {@code SessionManager}, asked only about users
     * that {@code owners} knows to own a list.
     */
    OpenfirePrivacyLists(PrivacyListOwners owners) {
        this(owners::ownsLists, username -> PrivacyListManager.getInstance().getDefaultPrivacyList(username),
                OpenfirePrivacyLists::sessionsOf);
    }

    /**
     * Lists of the users {@code ownsLists} names, with each user's default list from {@code defaultListOf}, and the
     * sessions a message to a JID goes to (tests).
     */
    OpenfirePrivacyLists(Predicate<String> ownsLists, Function<String, PrivacyList> defaultListOf,
                         Function<JID, Collection<ClientSession>> sessionsOf) {
        this.ownsLists = ownsLists;
        this.defaultListOf = defaultListOf;
        this.sessionsOf = sessionsOf;
    }

    @Override
    public boolean blocksDelivery(Message message, ClientSession sender) {
        PrivacyList senderList = sender != null ? effectiveList(sender) : storedDefaultList(message.getFrom());
        if (senderList != null) {
            Message fromReceiver = new Message();
            fromReceiver.setType(message.getType());
            fromReceiver.setFrom(message.getTo());
            fromReceiver.setTo(message.getFrom());
            if (senderList.shouldBlockPacket(fromReceiver)) {
                return true;
            }
        }
        JID receiver = message.getTo();
        if (receiver == null || receiver.getNode() == null || !ownsLists.test(receiver.getNode())) {
            return false; // no stored list: no session of the receiver has one either
        }
        Collection<ClientSession> sessions = sessionsOf.apply(receiver);
        if (sessions.isEmpty()) {
            PrivacyList stored = storedDefaultList(receiver);
            return stored != null && stored.shouldBlockPacket(message);
        }
        return sessions.stream().allMatch(session -> refuses(session, message));
    }

    /** The default list stored for {@code user}, or null (no list, or no user). */
    private PrivacyList storedDefaultList(JID user) {
        return user == null || user.getNode() == null || !ownsLists.test(user.getNode()) ? null
                : defaultListOf.apply(user.getNode());
    }

    /** True when {@code session}'s active list, else its default list, blocks {@code stanza}. */
    private static boolean refuses(ClientSession session, Message stanza) {
        PrivacyList list = effectiveList(session);
        return list != null && list.shouldBlockPacket(stanza);
    }

    /** The list Openfire applies to {@code session}'s stanzas: its active list, else its default list, else none. */
    private static PrivacyList effectiveList(ClientSession session) {
        PrivacyList active = session.getActiveList();
        return active != null ? active : session.getDefaultList();
    }

    private static Collection<ClientSession> sessionsOf(JID receiver) {
        SessionManager sessions = SessionManager.getInstance();
        if (receiver.getResource() == null) {
            // SessionManager looks each route up again: a session that closed in between comes back as null
            return sessions.getSessions(receiver.getNode()).stream().filter(Objects::nonNull).toList();
        }
        ClientSession session = sessions.getSession(receiver);
        return session == null ? List.of() : List.of(session);
    }
}
