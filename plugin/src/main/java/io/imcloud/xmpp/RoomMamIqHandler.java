package io.imcloud.xmpp;

import io.imcloud.archive.GroupArchive;
import io.imcloud.archive.GroupHistoryPage;
import io.imcloud.archive.GroupMessage;
import io.imcloud.groups.GroupMembership;
import io.imcloud.tenancy.AppUser;
import org.jivesoftware.openfire.IQHandlerInfo;
import org.jivesoftware.openfire.handler.IQHandler;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

import java.util.List;
import java.util.function.IntSupplier;

/**
 * XEP-0313 ({@code urn:xmpp:mam:2}) addressed to a group's room: a member of the group pages the group's archive, one
 * copy for the group, each message forwarded as the members got it from the room. Register it with the multi-user chat
 * service that holds the rooms ({@code MultiUserChatService.addIQHandler}), which hands it the queries sent to its rooms.
 * <p>
 * Errors: {@code forbidden} for anyone but a member of the group (a removed member reads nothing more),
 * {@code item-not-found} for an address that is no group's room, or an {@code after}/{@code before} that names no
 * message of the group, {@code feature-not-implemented} for a {@code with} filter, and what {@link MamRequest} refuses.
 */
public final class RoomMamIqHandler extends IQHandler {

    private final IQHandlerInfo info = new IQHandlerInfo("query", MamRequest.NAMESPACE);
    private final GroupArchive archive;
    private final TenantFirewall firewall;
    private final GroupRoomJids rooms;
    private final GroupMembership members;
    private final PacketSender sender;
    private final IntSupplier maxPageSize;

    /**
     * @param archive     the group archive
     * @param firewall    tenant isolation for Openfire's XMPP domain (who is an app user)
     * @param rooms       the addresses of the groups' rooms
     * @param members     who is a member of which group
     * @param sender      routes the result messages
     * @param maxPageSize the current {@code plugin.imcloud.mam.max}
     */
    public RoomMamIqHandler(GroupArchive archive, TenantFirewall firewall, GroupRoomJids rooms, GroupMembership members,
                            PacketSender sender, IntSupplier maxPageSize) {
        super("imcloud XEP-0313 group archive");
        this.archive = archive;
        this.firewall = firewall;
        this.rooms = rooms;
        this.members = members;
        this.sender = sender;
        this.maxPageSize = maxPageSize;
    }

    @Override
    public IQHandlerInfo getInfo() {
        return info;
    }

    @Override
    public IQ handleIQ(IQ iq) {
        if (iq.getType() != IQ.Type.get && iq.getType() != IQ.Type.set) {
            return null;
        }
        GroupRoomJids.GroupRef group = rooms.groupOf(iq.getTo());
        if (group == null) {
            return MamAnswers.error(iq, PacketError.Condition.item_not_found, "Only the rooms of groups keep an imcloud archive");
        }
        AppUser member = firewall.localAppUser(iq.getFrom());
        if (member == null || !member.appKey().equals(group.appKey())
                || !members.isMember(group.appKey(), group.groupId(), member.username())) {
            return MamAnswers.error(iq, PacketError.Condition.forbidden, "Only members of the group may read its archive");
        }
        if (iq.getType() == IQ.Type.get) {
            return MamAnswers.form(iq);
        }
        try {
            MamRequest request = MamRequest.parse(iq.getChildElement(), member, firewall, MamAnswers.pageSize(maxPageSize));
            if (request.query().with() != null || request.emptyByDefinition()) {
                return MamAnswers.error(iq, PacketError.Condition.feature_not_implemented,
                        "A group's archive cannot be filtered by sender");
            }
            requireGroupMessage(group, request.query().afterId());
            requireGroupMessage(group, request.query().beforeId());
            if (request.query().max() == 0) {
                return MamAnswers.countOnly(iq, archive.groupCount(group.groupId(), request.query()));
            }
            GroupHistoryPage page = archive.groupQuery(group.groupId(), request.query());
            JID room = iq.getTo().asBareJID();
            for (GroupMessage message : page.messages()) {
                sender.send(MamResults.resultMessage(iq.getFrom(), room, request.queryId(), message.msgId(), message.sentAt(),
                        MamResults.forwarded(message, room)));
            }
            List<Long> ids = page.messages().stream().map(GroupMessage::msgId).toList();
            return MamAnswers.fin(iq, request, ids, page.complete());
        } catch (MamRequest.Invalid invalid) {
            return MamAnswers.error(iq, invalid.condition, invalid.getMessage());
        }
    }

    /** An {@code after}/{@code before} must name a message of the group ({@code item-not-found} otherwise). */
    private void requireGroupMessage(GroupRoomJids.GroupRef group, Long msgId) throws MamRequest.Invalid {
        if (msgId != null && archive.findGroupMessage(group.appKey(), group.groupId(), msgId).isEmpty()) {
            throw new MamRequest.Invalid(PacketError.Condition.item_not_found, "No message of the group has the id " + msgId);
        }
    }
}
