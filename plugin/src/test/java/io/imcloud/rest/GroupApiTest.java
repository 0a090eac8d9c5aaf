package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.groups.GroupLimits;
import io.imcloud.groups.GroupRole;
import io.imcloud.rest.ArchiveApiStack.TestApp;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.TestDatabase;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat group API over real HTTP, with the groups' rooms recorded: groups, members, admins, owners, limits, tenancy. */
class GroupApiTest {

    @AllDatabases
    void aGroupIsCreatedReadChangedListedAndDeletedWithItsRoom(TestDatabase db) {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            Response created = app.post("/chatgroups", app.token(), Map.of("groupname", "friends", "desc", "old friends",
                    "public", true, "maxusers", 50, "owner", "Alice", "members", List.of("bob", "carol")));
            assertEquals(200, created.status(), created.body());
            String id = created.json().at("/data/groupid").asText();
            String room = "acme#chat_" + id;
            assertEquals(Map.of("alice", GroupRole.OWNER, "bob", GroupRole.MEMBER, "carol", GroupRole.MEMBER),
                    stack.rooms.affiliations(room), "the room has the group's affiliations");
            assertEquals(List.of("invite " + room + " bob", "invite " + room + " carol"), stack.rooms.calls("invite"),
                    "the members are invited to the room");

            JsonNode details = app.get("/chatgroups/" + id, app.token()).json().at("/data/0");
            assertEquals(id, details.get("id").asText());
            assertEquals("friends", details.get("name").asText());
            assertEquals("old friends", details.get("description").asText());
            assertTrue(details.get("public").asBoolean());
            assertTrue(details.get("membersonly").asBoolean());
            assertEquals(50, details.get("maxusers").asInt());
            assertEquals("alice", details.get("owner").asText());
            assertEquals(3, details.get("affiliations_count").asInt());
            assertEquals("[{\"owner\":\"alice\"},{\"member\":\"bob\"},{\"member\":\"carol\"}]", details.get("affiliations").toString());

            Response changed = app.put("/chatgroups/" + id, app.token(), Map.of("groupname", "best friends", "maxusers", 10));
            assertEquals(200, changed.status(), changed.body());
            assertEquals("{\"groupname\":true,\"maxusers\":true}", changed.json().get("data").toString());
            details = app.get("/chatgroups/" + id, app.token()).json().at("/data/0");
            assertEquals("best friends", details.get("name").asText());
            assertEquals("old friends", details.get("description").asText(), "unchanged");
            assertEquals(10, details.get("maxusers").asInt());
            assertEquals(List.of("update " + room + " best friends"), stack.rooms.calls("update"));

            Response deleted = app.delete("/chatgroups/" + id, app.token());
            assertEquals(200, deleted.status(), deleted.body());
            assertTrue(deleted.json().at("/data/success").asBoolean());
            assertFalse(stack.rooms.exists(room), "the room is destroyed");
            assertEquals(404, app.get("/chatgroups/" + id, app.token()).status());
            assertEquals(404, app.delete("/chatgroups/" + id, app.token()).status());
        }
    }

    @AllDatabases
    void groupsAreListedInIdOrderWithACursor(TestDatabase db) {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice");
            List<String> made = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                made.add(create(app, "alice", "g" + i));
            }
            List<String> listed = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = app.get("/chatgroups?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), app.token()).json();
                page.get("data").forEach(g -> listed.add(g.get("groupid").asText()));
                assertEquals(page.get("data").size(), page.get("count").asInt());
                cursor = page.has("cursor") ? page.get("cursor").asText() : null;
                pages++;
            } while (cursor != null);
            assertEquals(made, listed);
            assertEquals(3, pages);
            JsonNode first = app.get("/chatgroups?limit=1", app.token()).json().at("/data/0");
            assertEquals("g0", first.get("groupname").asText());
            assertEquals("alice", first.get("owner").asText());
            assertEquals(1, first.get("affiliations").asInt());
            assertEquals(400, app.get("/chatgroups?cursor=x", app.token()).status());
        }
    }

    @AllDatabases
    void badRequestsChangeNothing(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            Map<String, Object> good = Map.of("groupname", "g", "owner", "alice", "members", List.of("bob"));
            for (Map.Entry<Map<String, Object>, Integer> bad : Map.of(
                    with(good, "groupname", ""), 400,
                    with(good, "groupname", "x".repeat(129)), 400,
                    with(good, "owner", "nobody"), 404,
                    with(good, "members", List.of("bob", "BOB")), 400,
                    with(good, "members", List.of("alice")), 400,
                    with(good, "members", List.of("dave")), 404,
                    with(good, "maxusers", 3001), 400,
                    with(good, "maxusers", 1), 403,
                    with(good, "public", "yes"), 400).entrySet()) {
                Response r = app.post("/chatgroups", app.token(), bad.getKey());
                assertEquals(bad.getValue(), r.status(), bad.getKey() + ": " + r.body());
            }
            assertEquals("forbidden_op", app.post("/chatgroups", app.token(), with(good, "maxusers", 1)).error());
            assertEquals(401, app.post("/chatgroups", null, good).status(), "no token");
            assertEquals(403, app.post("/chatgroups", app.userToken("alice"), good).status(), "a user token");
            assertEquals(0, db.count("ofImGroup"));
            assertEquals(0, db.count("ofImGroupMember"));
            assertTrue(stack.rooms.calls.isEmpty(), "no room was made: " + stack.rooms.calls);

            String id = create(app, "alice", "g");
            assertEquals(400, app.put("/chatgroups/" + id, app.token(), Map.of()).status());
            assertEquals(400, app.put("/chatgroups/" + id, app.token(), Map.of("maxusers", 0)).status());
            assertEquals(404, app.get("/chatgroups/12x", app.token()).status());
            assertEquals(404, app.get("/chatgroups/42", app.token()).status());
        }
    }

    @AllDatabases
    void membersAreAddedListedAndRemovedWithTheRoomsAffiliations(TestDatabase db) {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol", "dave", "erin");
            String id = create(app, "alice", "g");
            String room = "acme#chat_" + id;

            Response one = app.post("/chatgroups/" + id + "/users/Bob", app.token(), null);
            assertEquals(200, one.status(), one.body());
            assertEquals("{\"result\":true,\"groupid\":\"" + id + "\",\"action\":\"add_member\",\"user\":\"bob\"}",
                    one.json().get("data").toString());
            Response batch = app.post("/chatgroups/" + id + "/users", app.token(), Map.of("usernames", List.of("bob", "carol", "dave")));
            assertEquals(200, batch.status(), batch.body());
            assertEquals("[\"carol\",\"dave\"]", batch.json().at("/data/newmembers").toString(), "bob was a member already");
            assertEquals(Map.of("alice", GroupRole.OWNER, "bob", GroupRole.MEMBER, "carol", GroupRole.MEMBER, "dave", GroupRole.MEMBER),
                    stack.rooms.affiliations(room));
            assertEquals(3, stack.rooms.calls("invite").size(), "each new member is invited once");

            List<String> listed = new ArrayList<>();
            String cursor = null;
            do {
                JsonNode page = app.get("/chatgroups/" + id + "/users?limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
                        app.token()).json();
                page.get("data").forEach(m -> listed.add(m.toString()));
                cursor = page.has("cursor") ? page.get("cursor").asText() : null;
            } while (cursor != null);
            assertEquals(List.of("{\"owner\":\"alice\"}", "{\"member\":\"bob\"}", "{\"member\":\"carol\"}", "{\"member\":\"dave\"}"), listed);

            Response removed = app.delete("/chatgroups/" + id + "/users/bob", app.token());
            assertEquals(200, removed.status(), removed.body());
            assertEquals("remove_member", removed.json().at("/data/action").asText());
            assertEquals(404, app.delete("/chatgroups/" + id + "/users/erin", app.token()).status(), "not a member");
            Response owner = app.delete("/chatgroups/" + id + "/users/alice", app.token());
            assertEquals(403, owner.status(), owner.body());
            assertEquals("forbidden_op", owner.error());

            Response badName = app.delete("/chatgroups/" + id + "/users/carol,", app.token());
            assertEquals(400, badName.status(), badName.body());
            assertEquals(Map.of("alice", GroupRole.OWNER, "carol", GroupRole.MEMBER, "dave", GroupRole.MEMBER),
                    stack.rooms.affiliations(room), "a bad name later in the list: nobody left the room");

            Response several = app.delete("/chatgroups/" + id + "/users/carol,erin,alice,dave", app.token());
            assertEquals(200, several.status(), several.body());
            JsonNode results = several.json().get("data");
            assertEquals(4, results.size());
            assertTrue(results.get(0).get("result").asBoolean());
            assertFalse(results.get(1).get("result").asBoolean());
            assertTrue(results.get(1).get("reason").asText().contains("not a member"));
            assertFalse(results.get(2).get("result").asBoolean());
            assertTrue(results.get(3).get("result").asBoolean());
            assertEquals(Map.of("alice", GroupRole.OWNER), stack.rooms.affiliations(room), "the room lost them too");
            assertEquals(1, app.get("/chatgroups/" + id, app.token()).json().at("/data/0/affiliations_count").asInt());

            assertEquals(404, app.post("/chatgroups/" + id + "/users", app.token(), Map.of("usernames", List.of("nobody"))).status());
            assertEquals(400, app.post("/chatgroups/" + id + "/users", app.token(), Map.of("usernames", List.of())).status());
            List<String> tooMany = new ArrayList<>();
            for (int i = 0; i < 61; i++) {
                tooMany.add("u" + i);
            }
            assertEquals(400, app.post("/chatgroups/" + id + "/users", app.token(), Map.of("usernames", tooMany)).status());
            assertEquals(404, app.post("/chatgroups/99/users/bob", app.token(), null).status(), "no such group");
        }
    }

    @AllDatabases
    void aGroupTakesNoMoreMembersThanItsSizeNorAUserMoreGroupsThanTheSetting(TestDatabase db) {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol", "dave");
            Response created = app.post("/chatgroups", app.token(), Map.of("groupname", "small", "owner", "alice", "maxusers", 3));
            String id = created.json().at("/data/groupid").asText();
            Response full = app.post("/chatgroups/" + id + "/users", app.token(), Map.of("usernames", List.of("bob", "carol", "dave")));
            assertEquals(403, full.status(), full.body());
            assertEquals("forbidden_op", full.error());
            assertEquals(1, app.get("/chatgroups/" + id, app.token()).json().at("/data/0/affiliations_count").asInt(),
                    "a refused batch adds nobody");
            assertEquals(200, app.post("/chatgroups/" + id + "/users", app.token(), Map.of("usernames", List.of("bob", "carol"))).status());
            assertEquals(403, app.post("/chatgroups/" + id + "/users/dave", app.token(), null).status(), "full");
            assertEquals(403, app.put("/chatgroups/" + id, app.token(), Map.of("maxusers", 2)).status(), "below the members");

            stack.groupLimits.set(new GroupLimits(3000, 2));
            create(app, "bob", "second");
            Response third = app.post("/chatgroups", app.token(), Map.of("groupname", "third", "owner", "bob"));
            assertEquals(403, third.status(), "bob is in two groups: " + third.body());
            String carols = create(app, "carol", "carol's");
            Response joining = app.post("/chatgroups/" + carols + "/users/bob", app.token(), null);
            assertEquals(403, joining.status(), joining.body());
            assertEquals("forbidden_op", joining.error());
            assertEquals(2, app.get("/users/bob/joined_chatgroups", app.token()).json().get("count").asInt());
        }
    }

    @AllDatabases
    void adminsAndTheOwnerChangeWithTheirAffiliations(TestDatabase db) {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            String id = create(app, "alice", "g", "bob", "carol");
            String room = "acme#chat_" + id;

            Response admin = app.post("/chatgroups/" + id + "/admin", app.token(), Map.of("newadmin", "bob"));
            assertEquals(200, admin.status(), admin.body());
            assertEquals("{\"result\":\"success\",\"newadmin\":\"bob\"}", admin.json().get("data").toString());
            assertEquals(GroupRole.ADMIN, stack.rooms.affiliations(room).get("bob"));
            assertEquals("[\"bob\"]", app.get("/chatgroups/" + id + "/admin", app.token()).json().get("data").toString());
            assertEquals(403, app.post("/chatgroups/" + id + "/admin", app.token(), Map.of("newadmin", "bob")).status(), "already");
            assertEquals(403, app.post("/chatgroups/" + id + "/admin", app.token(), Map.of("newadmin", "alice")).status(), "the owner");
            assertEquals(404, app.post("/chatgroups/" + id + "/admin", app.token(), Map.of("newadmin", "dave")).status());

            assertEquals(200, app.delete("/chatgroups/" + id + "/admin/bob", app.token()).status());
            assertEquals(GroupRole.MEMBER, stack.rooms.affiliations(room).get("bob"));
            assertEquals(404, app.delete("/chatgroups/" + id + "/admin/bob", app.token()).status(), "no admin any more");

            Response transfer = app.put("/chatgroups/" + id, app.token(), Map.of("newowner", "carol"));
            assertEquals(200, transfer.status(), transfer.body());
            assertEquals("{\"newowner\":true}", transfer.json().get("data").toString());
            assertEquals("carol", app.get("/chatgroups/" + id, app.token()).json().at("/data/0/owner").asText());
            assertEquals(Map.of("alice", GroupRole.MEMBER, "bob", GroupRole.MEMBER, "carol", GroupRole.OWNER), stack.rooms.affiliations(room));
            assertEquals(403, app.put("/chatgroups/" + id, app.token(), Map.of("newowner", "carol")).status(), "owns it already");
            assertEquals(404, app.put("/chatgroups/" + id, app.token(), Map.of("newowner", "dave")).status(), "no member");
            assertEquals(200, app.delete("/chatgroups/" + id + "/users/alice", app.token()).status(), "the old owner is a plain member");
        }
    }

    @AllDatabases
    void aRoomThatRefusesTheChangeLeavesTheGroupAsItWas(TestDatabase db) {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            String id = create(app, "alice", "g");
            stack.rooms.failOn("affiliate");
            assertEquals(500, app.post("/chatgroups/" + id + "/users", app.token(), Map.of("usernames", List.of("bob", "carol"))).status());
            assertEquals(1, app.get("/chatgroups/" + id, app.token()).json().at("/data/0/affiliations_count").asInt(),
                    "no member was kept");
            stack.rooms.failOn("create");
            assertEquals(500, app.post("/chatgroups", app.token(), Map.of("groupname", "h", "owner", "alice")).status());
            assertEquals(1, app.get("/chatgroups", app.token()).json().get("count").asInt(), "no group without its room");
        }
    }

    /**
     * The room refusing a change part way: members it took out are out of the group too, and an ownership transfer,
     * an admin's demotion and a rename it refused leave the group's rows as the room has it.
     */
    @AllDatabases
    void aRoomThatRefusesPartWayLeavesTheGroupAsTheRoomHasIt(TestDatabase db) {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol", "dave");
            String id = create(app, "alice", "g", "bob", "carol", "dave");
            String room = stack.roomJids.room(app.key(), Long.parseLong(id)).getNode();
            assertEquals(200, app.post("/chatgroups/" + id + "/admin", app.token(), Map.of("newadmin", "dave")).status());

            stack.rooms.failOnce("remove", 1);
            assertEquals(500, app.delete("/chatgroups/" + id + "/users/bob,carol", app.token()).status());
            assertEquals(List.of("alice", "carol", "dave"), List.copyOf(stack.rooms.affiliations(room).keySet()));
            assertEquals(List.of("alice", "carol", "dave"), memberNames(app, id), "bob, out of the room, is out of the group");

            stack.rooms.failOnce("affiliate", 1);
            assertEquals(500, app.put("/chatgroups/" + id, app.token(), Map.of("newowner", "dave")).status());
            assertEquals("alice", app.get("/chatgroups/" + id, app.token()).json().at("/data/0/owner").asText());
            assertEquals(Map.of("alice", GroupRole.OWNER, "carol", GroupRole.MEMBER, "dave", GroupRole.ADMIN),
                    stack.rooms.affiliations(room));
            assertEquals(List.of("dave"), admins(app, id), "dave is an admin again");

            stack.rooms.failOnce("affiliate", 0);
            assertEquals(500, app.delete("/chatgroups/" + id + "/admin/dave", app.token()).status());
            assertEquals(List.of("dave"), admins(app, id));

            stack.rooms.failOnce("update", 0);
            assertEquals(500, app.put("/chatgroups/" + id, app.token(), Map.of("groupname", "renamed")).status());
            assertEquals("g", app.get("/chatgroups/" + id, app.token()).json().at("/data/0/name").asText());
        }
    }

    private static List<String> memberNames(TestApp app, String id) {
        List<String> names = new java.util.ArrayList<>();
        app.get("/chatgroups/" + id + "/users", app.token()).json().get("data")
                .forEach(m -> m.fields().forEachRemaining(f -> names.add(f.getValue().asText())));
        return names.stream().sorted().toList();
    }

    private static List<String> admins(TestApp app, String id) {
        List<String> names = new java.util.ArrayList<>();
        app.get("/chatgroups/" + id + "/admin", app.token()).json().get("data").forEach(a -> names.add(a.asText()));
        return names;
    }

    @AllDatabases
    void membersReadTheirGroupAndOthersNothing(TestDatabase db) {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            String id = create(app, "alice", "g", "bob");
            String other = create(app, "carol", "carol's");
            String bob = app.userToken("bob");
            assertEquals(200, app.get("/chatgroups/" + id, bob).status());
            assertEquals(200, app.get("/chatgroups/" + id + "/users", bob).status());
            assertEquals(200, app.get("/chatgroups/" + id + "/admin", bob).status());
            assertEquals(404, app.get("/chatgroups/" + other, bob).status(), "not bob's group");
            assertEquals(404, app.get("/chatgroups/" + other + "/users", bob).status());
            assertEquals(403, app.get("/chatgroups", bob).status(), "listing all groups needs an app token");
            assertEquals(403, app.delete("/chatgroups/" + id, bob).status());
            assertEquals(403, app.post("/chatgroups/" + id + "/users/carol", bob, null).status());

            JsonNode joined = app.get("/users/bob/joined_chatgroups", bob).json();
            assertEquals(1, joined.get("count").asInt());
            assertEquals(id, joined.at("/data/0/groupid").asText());
            assertEquals("g", joined.at("/data/0/groupname").asText());
            assertEquals(1, app.get("/users/alice/joined_chatgroups", app.token()).json().get("count").asInt());
            assertEquals(403, app.get("/users/alice/joined_chatgroups", bob).status(), "another user's groups");
            assertEquals(404, app.get("/users/nobody/joined_chatgroups", app.token()).status());
        }
    }

    @AllDatabases
    void nothingCrossesFromOneAppToAnother(TestDatabase db) {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp acme = stack.app("acme", "chat", "alice", "bob");
            TestApp other = stack.app("acme", "other", "alice", "mallory");
            String id = create(acme, "alice", "g", "bob");
            assertEquals(401, stack.s.http.get(acme.path("/chatgroups/" + id), other.token()).status(), "the other app's token");
            assertEquals(404, other.get("/chatgroups/" + id, other.token()).status(), "not a group of the other app");
            assertEquals(404, other.post("/chatgroups/" + id + "/users/mallory", other.token(), null).status());
            assertEquals(404, other.delete("/chatgroups/" + id, other.token()).status());
            assertEquals(404, acme.post("/chatgroups/" + id + "/users/mallory", acme.token(), null).status(),
                    "a user of another app cannot be a member");
            assertEquals(0, other.get("/users/alice/joined_chatgroups", other.token()).json().get("count").asInt(),
                    "the other app's alice is another user");
            assertEquals(200, acme.get("/chatgroups/" + id, acme.token()).status(), "still there");
        }
    }

    @AllDatabases
    void deletingAUserOrAnAppTakesTheirGroupsAlong(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            String alices = create(app, "alice", "alice's", "bob");
            String carols = create(app, "carol", "carol's", "alice", "bob");
            assertEquals(200, app.delete("/users/alice", app.token()).status());
            assertEquals(404, app.get("/chatgroups/" + alices, app.token()).status(), "the group she owned is gone");
            assertFalse(stack.rooms.exists("acme#chat_" + alices));
            JsonNode members = app.get("/chatgroups/" + carols + "/users", app.token()).json().get("data");
            assertEquals("[{\"member\":\"bob\"},{\"owner\":\"carol\"}]", members.toString(), "she left the group she was in");
            assertEquals(Map.of("bob", GroupRole.MEMBER, "carol", GroupRole.OWNER), stack.rooms.affiliations("acme#chat_" + carols));

            Response deleted = stack.s.http.send(stack.s.http.request("/management/apps/acme/chat", null)
                    .header("Authorization", io.imcloud.testsupport.RestHarnessStack.adminAuthorization()).DELETE());
            assertEquals(200, deleted.status(), deleted.body());
            assertFalse(stack.rooms.exists("acme#chat_" + carols), "the app's rooms are destroyed");
            assertEquals(0, db.count("ofImGroup"));
            assertEquals(0, db.count("ofImGroupMember"));
        }
    }

    @AllDatabases
    void aDeletedUserLeavesTheirGroupsEvenWhenTheRoomsRefuse(TestDatabase db) {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            String alices = create(app, "alice", "alice's", "bob");
            String bobs = create(app, "bob", "bob's", "alice");
            stack.rooms.failOn("remove");
            stack.rooms.failOn("destroy");
            assertEquals(200, app.delete("/users/alice", app.token()).status(), "the account is gone whatever the rooms say");
            assertEquals(404, app.get("/chatgroups/" + alices, app.token()).status());
            assertEquals("[{\"owner\":\"bob\"}]", app.get("/chatgroups/" + bobs + "/users", app.token()).json().get("data").toString());
            assertEquals(500, app.delete("/chatgroups/" + bobs, app.token()).status(), "a group itself is deleted only with its room");
        }
    }

    /** Creates a group over HTTP and returns its id. */
    static String create(TestApp app, String owner, String name, String... members) {
        Response r = app.post("/chatgroups", app.token(), Map.of("groupname", name, "owner", owner, "members", List.of(members)));
        assertEquals(200, r.status(), r.body());
        String id = r.json().at("/data/groupid").asText();
        assertNull(r.json().get("error"));
        return id;
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }
}
