package io.imcloud.xmpp;

import io.imcloud.archive.Archive;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageIds;
import io.imcloud.attachments.FileUseRecorder;
import io.imcloud.tenancy.AppUser;
import org.dom4j.Element;
import org.jivesoftware.openfire.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.PacketError;

import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The archive side of the message path (DESIGN.md section 7): stamps and archives 1:1 messages
 * between users of one app as they are read from the sender's session, records when a stamped
 * message reaches one of the receiver's sessions or the offline store, and turns XEP-0333
 * {@code <displayed/>} markers into read marks.
 * <p>
 * Everything here runs on Openfire's packet threads: no I/O, only the archive's queue.
 * <p>
 * Easemob {@code ext} travels in the stanza as {@code <ext xmlns='urn:imcloud:ext'>{JSON object}</ext>};
 * it must be one JSON object of at most {@link #MAX_EXT_CHARS} characters, else the message is
 * refused with {@code bad-request}. A message over the {@link MessageLimits} is refused with
 * {@code policy-violation} before it is archived (and so before Openfire routes it).
 */
public final class MessageArchiver {

    private static final Logger Log = LoggerFactory.getLogger(MessageArchiver.class);

    /** Namespace of the Easemob {@code ext} child element. */
    public static final String EXT_NAMESPACE = "urn:imcloud:ext";
    /** Name of the Easemob {@code ext} child element. */
    public static final String EXT_ELEMENT = "ext";
    /** Largest accepted {@code ext} JSON text. */
    public static final int MAX_EXT_CHARS = 16_384;
    /** Client message ids longer than the archive column are not kept (the message still is). */
    static final int MAX_CLIENT_ID_CHARS = 128;
    static final String MARKERS_NAMESPACE = "urn:xmpp:chat-markers:0";

    private final Archive archive;
    private final TenantFirewall firewall;
    private final Supplier<MessageLimits> limits;
    private final PrivacyLists privacy;
    private final FileUseRecorder fileUses;
    private final ClientResends resends = new ClientResends();

    /**
     * An archiver writing to {@code archive}, for the users of {@code firewall}'s domain, refusing messages over
     * the current {@code limits} (asked per message, so that a changed setting applies at once), leaving out
     * what {@code privacy} keeps from its receiver, and noting on {@code fileUses} the chat files archived messages link.
     */
    public MessageArchiver(Archive archive, TenantFirewall firewall, Supplier<MessageLimits> limits, PrivacyLists privacy,
                           FileUseRecorder fileUses) {
        this.archive = archive;
        this.firewall = firewall;
        this.limits = limits;
        this.privacy = privacy;
        this.fileUses = fileUses;
    }

    /**
     * A message read from {@code session}, a user's own, before Openfire routes it (tenant checks passed); {@code from}
     * and {@code to} are its addresses, read once by the interceptor.
     * Archives and stamps an archivable message (the interceptor stripped forged stanza-ids), applies a read marker. A
     * message that the sender's or the receiver's privacy or block list keeps from the receiver is left alone: Openfire
     * refuses or drops it, and it is neither archived nor counted.
     *
     * @throws StanzaRejection {@code resource-constraint} (wait) when the archive queue is full,
     *                         {@code bad-request} when the {@code ext} is not a JSON object,
     *                         {@code policy-violation} (modify) when the body or stanza is over the {@link MessageLimits}
     */
    public void onMessageFromClient(Message message, JID from, JID to, ClientSession session) throws StanzaRejection {
        AppUser receiver = firewall.localAppUser(to);
        if (receiver == null) {
            return;
        }
        Element element = message.getElement();
        AppUser sender = firewall.localAppUser(from);
        if (sender == null || !sender.appKey().equals(receiver.appKey()) || sender.equals(receiver)) {
            return;
        }
        Element displayed = element.element(QNames.DISPLAYED);
        if (displayed != null) {
            markRead(sender, receiver, displayed.attributeValue("id"));
        }
        String body = message.getBody();
        Message.Type type = message.getType(); // once: Tinder parses the attribute at each call
        if (body == null || !isArchivedType(type)) {
            return;
        }
        MessageLimits limit = limits.get();
        if (MessageLimits.exceeds(body, limit.maxBodyBytes())) {
            throw tooLarge("body", limit.maxBodyBytes());
        }
        String extJson = extOf(element);
        if (privacy.blocksDelivery(message, session)) {
            Log.debug("Not archiving a message from {} to {} of app {}: a privacy or block list keeps it from the receiver",
                    sender.username(), receiver.username(), receiver.appKey());
            return;
        }
        String receiverJid = to.toBareJID();
        String clientId = message.getID();
        long resent = clientId == null ? -1 : resends.archiveIdOf(sender, receiver, clientId, body);
        if (resent >= 0) {
            // the client sends it again (its stream was not resumed): the same message, archived and counted once
            StanzaIds.stamp(element, receiverJid, resent);
            return;
        }
        long id = archive.nextId();
        StanzaIds.stamp(element, receiverJid, id);
        // once: measured here, archived below
        StoredStanza.Split stored = StoredStanza.split(element, body, extJson, receiverJid);
        if (stored.exceeds(limit.maxStanzaBytes())) {
            StanzaIds.stripLocal(element, firewall.domain()); // not archived: the error copy must not claim it was
            throw tooLarge("stanza", limit.maxStanzaBytes());
        }
        ArchivedMessage archived = new ArchivedMessage(id, receiver.appKey(), sender.username(), receiver.username(),
                MessageIds.timestampOf(id), type.name(), body, extJson, stored.xml(),
                clientId != null && clientId.length() <= MAX_CLIENT_ID_CHARS ? clientId : null, DeliveryState.PENDING);
        if (!archive.append(archived)) {
            StanzaIds.stripLocal(element, firewall.domain()); // not archived: the error copy must not claim it was
            throw new StanzaRejection(PacketError.Condition.resource_constraint, PacketError.Type.wait,
                    "The message archive is busy; please retry later");
        }
        if (clientId != null) {
            resends.sent(sender, receiver, clientId, body, id);
        }
        FileLinks.noteUses(element, body, receiver.appKey(), archived.sentAt(), fileUses);
    }

    /**
     * True when {@code message}, read as if its sender's client sent it, is one of ours that Openfire routes again: a
     * stream-management session (XEP-0198) that closed before acknowledging it hands it back to the router, from the
     * sender's address (whose session may still be there), with a delay from this server and the stanza-id it was
     * archived under. It must keep that id and not be archived again.
     */
    public boolean isRedelivery(Message message, JID from, JID to) {
        Element delay = message.getElement().element(QNames.DELAY);
        if (delay == null || !firewall.domain().equals(delay.attributeValue("from"))) {
            return false;
        }
        AppUser sender = firewall.localAppUser(from);
        AppUser receiver = firewall.localAppUser(to);
        long id = receiver == null ? -1 : StanzaIds.find(message.getElement(), to.toBareJID());
        // committed ones only, never a wait for the queue on a packet thread: such a message was archived long before its
        // session timed out, and a client that dresses up its messages this way costs one indexed read each
        return sender != null && id >= 0 && archive.find(receiver.appKey(), id)
                .filter(m -> m.sender().equals(sender.username()) && m.receiver().equals(receiver.username())).isPresent();
    }

    /** A message handed to one of {@code receiverAddress}'s sessions: DELIVERED when it is one we stamped. */
    public void onDelivered(Message message, JID receiverAddress) {
        markStamped(message, receiverAddress, DeliveryState.DELIVERED);
    }

    /**
     * A message put into Openfire's offline store: OFFLINE when it is one we stamped.
     *
     * @return the archived message's receiver and id when it is one we stamped, else null
     */
    public Stamped onStoredOffline(Message message) {
        return markStamped(message, message.getTo(), DeliveryState.OFFLINE);
    }

    /** An archived message we stamped: its receiver and archive id. */
    public record Stamped(AppUser receiver, long msgId) {
    }

    private Stamped markStamped(Message message, JID receiverAddress, DeliveryState state) {
        if (message.getBody() == null || !isArchivedType(message.getType())) {
            return null;
        }
        AppUser receiver = firewall.localAppUser(receiverAddress);
        long id = receiver == null ? -1 : StanzaIds.find(message.getElement(), receiverAddress.toBareJID());
        if (id < 0) {
            return null;
        }
        AppUser sender = firewall.localAppUser(message.getFrom());
        if (sender != null && sender.appKey().equals(receiver.appKey())) {
            archive.markState(receiver.appKey(), id, state);
            return new Stamped(receiver, id);
        }
        return null;
    }

    private void markRead(AppUser owner, AppUser peer, String upTo) {
        if (upTo == null || upTo.isEmpty() || upTo.length() > MAX_CLIENT_ID_CHARS) {
            return; // names no archived message: nothing changes
        }
        archive.markRead(owner, peer.username(), upTo).whenComplete((left, error) -> {
            if (error != null) {
                markerFailed(error, "of " + owner + " for " + peer.username() + " up to " + upTo);
            }
        });
    }

    /**
     * Logs a displayed marker that could not be applied ({@code error}): a full archive queue at debug (the writer reports that itself,
     * at most once a while, and a marker comes with every message shown), anything else as a warning.
     */
    static void markerFailed(Throwable error, String marker) {
        if (error instanceof RejectedExecutionException) {
            Log.debug("Displayed marker {} not applied: the archive queue is full", marker);
        } else {
            Log.warn("Could not apply displayed marker {}", marker, error);
        }
    }

    static StanzaRejection tooLarge(String what, int maxBytes) {
        return StanzaRejection.policyViolation("The message " + what + " is larger than " + maxBytes + " bytes");
    }

    /** The Easemob {@code ext} JSON of {@code message}, or null; refuses one that is not a JSON object of bounded size. */
    static String extOf(Element message) throws StanzaRejection {
        Element ext = message.element(QNames.EXT);
        if (ext == null) {
            return null;
        }
        String json = ext.getText();
        if (json.length() > MAX_EXT_CHARS || !JsonSyntax.isObject(json)) {
            throw new StanzaRejection(PacketError.Condition.bad_request, PacketError.Type.modify,
                    "ext must be one JSON object of at most " + MAX_EXT_CHARS + " characters");
        }
        return json.strip();
    }

    private static boolean isArchivedType(Message.Type type) {
        return type == Message.Type.chat || type == Message.Type.normal;
    }

    /** Qualified names looked up per message, built once. */
    static final class QNames {
        static final org.dom4j.QName DISPLAYED = org.dom4j.QName.get("displayed", MARKERS_NAMESPACE);
        static final org.dom4j.QName EXT = org.dom4j.QName.get(EXT_ELEMENT, EXT_NAMESPACE);
        static final org.dom4j.QName DELAY = org.dom4j.QName.get("delay", "urn:xmpp:delay");
    }
}
