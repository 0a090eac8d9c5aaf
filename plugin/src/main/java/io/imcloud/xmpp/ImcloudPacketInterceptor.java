package io.imcloud.xmpp;

import io.imcloud.archive.Archive;
import io.imcloud.attachments.FileUseRecorder;
import org.jivesoftware.openfire.interceptor.PacketInterceptor;
import org.jivesoftware.openfire.interceptor.PacketRejectedException;
import org.jivesoftware.openfire.session.ClientSession;
import org.jivesoftware.openfire.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

import java.util.function.Supplier;

/**
 * imcloud's one global packet interceptor (register with {@code InterceptorManager.addInterceptor}).
 * <ul>
 * <li>Read, before processing: tenant isolation ({@link TenantFirewall}) for every stanza; then, for
 * messages read from a user's own client session, forged stanza-ids stripped (whatever the message goes to) and the
 * archive hook ({@link MessageArchiver}): archivable messages stamped and queued, XEP-0333 displayed markers applied;
 * messages to a group's room given their archive id ({@link GroupMessageArchiver}), and a client's changes to a
 * group's room refused ({@link GroupRoomGuard}).
 * A rejection becomes a stanza error that Openfire 4.8+ sends to the sender's session. Stanzas from
 * another server have no session there, so the error reply is sent here, through the sender port.
 * A client session whose account looks like an app user's but is registered with no app is closed
 * on its first stanza: no login of such an account gets further than resource binding.</li>
 * <li>Sent, after delivery to a client session that is still open: DELIVERED for a stamped message.
 * On a closed connection Openfire re-routes the stanza to offline storage instead, which
 * {@link OfflineStateListener} records.</li>
 * <li>Sent, before delivery to a client session: XEP-0313 is added to the service discovery answers
 * of app users ({@link MamDiscoFeatures}), when this plugin serves XEP-0313; a group room's copy of a member's message
 * gets the room's stanza-id with its archive id ({@link GroupMessageArchiver}).</li>
 * </ul>
 * Server-generated packets (no session, or a bare-JID sender such as REST server-side sends) are
 * never archived here: whoever creates them archives and stamps them.
 */
public final class ImcloudPacketInterceptor implements PacketInterceptor {

    private static final Logger Log = LoggerFactory.getLogger(ImcloudPacketInterceptor.class);

    private final TenantFirewall firewall;
    private final MessageArchiver archiver;
    private final GroupMessageArchiver groups;
    private final GroupRoomGuard roomGuard;
    private final PacketSender errorSender;
    private final MamDiscoFeatures mamFeatures;

    /**
     * The error reply {@link #answerRemote} is routing on this thread: the router runs the interceptors on it,
     * and the firewall would refuse it (an app user writing to a remote one).
     */
    private final ThreadLocal<Packet> ownReply = new ThreadLocal<>();

    /**
     * @param archive     the message archive
     * @param firewall    tenant isolation for Openfire's XMPP domain
     * @param servesMam   whether this plugin answers XEP-0313 (and so advertises it to app users)
     * @param errorSender routes error replies to remote senders ({@code getPacketRouter()::route})
     */
    public ImcloudPacketInterceptor(Archive archive, TenantFirewall firewall, boolean servesMam, PacketSender errorSender) {
        this(firewall, new MessageArchiver(archive, firewall, () -> MessageLimits.DEFAULTS, PrivacyLists.NONE, FileUseRecorder.NONE),
                servesMam, errorSender);
    }

    /**
     * An interceptor feeding {@code archiver} (which has its size limits and privacy rules; see {@link MessageArchiver}),
     * for 1:1 messages only.
     */
    public ImcloudPacketInterceptor(TenantFirewall firewall, MessageArchiver archiver, boolean servesMam,
                                    PacketSender errorSender) {
        this(firewall, archiver, null, null, servesMam, errorSender);
    }

    /**
     * An interceptor feeding {@code archiver} with 1:1 messages and {@code groups} with the messages to and from the
     * groups' rooms, and checking clients' stanzas to those rooms with {@code roomGuard} (both null: no groups).
     */
    public ImcloudPacketInterceptor(TenantFirewall firewall, MessageArchiver archiver, GroupMessageArchiver groups,
                                    GroupRoomGuard roomGuard, boolean servesMam, PacketSender errorSender) {
        this.firewall = firewall;
        this.archiver = archiver;
        this.groups = groups;
        this.roomGuard = roomGuard;
        this.errorSender = errorSender;
        this.mamFeatures = servesMam ? new MamDiscoFeatures(firewall, groups == null ? null : groups.rooms()) : null;
    }

    /** The archiver this interceptor feeds; the offline listener shares it. */
    public MessageArchiver archiver() {
        return archiver;
    }

    @Override
    public void interceptPacket(Packet packet, Session session, boolean incoming, boolean processed)
            throws PacketRejectedException {
        if (packet == ownReply.get()) {
            return; // our error reply to a remote sender, on its way through the router that runs us again
        }
        if (incoming) {
            if (!processed) {
                beforeRouting(packet, session);
            }
        } else if (session instanceof ClientSession) {
            if (!processed && packet instanceof IQ iq && mamFeatures != null) {
                mamFeatures.addTo(iq, session.getAddress());
            } else if (!processed && packet instanceof Message message && groups != null) {
                groups.onMessageToClient(message);
            } else if (processed && packet instanceof Message message && !session.isClosed()) {
                archiver.onDelivered(message, session.getAddress());
            }
        }
    }

    private void beforeRouting(Packet packet, Session session) throws StanzaRejection {
        boolean fromClient = session instanceof ClientSession;
        // once: each Tinder getter makes the address's text again, to see whether it changed
        JID from = packet.getFrom();
        JID to = packet.getTo();
        try {
            firewall.check(packet, from, to, session == null);
            if (fromClient && roomGuard != null) {
                roomGuard.check(packet, from, to);
            }
            if (fromClient && packet instanceof Message message) {
                // before the redelivery check, which a client's own message could pass by imitating one
                XmppMessageDelivery.removeMediaBodies(message.getElement());
                if (!archiver.isRedelivery(message, from, to)) {
                    // whatever it goes to: a room strips only its own ids, and relays a private message with no session
                    StanzaIds.stripLocal(message.getElement(), firewall.domain());
                    archiver.onMessageFromClient(message, from, to, (ClientSession) session);
                    if (groups != null) {
                        groups.onMessageToRoom(message, from, to);
                    }
                }
            }
        } catch (StanzaRejection rejection) {
            Log.debug("Rejected {} from {} to {}: {}", packet.getClass().getSimpleName(), from, to, rejection.getMessage());
            if (!fromClient && firewall.isRemote(from)) {
                answerRemote(packet, rejection);
            }
            if (fromClient && TenantFirewall.isUnregisteredSender(rejection)) {
                // Openfire still answers the stanza; a closed session simply drops that answer.
                Log.info("Closing the session of {}: the account is not a registered user of an app", from);
                session.close();
            }
            throw rejection;
        }
    }

    /** Openfire answers a rejection only to a local session; a remote sender gets its error from here. */
    private void answerRemote(Packet packet, StanzaRejection rejection) {
        if (isError(packet)) {
            return; // never answer an error with an error
        }
        Packet reply = packet instanceof IQ iq ? IQ.createResultIQ(iq) : packet.createCopy();
        reply.setTo(packet.getFrom());
        reply.setFrom(packet.getTo());
        reply.setError(rejection.getRejectionError());
        ownReply.set(reply);
        try {
            errorSender.send(reply);
        } finally {
            ownReply.remove();
        }
    }

    private static boolean isError(Packet packet) {
        if (packet instanceof Message message) {
            return message.getType() == Message.Type.error;
        }
        if (packet instanceof Presence presence) {
            return presence.getType() == Presence.Type.error;
        }
        return packet instanceof IQ iq && (iq.getType() == IQ.Type.error || iq.getType() == IQ.Type.result);
    }
}
