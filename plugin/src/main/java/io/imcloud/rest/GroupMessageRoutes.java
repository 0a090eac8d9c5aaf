package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.GroupArchive;
import io.imcloud.archive.GroupDelivery;
import io.imcloud.archive.GroupMessage;
import io.imcloud.archive.MessageDelivery;
import io.imcloud.archive.MessageIds;
import io.imcloud.groups.Group;
import io.imcloud.groups.GroupService;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Group messages over REST: Easemob's server-side send to groups ({@code POST /{org}/{app}/messages/chatgroups}), a
 * group's history ({@code GET /chatgroups/{group}/messages}) and a member's read mark
 * ({@code POST /users/{username}/chatgroups/{group}/read}).
 */
final class GroupMessageRoutes implements RouteGroup {

    /** Most groups one send reaches (Easemob's limit). */
    static final int MAX_GROUPS_PER_SEND = 3;
    private static final String GROUPCHAT = "groupchat";

    private final GroupService groups;
    private final GroupArchive archive;
    private final GroupDelivery delivery;
    private final MediaBodies media;

    GroupMessageRoutes(GroupService groups, GroupArchive archive, GroupDelivery delivery, MediaBodies media) {
        this.groups = groups;
        this.archive = archive;
        this.delivery = delivery;
        this.media = media;
    }

    @Override
    public void register(Router router) {
        router.post("/{org}/{app}/messages/chatgroups", this::send);
        router.get("/{org}/{app}/chatgroups/{group}/messages", this::history);
        router.post("/{org}/{app}/users/{username}/chatgroups/{group}/read", this::read);
    }

    /**
     * {@code {from, to: [groupid, ...], type, body, ext}} with an app token, as {@code /messages/users} takes it; at most
     * {@value #MAX_GROUPS_PER_SEND} groups. Every group and the sender are checked first; then each group's message is
     * archived and broadcast in its room. {@code data} maps each group id to its {@code msg_id}.
     */
    private void send(RestExchange ex) throws IOException {
        ex.requireApp();
        AppKey appKey = ex.app().key();
        JsonNode body = ex.jsonObjectBody();
        String sender = SendRoutes.sender(body);
        List<Group> targets = groups(appKey, body.get("to"));
        SendRoutes.Content content = SendRoutes.content(body, ex, media, GROUPCHAT);
        ex.rateLimit("send:" + appKey, targets.size(), SendRoutes.MESSAGES_PER_SECOND, SendRoutes.MESSAGES_BURST);
        if (!SendRoutes.isKnownSender(ex, appKey, sender)) {
            throw ApiException.notFound(ErrorText.SEND_NO_USER, sender, appKey);
        }
        ObjectNode envelope = ex.envelope("post");
        ObjectNode data = envelope.putObject("data");
        List<String> sent = new ArrayList<>();
        for (Group group : targets) {
            long id = archive.nextId();
            GroupMessage message = new GroupMessage(id, appKey, group.groupId(), sender, MessageIds.timestampOf(id),
                    content.type(), content.body(), content.extJson(), null, null);
            MessageDelivery.Prepared stanza = delivery.prepare(message);
            if (!archive.appendGroup(new GroupMessage(id, appKey, group.groupId(), sender, message.sentAt(), content.type(),
                    content.body(), content.extJson(), stanza.stanzaXml(), null))) {
                throw ApiException.unavailable(ErrorText.GROUP_SEND_BUSY, sent);
            }
            stanza.send();
            sent.add(Long.toString(group.groupId()));
            data.put(Long.toString(group.groupId()), Long.toString(id));
        }
        ex.reply(envelope);
    }

    /** The groups {@code to} names, each one of the app's: 400 for a bad list, 404 naming a group the app does not have. */
    private List<Group> groups(AppKey appKey, JsonNode to) {
        if (to == null || !to.isArray() || to.isEmpty() || to.size() > MAX_GROUPS_PER_SEND) {
            throw ApiException.illegalArgument(ErrorText.GROUP_IDS_ARRAY, "to", MAX_GROUPS_PER_SEND);
        }
        Map<Long, Group> found = new LinkedHashMap<>();
        for (JsonNode item : to) {
            long groupId = item.isTextual() ? MessageIds.parse(item.asText()) : item.isIntegralNumber() ? item.asLong() : -1;
            if (groupId < 0) {
                throw ApiException.illegalArgument(ErrorText.GROUP_IDS_CONTAIN, "to");
            }
            found.put(groupId, groups.find(appKey, groupId).orElseThrow(() -> ApiException.notFound(ErrorText.SEND_NO_GROUP,
                    item.asText(), appKey)));
        }
        return List.copyOf(found.values());
    }

    /**
     * Up to {@code limit} messages of the group before {@code before} (a msg_id of the group, or a millisecond timestamp),
     * newest first, for the app's back-end or a member; {@code cursor} is the {@code before} of the next page.
     */
    private void history(RestExchange ex) throws IOException {
        Caller caller = ex.caller().orElseThrow(() -> ApiException.unauthorized(ErrorText.NO_TOKEN));
        AppKey appKey = ex.app().key();
        long groupId = GroupRoutes.groupId(ex);
        if (caller.isApp() ? groups.find(appKey, groupId).isEmpty() : !groups.isMember(appKey, groupId, caller.user().username())) {
            throw GroupRoutes.groupNotFound(groupId);
        }
        int limit = ex.intQuery("limit", ConversationRoutes.DEFAULT_HISTORY_LIMIT, 1, ConversationRoutes.MAX_HISTORY_LIMIT);
        long before = before(appKey, groupId, ex.query("before"));
        ConversationRoutes.replyPage(ex, archive.groupHistory(appKey, groupId, before, limit + 1), limit,
                page -> MessageJson.of(ex, page.stream().map(MessageJson.Source::group).toList(), media), GroupMessage::msgId);
    }

    /** The upper bound of a history page: a timestamp, or a msg_id of the group (404 for one of anything else). */
    private long before(AppKey appKey, long groupId, String raw) {
        return ConversationRoutes.bound(raw, id -> archive.findGroupMessage(appKey, groupId, id).isPresent(),
                () -> ApiException.notFound(ErrorText.GROUP_MESSAGE_NOT_FOUND, raw, groupId));
    }

    /**
     * Marks the group read for the member: all of it, or up to {@code msg_id} of the optional body (an archive id or a
     * client message id). 404 when the user is no member or {@code msg_id} names no message of the group.
     */
    private void read(RestExchange ex) throws IOException {
        AppUser member = ex.owner();
        long groupId = GroupRoutes.groupId(ex);
        String upTo = ConversationRoutes.readUpTo(ex);
        int left = ConversationRoutes.awaitRead(archive.markGroupRead(member, groupId, upTo),
                member + " in group " + groupId + " up to " + upTo);
        if (left < 0) {
            throw upTo == null ? ApiException.notFound(ErrorText.GROUP_NO_MEMBER, member.username(), groupId)
                    : ApiException.notFound(ErrorText.GROUP_MEMBER_MESSAGE_NOT_FOUND, upTo, groupId, member.username());
        }
        ObjectNode envelope = ex.envelope("post");
        envelope.putObject("data").put("groupid", Long.toString(groupId)).put("unread_num", left);
        ex.reply(envelope);
    }
}
