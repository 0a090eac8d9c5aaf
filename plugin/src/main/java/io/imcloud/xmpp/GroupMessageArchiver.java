package io.imcloud.xmpp;

import io.imcloud.archive.GroupArchive;
import io.imcloud.archive.GroupMessage;
import io.imcloud.archive.MessageIds;
import io.imcloud.attachments.FileUseRecorder;
import io.imcloud.tenancy.AppUser;
import org.dom4j.Element;
import org.dom4j.QName;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import java.util.Iterator;
import java.util.function.Supplier;

/**
 * The archive side of group chat: a member's {@code groupchat} message to a group's room is archived once for the group
 * and reaches every occupant with the room's XEP-0359 stanza-id ({@code by} the room's bare JID, {@code id} the archive
 * id); an XEP-0333 {@code <displayed/>} sent to the room moves the sender's read mark in the group.
 *
 * <p>Openfire's multi-user chat service replaces every stanza-id {@code by} the room with one of its own when a stanza
 * enters the room, and decides only afterwards whether the sender may speak there. So the archive id travels through the
 * room in an element of our own ({@code <archive-id xmlns='urn:imcloud:group' id='..'/>}, added before routing), the
 * message is archived when the room has accepted and broadcast it ({@link #onBroadcast}, Openfire's
 * {@code MUCEventListener.messageReceived}: a message the room refuses is not archived), and each copy on its way to an
 * occupant's session gets the room's stanza-id with the archive id in place of Openfire's, the element removed
 * ({@link #onMessageToClient}). An element of that name a client sends is removed before anything else.
 *
 * <p>Everything here runs on Openfire's packet threads: no I/O, only the archive's queue.
 */
public final class GroupMessageArchiver {

    /** Namespace of the element that carries the archive id through the room. */
    public static final String ARCHIVE_ID_NAMESPACE = "urn:imcloud:group";
    private static final QName ARCHIVE_ID = QName.get("archive-id", ARCHIVE_ID_NAMESPACE);
    private static final String GROUPCHAT = Message.Type.groupchat.name();

    private final GroupArchive archive;
    private final TenantFirewall firewall;
    private final GroupRoomJids rooms;
    private final Supplier<MessageLimits> limits;
    private final FileUseRecorder fileUses;

    /**
     * @param archive the group archive
     * @param firewall tenant isolation for Openfire's XMPP domain (who is an app user)
     * @param rooms   the addresses of the groups' rooms
     * @param limits  the current message size limits, asked per message
     * @param fileUses where the chat files that archived messages link are noted as used
     */
    public GroupMessageArchiver(GroupArchive archive, TenantFirewall firewall, GroupRoomJids rooms, Supplier<MessageLimits> limits,
                                FileUseRecorder fileUses) {
        this.archive = archive;
        this.firewall = firewall;
        this.rooms = rooms;
        this.limits = limits;
        this.fileUses = fileUses;
    }

    /** The addresses of the rooms this archiver serves. */
    public GroupRoomJids rooms() {
        return rooms;
    }

    /**
     * A message read from a user's own session, before Openfire routes it (tenant checks passed), from {@code from} to
     * {@code to}. For a message to a group's room: removes forged archive-id elements, applies a displayed marker, and
     * gives a {@code groupchat} message with a body its archive id. A private message to one occupant
     * ({@code room/nick}) is not the group's and is left alone.
     *
     * @throws StanzaRejection {@code bad-request} when the {@code ext} is not a JSON object, {@code policy-violation} when
     *                         the body or stanza is over the {@link MessageLimits}
     */
    public void onMessageToRoom(Message message, JID from, JID to) throws StanzaRejection {
        GroupRoomJids.GroupRef group = rooms.groupOf(to);
        if (group == null) {
            return;
        }
        Element element = message.getElement();
        removeArchiveIds(element);
        AppUser sender = firewall.localAppUser(from);
        if (to.getResource() != null || sender == null || !sender.appKey().equals(group.appKey())) {
            return;
        }
        Element displayed = element.element(MessageArchiver.QNames.DISPLAYED);
        if (displayed != null) {
            markRead(sender, group.groupId(), displayed.attributeValue("id"));
        }
        String body = message.getBody();
        if (body == null || message.getType() != Message.Type.groupchat) {
            return;
        }
        MessageLimits limit = limits.get();
        if (MessageLimits.exceeds(body, limit.maxBodyBytes())) {
            throw MessageArchiver.tooLarge("body", limit.maxBodyBytes());
        }
        MessageArchiver.extOf(element);
        long id = archive.nextId();
        element.addElement(ARCHIVE_ID).addAttribute("id", Long.toString(id));
        if (MessageLimits.exceeds(StanzaXml.of(element), limit.maxStanzaBytes())) {
            removeArchiveIds(element);
            throw MessageArchiver.tooLarge("stanza", limit.maxStanzaBytes());
        }
    }

    /**
     * The room {@code roomJid} accepted {@code message} from {@code sender} (a real JID) and broadcast it: archives it
     * once for the group, as its members got it, when it carries an archive id. Never refuses: the members have it
     * already; a full archive queue is logged.
     */
    public void onBroadcast(JID roomJid, JID sender, Message message) {
        GroupRoomJids.GroupRef group = rooms.groupOf(roomJid);
        long id = archiveId(message.getElement());
        AppUser user = firewall.localAppUser(sender);
        if (group == null || id < 0 || user == null || !user.appKey().equals(group.appKey()) || message.getBody() == null) {
            return;
        }
        Message archived = message.createCopy();
        stampRoomId(archived.getElement(), roomJid.toBareJID(), id);
        String extJson;
        try {
            extJson = MessageArchiver.extOf(archived.getElement());
        } catch (StanzaRejection e) {
            return; // checked on the way in; only a message that bypassed that check can fail here
        }
        String clientId = message.getID();
        GroupMessage groupMessage = new GroupMessage(id, group.appKey(), group.groupId(), user.username(),
                MessageIds.timestampOf(id), GROUPCHAT, message.getBody(), extJson,
                StoredStanza.of(archived.getElement(), message.getBody(), extJson, roomJid.toBareJID()),
                clientId != null && clientId.length() <= MessageArchiver.MAX_CLIENT_ID_CHARS ? clientId : null);
        if (!archive.appendGroup(groupMessage)) {
            return; // delivered but not archived: the writer reports the full queue
        }
        FileLinks.noteUses(archived.getElement(), message.getBody(), group.appKey(), groupMessage.sentAt(), fileUses);
    }

    /**
     * A message on its way to a client session: a copy a group's room sends gets the room's stanza-id with the archive
     * id in place of Openfire's. The room sends one object to all of its occupants in turn, so this is done once per
     * message and is a no-op on the later turns. An archive-id element on any other message is removed.
     */
    public void onMessageToClient(Message message) {
        Element element = message.getElement();
        long id = archiveId(element);
        if (id < 0) {
            return;
        }
        if (rooms.groupOf(message.getFrom()) != null) {
            stampRoomId(element, message.getFrom().toBareJID(), id);
        } else {
            removeArchiveIds(element);
        }
    }

    /** Replaces every stanza-id {@code by} the room with the archive id's and removes the archive-id elements. */
    private static void stampRoomId(Element message, String roomBareJid, long id) {
        removeArchiveIds(message);
        for (Iterator<Element> it = message.elementIterator(); it.hasNext(); ) {
            Element child = it.next();
            if (StanzaIds.ELEMENT.equals(child.getName()) && StanzaIds.NAMESPACE.equals(child.getNamespaceURI())
                    && roomBareJid.equals(child.attributeValue("by"))) {
                it.remove();
            }
        }
        StanzaIds.stamp(message, roomBareJid, id);
    }

    /** The archive id the message carries through the room, or -1. */
    private static long archiveId(Element message) {
        Element marker = message.element(ARCHIVE_ID);
        return marker == null ? -1 : MessageIds.parse(marker.attributeValue("id"));
    }

    private static void removeArchiveIds(Element message) {
        for (Iterator<Element> it = message.elementIterator(ARCHIVE_ID); it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }

    private void markRead(AppUser member, long groupId, String upTo) {
        if (upTo == null || upTo.isEmpty() || upTo.length() > MessageArchiver.MAX_CLIENT_ID_CHARS) {
            return; // names no archived message: nothing changes
        }
        archive.markGroupRead(member, groupId, upTo).whenComplete((left, error) -> {
            if (error != null) {
                MessageArchiver.markerFailed(error, "of " + member + " in group " + groupId + " up to " + upTo);
            }
        });
    }
}
