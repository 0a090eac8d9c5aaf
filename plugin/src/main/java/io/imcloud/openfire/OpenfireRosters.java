package io.imcloud.openfire;

import io.imcloud.contacts.Rosters;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppUser;
import io.imcloud.users.UserException;
import org.jivesoftware.openfire.PresenceManager;
import org.jivesoftware.openfire.SharedGroupException;
import org.jivesoftware.openfire.XMPPServer;
import org.jivesoftware.openfire.roster.Roster;
import org.jivesoftware.openfire.roster.RosterItem;
import org.jivesoftware.openfire.user.UserAlreadyExistsException;
import org.jivesoftware.openfire.user.UserNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link Rosters} on Openfire's own rosters ({@code RosterManager}), changed through the {@code Roster} API (read in
 * v5.1.1's source) so that Openfire stores them, keeps its caches right in a cluster and pushes every change to the
 * users' clients that asked for their roster, as it does for a client's own roster sets. Changes are made one at a
 * time in this JVM (two requests adding the same pair at once would otherwise create the item twice); like
 * Openfire's own roster handler, they do not lock against a client changing the same roster at that moment.
 */
final class OpenfireRosters implements Rosters {

    private static final Logger Log = LoggerFactory.getLogger(OpenfireRosters.class);

    private final String domain;

    /** Rosters of users at {@code xmppDomain}. */
    OpenfireRosters(String xmppDomain) {
        this.domain = xmppDomain;
    }

    @Override
    public List<AppUser> contactsOf(AppUser owner) {
        List<AppUser> contacts = new ArrayList<>();
        for (RosterItem item : roster(owner).getRosterItems()) {
            RosterItem.SubType subscription = item.getSubStatus();
            JID jid = item.getJid();
            if ((subscription == RosterItem.SUB_BOTH || subscription == RosterItem.SUB_TO)
                    && jid.getNode() != null && jid.getResource() == null && domain.equals(jid.getDomain())) {
                AppUser.fromNode(jid.getNode()).ifPresent(contacts::add);
            }
        }
        return contacts;
    }

    /**
     * Sets each side's item to {@code both} with nothing pending, as a completed subscription handshake leaves it
     * ({@code Roster.updateRosterItem} stores and pushes it), then has each side's presence sent to the other's
     * online clients, which Openfire does not do on a roster change.
     */
    @Override
    public synchronized void befriend(AppUser owner, AppUser friend) {
        subscribeBoth(owner, friend);
        subscribeBoth(friend, owner);
        PresenceManager presence = XMPPServer.getInstance().getPresenceManager();
        presence.probePresence(jid(owner), jid(friend));
        presence.probePresence(jid(friend), jid(owner));
    }

    /**
     * {@code Roster.deleteRosterItem} on both sides: Openfire routes the unsubscribe and unsubscribed presences of a
     * cancelled subscription, deletes the item and pushes its removal.
     */
    @Override
    public synchronized void unfriend(AppUser owner, AppUser friend) {
        delete(owner, friend);
        delete(friend, owner);
    }

    private void subscribeBoth(AppUser owner, AppUser contact) {
        try {
            try {
                setBoth(owner, contact);
            } catch (UserNotFoundException | UserAlreadyExistsException e) {
                // the item went or came between two calls: the owner's client changed the roster at that moment; once
                // more, on the roster as it is now
                Log.debug("The roster of {} changed while {} was being added; adding again", owner, contact);
                setBoth(owner, contact);
            }
        } catch (UserNotFoundException | UserAlreadyExistsException e) {
            throw new IllegalStateException("The roster of " + owner.node() + " changed twice while " + contact.node()
                    + " was being added; try again", e);
        } catch (SharedGroupException e) {
            throw new IllegalStateException("Openfire refused to add " + contact.node() + " to the roster of " + owner.node(), e);
        }
    }

    private void setBoth(AppUser owner, AppUser contact)
            throws UserNotFoundException, UserAlreadyExistsException, SharedGroupException {
        Roster roster = roster(owner);
        JID jid = jid(contact);
        RosterItem item = roster.isRosterItem(jid) ? roster.getRosterItem(jid) : roster.createRosterItem(jid, false, true);
        if (item.getSubStatus() == RosterItem.SUB_BOTH && item.getAskStatus() == RosterItem.ASK_NONE
                && item.getRecvStatus() == RosterItem.RECV_NONE) {
            return;
        }
        item.setSubStatus(RosterItem.SUB_BOTH);
        item.setAskStatus(RosterItem.ASK_NONE);
        item.setRecvStatus(RosterItem.RECV_NONE);
        roster.updateRosterItem(item);
    }

    private void delete(AppUser owner, AppUser contact) {
        try {
            roster(owner).deleteRosterItem(jid(contact), false);
        } catch (SharedGroupException e) {
            // raised only when asked to check shared groups, which this call does not
            throw new IllegalStateException("Openfire refused to remove " + contact.node() + " from the roster of "
                    + owner.node(), e);
        }
    }

    private Roster roster(AppUser owner) {
        try {
            return XMPPServer.getInstance().getRosterManager().getRoster(owner.node());
        } catch (UserNotFoundException e) {
            // registered a moment ago by our own check: the account was deleted since
            throw new UserException(UserException.Reason.NOT_FOUND, ErrorText.USER_NOT_FOUND, owner.username());
        }
    }

    private JID jid(AppUser user) {
        return new JID(user.node(), domain, null);
    }
}
