package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.GroupArchive;
import io.imcloud.archive.GroupDelivery;
import io.imcloud.archive.MessageIds;
import io.imcloud.attachments.Attachments;
import io.imcloud.groups.Group;
import io.imcloud.groups.GroupMember;
import io.imcloud.groups.GroupPage;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.MemberPage;
import io.imcloud.groups.NewGroup;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Easemob's chat group API ({@code /{org}/{app}/chatgroups}): create, list, get, change, delete; members (one, a batch,
 * removal of one or a comma-separated batch, listing with a cursor); admins; owner transfer; a user's groups. Changes
 * take an app token; reading a group, its members and admins also takes the token of one of its members, a user's
 * groups the user's own token.
 */
public final class GroupRoutes implements RouteGroup {

    /** Default and largest page of groups and of members. */
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;
    /** Most members listed in a group's details ({@code affiliations}); page the rest with the members route. */
    static final int MAX_DETAIL_MEMBERS = 100;

    private final GroupService groups;

    GroupRoutes(GroupService groups) {
        this.groups = groups;
    }

    /**
     * The group route groups: the chat group API, and group messages (server-side send, history, read marks).
     *
     * @param groups      the app's groups
     * @param archive     the group archive (the plugin's {@code SqlArchive})
     * @param delivery    broadcasts server-side sends in the groups' rooms ({@code io.imcloud.xmpp.XmppGroupDelivery})
     * @param attachments the files that voice, image and file messages point at
     * @param urls        where those files are served
     */
    public static List<RouteGroup> all(GroupService groups, GroupArchive archive, GroupDelivery delivery, Attachments attachments,
                                       FileUrls urls) {
        return List.of(new GroupRoutes(groups), new GroupMessageRoutes(groups, archive, delivery, new MediaBodies(attachments, urls)));
    }

    @Override
    public void register(Router router) {
        router.post("/{org}/{app}/chatgroups", this::create);
        router.get("/{org}/{app}/chatgroups", this::list);
        router.get("/{org}/{app}/chatgroups/{group}", this::get);
        router.put("/{org}/{app}/chatgroups/{group}", this::update);
        router.delete("/{org}/{app}/chatgroups/{group}", this::delete);
        router.get("/{org}/{app}/chatgroups/{group}/users", this::members);
        router.post("/{org}/{app}/chatgroups/{group}/users", this::addMembers);
        router.post("/{org}/{app}/chatgroups/{group}/users/{username}", this::addMember);
        router.delete("/{org}/{app}/chatgroups/{group}/users/{usernames}", this::removeMembers);
        router.get("/{org}/{app}/chatgroups/{group}/admin", this::admins);
        router.post("/{org}/{app}/chatgroups/{group}/admin", this::addAdmin);
        router.delete("/{org}/{app}/chatgroups/{group}/admin/{username}", this::removeAdmin);
        router.get("/{org}/{app}/users/{username}/joined_chatgroups", this::joined);
    }

    /**
     * {@code {groupname, description (or desc), public, maxusers, owner, members: [...]}} to {@code data: {groupid}};
     * the owner and every member must be users of the app.
     */
    private void create(RestExchange ex) throws IOException {
        ex.requireApp();
        JsonNode body = ex.jsonObjectBody();
        String description = RestExchange.text(body, "description");
        Group group = groups.create(ex.app().key(), new NewGroup(RestExchange.text(body, "groupname"),
                description != null ? description : RestExchange.text(body, "desc"), flag(body, "public"),
                integer(body, "maxusers"), RestExchange.text(body, "owner"), usernames(body.get("members"), "members", true)));
        ObjectNode envelope = ex.envelope("post");
        envelope.putObject("data").put("groupid", Long.toString(group.groupId()));
        ex.reply(envelope);
    }

    private void list(RestExchange ex) throws IOException {
        ex.requireApp();
        GroupPage page = groups.page(ex.app().key(), ex.query("cursor"), ex.intQuery("limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
        ArrayNode data = ex.array();
        for (Group g : page.groups()) {
            data.addObject().put("groupid", Long.toString(g.groupId())).put("groupname", g.name()).put("owner", g.owner())
                    .put("affiliations", g.memberCount()).put("type", "group").put("public", g.isPublic())
                    .put("created", g.created()).put("last_modified", g.modified());
        }
        ObjectNode envelope = ex.envelope("get");
        envelope.set("data", data);
        envelope.put("count", page.groups().size());
        if (page.cursor() != null) {
            envelope.put("cursor", page.cursor());
        }
        ex.reply(envelope);
    }

    /** Easemob's group details, as a one-element {@code data} array. */
    private void get(RestExchange ex) throws IOException {
        Group g = readable(ex);
        ObjectNode o = ex.context().json().createObjectNode();
        o.put("id", Long.toString(g.groupId()));
        o.put("name", g.name());
        o.put("description", g.description() == null ? "" : g.description());
        o.put("membersonly", true);
        o.put("allowinvites", false);
        o.put("public", g.isPublic());
        o.put("maxusers", g.maxUsers());
        o.put("owner", g.owner());
        o.put("created", g.created());
        o.put("affiliations_count", g.memberCount());
        ArrayNode affiliations = o.putArray("affiliations");
        groups.members(g.appKey(), g.groupId(), null, MAX_DETAIL_MEMBERS).members()
                .forEach(m -> affiliations.addObject().put(m.role().label(), m.username()));
        ObjectNode envelope = ex.envelope("get");
        envelope.set("data", ex.array().add(o));
        envelope.put("count", 1);
        ex.reply(envelope);
    }

    /**
     * {@code {groupname, description, maxusers}} (any of them) to {@code data: {groupname: true, ...}}, or
     * {@code {newowner}} to give the group to a member ({@code data: {newowner: true}}).
     */
    private void update(RestExchange ex) throws IOException {
        ex.requireApp();
        long groupId = groupId(ex);
        JsonNode body = ex.jsonObjectBody();
        ObjectNode envelope = ex.envelope("put");
        ObjectNode data = envelope.putObject("data");
        String newOwner = RestExchange.text(body, "newowner");
        if (newOwner != null) {
            if (body.size() != 1) {
                throw ApiException.illegalArgument(ErrorText.NEWOWNER_ALONE);
            }
            groups.transferOwner(ex.app().key(), groupId, newOwner);
            data.put("newowner", true);
            ex.reply(envelope);
            return;
        }
        String name = RestExchange.text(body, "groupname");
        String description = RestExchange.text(body, "description");
        Integer maxUsers = integer(body, "maxusers");
        if (name == null && description == null && maxUsers == null) {
            throw ApiException.illegalArgument(ErrorText.GROUP_UPDATE_BODY);
        }
        groups.update(ex.app().key(), groupId, name, description, maxUsers);
        if (name != null) {
            data.put("groupname", true);
        }
        if (description != null) {
            data.put("description", true);
        }
        if (maxUsers != null) {
            data.put("maxusers", true);
        }
        ex.reply(envelope);
    }

    private void delete(RestExchange ex) throws IOException {
        ex.requireApp();
        long groupId = groupId(ex);
        if (!groups.delete(ex.app().key(), groupId)) {
            throw groupNotFound(groupId);
        }
        ObjectNode envelope = ex.envelope("delete");
        envelope.putObject("data").put("success", true).put("groupid", Long.toString(groupId));
        ex.reply(envelope);
    }

    /** {@code data: [{owner: "..."}, {admin: "..."}, {member: "..."}]} by username, with {@code limit} and {@code cursor}. */
    private void members(RestExchange ex) throws IOException {
        Group g = readable(ex);
        MemberPage page = groups.members(g.appKey(), g.groupId(), ex.query("cursor"), ex.intQuery("limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
        ArrayNode data = ex.array();
        for (GroupMember m : page.members()) {
            data.addObject().put(m.role().label(), m.username());
        }
        ObjectNode envelope = ex.envelope("get");
        envelope.set("data", data);
        envelope.put("count", page.members().size());
        if (page.cursor() != null) {
            envelope.put("cursor", page.cursor());
        }
        ex.reply(envelope);
    }

    /** {@code {usernames: [...]}} (at most {@value GroupService#MAX_BATCH}) to {@code data: {newmembers: [...], groupid, action}}. */
    private void addMembers(RestExchange ex) throws IOException {
        ex.requireApp();
        long groupId = groupId(ex);
        List<String> added = groups.addMembers(ex.app().key(), groupId, usernames(ex.jsonObjectBody().get("usernames"), "usernames", false));
        ObjectNode envelope = ex.envelope("post");
        ObjectNode data = envelope.putObject("data");
        ArrayNode names = data.putArray("newmembers");
        added.forEach(names::add);
        data.put("groupid", Long.toString(groupId)).put("action", "add_member");
        ex.reply(envelope);
    }

    /** One member to {@code data: {result, groupid, action, user}}; {@code result} is false when they were a member already. */
    private void addMember(RestExchange ex) throws IOException {
        ex.requireApp();
        long groupId = groupId(ex);
        String username = RestExchange.username(ex.pathParam("username"), "username");
        List<String> added = groups.addMembers(ex.app().key(), groupId, List.of(username));
        ObjectNode envelope = ex.envelope("post");
        envelope.putObject("data").put("result", !added.isEmpty()).put("groupid", Long.toString(groupId))
                .put("action", "add_member").put("user", username);
        ex.reply(envelope);
    }

    /**
     * One member ({@code data: {result, action, user, groupid}}; 404 for a user who is no member, 403 for the owner) or a
     * comma-separated batch ({@code data: [{result, action, reason?, user, groupid}, ...]}).
     */
    private void removeMembers(RestExchange ex) throws IOException {
        ex.requireApp();
        long groupId = groupId(ex);
        String raw = ex.pathParam("usernames");
        List<String> usernames = Arrays.asList(raw.split(",", -1));
        List<GroupService.Removal> results = groups.removeMembers(ex.app().key(), groupId, usernames);
        ObjectNode envelope = ex.envelope("delete");
        if (usernames.size() == 1) {
            GroupService.Removal r = results.get(0);
            if (!r.removed()) {
                throw r.outcome() == GroupService.Removal.Outcome.OWNER ? ApiException.forbiddenOp(r.reason())
                        : ApiException.notFound(r.reason());
            }
            envelope.set("data", removal(ex, groupId, r));
        } else {
            ArrayNode data = ex.array();
            results.forEach(r -> data.add(removal(ex, groupId, r)));
            envelope.set("data", data);
        }
        ex.reply(envelope);
    }

    private static ObjectNode removal(RestExchange ex, long groupId, GroupService.Removal r) {
        ObjectNode o = ex.context().json().createObjectNode();
        o.put("result", r.removed()).put("action", "remove_member");
        if (r.reason() != null) {
            o.put("reason", r.reason().in(ex.language()));
        }
        return o.put("user", r.username()).put("groupid", Long.toString(groupId));
    }

    private void admins(RestExchange ex) throws IOException {
        Group g = readable(ex);
        ArrayNode data = ex.array();
        groups.admins(g.appKey(), g.groupId()).forEach(data::add);
        ObjectNode envelope = ex.envelope("get");
        envelope.set("data", data);
        envelope.put("count", data.size());
        ex.reply(envelope);
    }

    /** {@code {newadmin}}: a member becomes an admin; {@code data: {result: "success", newadmin}}. */
    private void addAdmin(RestExchange ex) throws IOException {
        ex.requireApp();
        long groupId = groupId(ex);
        String username = RestExchange.text(ex.jsonObjectBody(), "newadmin");
        if (username == null) {
            throw ApiException.illegalArgument(ErrorText.BODY_MUST_BE, "{\"newadmin\": \"...\"}");
        }
        groups.addAdmin(ex.app().key(), groupId, username);
        ObjectNode envelope = ex.envelope("post");
        envelope.putObject("data").put("result", "success").put("newadmin", AppUser.normalize(username));
        ex.reply(envelope);
    }

    private void removeAdmin(RestExchange ex) throws IOException {
        ex.requireApp();
        long groupId = groupId(ex);
        String username = RestExchange.username(ex.pathParam("username"), "oldadmin");
        groups.removeAdmin(ex.app().key(), groupId, username);
        ObjectNode envelope = ex.envelope("delete");
        envelope.putObject("data").put("result", "success").put("oldadmin", username);
        ex.reply(envelope);
    }

    /** The groups of a user: {@code data: [{groupid, groupname}]}, with an app token or the user's own. */
    private void joined(RestExchange ex) throws IOException {
        AppUser user = ex.owner();
        ArrayNode data = ex.array();
        for (Group g : groups.joined(user)) {
            data.addObject().put("groupid", Long.toString(g.groupId())).put("groupname", g.name());
        }
        ObjectNode envelope = ex.envelope("get");
        envelope.set("data", data);
        envelope.put("count", data.size());
        ex.reply(envelope);
    }

    /**
     * The group of the path, for a caller who may read it: the app's back-end or one of the group's members. A user who
     * is no member gets the same 404 as for a group that does not exist.
     */
    private Group readable(RestExchange ex) {
        Caller caller = ex.caller().orElseThrow(() -> ApiException.unauthorized(ErrorText.NO_TOKEN));
        long groupId = groupId(ex);
        AppKey app = ex.app().key();
        if (!caller.isApp() && !groups.isMember(app, groupId, caller.user().username())) {
            throw groupNotFound(groupId);
        }
        return groups.find(app, groupId).orElseThrow(() -> groupNotFound(groupId));
    }

    /** The group id of the path: 404 when it cannot name a group. */
    static long groupId(RestExchange ex) {
        String raw = ex.pathParam("group");
        long groupId = MessageIds.parse(raw);
        if (groupId < 0) {
            throw ApiException.notFound(ErrorText.GROUP_NOT_FOUND, raw);
        }
        return groupId;
    }

    static ApiException groupNotFound(long groupId) {
        return ApiException.notFound(ErrorText.GROUP_NOT_FOUND, groupId);
    }

    /** The usernames of the array {@code node} (absent: none when {@code optional}); 400 for anything else. */
    private static List<String> usernames(JsonNode node, String what, boolean optional) {
        if (node == null || node.isNull()) {
            if (optional) {
                return List.of();
            }
            throw ApiException.illegalArgument(ErrorText.USERNAMES_ARRAY, what);
        }
        if (!node.isArray()) {
            throw ApiException.illegalArgument(ErrorText.USERNAMES_ARRAY, what);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw ApiException.illegalArgument(ErrorText.CONTAINS_USERNAMES, what);
            }
            names.add(item.asText());
        }
        return names;
    }

    private static boolean flag(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiException.illegalArgument(ErrorText.NOT_BOOLEAN, name);
        }
        return v.asBoolean();
    }

    private static Integer integer(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isInt()) {
            throw ApiException.illegalArgument(ErrorText.NOT_WHOLE_NUMBER, name);
        }
        return v.asInt();
    }
}
