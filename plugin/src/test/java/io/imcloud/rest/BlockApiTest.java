package io.imcloud.rest;

import io.imcloud.contacts.ContactLimits;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;
import io.imcloud.testsupport.RestHarness.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.imcloud.rest.ContactStack.data;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Block lists over real HTTP: one list with what XMPP clients block, tokens, apps, validation and the limit. */
class BlockApiTest {

    private ContactStack stack;

    @AfterEach
    void close() {
        stack.close();
    }

    @Test
    void blocksAreListedNewestFirstAndLifted() {
        stack = new ContactStack("alice", "bob", "carol", "dave");
        Response blocked = stack.post("/users/alice/blocks/users", stack.token, Map.of("usernames", List.of("bob", "CAROL")));
        assertEquals(List.of("bob", "carol"), data(blocked));
        assertEquals("post", blocked.json().get("action").asText());
        assertEquals(List.of(stack.user("bob"), stack.user("carol")), stack.blocks.blockedBy(stack.user("alice")));
        assertEquals(List.of("dave"), data(stack.post("/users/alice/blocks/users", stack.token,
                Map.of("usernames", List.of("dave")))));
        assertEquals(List.of("bob"), data(stack.post("/users/alice/blocks/users", stack.token,
                Map.of("usernames", List.of("bob")))), "blocking again is fine");
        assertEquals(List.of("dave", "bob", "carol"), data(stack.get("/users/alice/blocks/users", stack.token)));

        Response lifted = stack.delete("/users/alice/blocks/users/Bob", stack.token);
        assertEquals(200, lifted.status(), lifted.body());
        assertEquals("delete", lifted.json().get("action").asText());
        assertEquals("bob", lifted.json().at("/entities/0/username").asText());
        assertEquals(List.of("dave", "carol"), data(stack.get("/users/alice/blocks/users", stack.token)));
        assertEquals(200, stack.delete("/users/alice/blocks/users/bob", stack.token).status(), "lifting again is fine");
        assertEquals(List.of(), data(stack.get("/users/bob/blocks/users", stack.token)), "lists are one user's own");
    }

    @Test
    void aBlockMadeByAnXmppClientIsOnTheSameListAndContactsStayContacts() {
        stack = new ContactStack("alice", "bob", "carol");
        stack.post("/users/alice/contacts/users/bob", stack.token, null);
        stack.blocks.block(stack.user("alice"), List.of(stack.user("carol"), ContactStack.user(AppKey.of("acme", "other"), "mallory")));

        assertEquals(List.of("carol"), data(stack.get("/users/alice/blocks/users", stack.token)), "only alice's own app");
        assertEquals(List.of("bob", "carol"), data(stack.post("/users/alice/blocks/users", stack.token,
                Map.of("usernames", List.of("bob", "carol")))));
        assertEquals(List.of("bob", "carol"), data(stack.get("/users/alice/blocks/users", stack.token)));
        assertEquals(List.of("bob"), data(stack.get("/users/alice/contacts/users", stack.token)), "as in Easemob");
    }

    @Test
    void aUserTokenReachesOnlyItsOwnList() {
        stack = new ContactStack("alice", "bob", "carol");
        String alice = stack.userToken("alice");
        String bob = stack.userToken("bob");
        assertEquals(List.of("carol"), data(stack.post("/users/alice/blocks/users", alice, Map.of("usernames", List.of("carol")))));
        assertEquals(List.of("carol"), data(stack.get("/users/alice/blocks/users", alice)));

        for (Response r : List.of(stack.get("/users/alice/blocks/users", bob),
                stack.post("/users/alice/blocks/users", bob, Map.of("usernames", List.of("bob"))),
                stack.delete("/users/alice/blocks/users/carol", bob))) {
            assertEquals(403, r.status(), r.body());
            assertEquals("forbidden", r.error());
        }
        assertEquals(200, stack.delete("/users/alice/blocks/users/carol", alice).status());
        assertEquals(List.of(), data(stack.get("/users/alice/blocks/users", alice)));
        assertEquals(401, stack.get("/users/alice/blocks/users", null).status());
    }

    @Test
    void unknownAndForeignUsersAre404() {
        stack = new ContactStack("alice", "bob");
        AppCredentials other = stack.s.createApp("acme", "other", false);
        String otherToken = stack.s.appToken(other);
        stack.register(other, otherToken, "mallory");

        for (Response r : List.of(stack.post("/users/alice/blocks/users", stack.token, Map.of("usernames", List.of("bob", "mallory"))),
                stack.post("/users/nobody/blocks/users", stack.token, Map.of("usernames", List.of("bob"))),
                stack.get("/users/nobody/blocks/users", stack.token),
                stack.delete("/users/alice/blocks/users/mallory", stack.token),
                stack.s.http.post("/acme/other/users/mallory/blocks/users", otherToken, Map.of("usernames", List.of("alice"))))) {
            assertEquals(404, r.status(), r.body());
            assertEquals("service_resource_not_found", r.error());
        }
        assertEquals(401, stack.get("/users/alice/blocks/users", otherToken).status(), "another app's token");
        assertEquals(List.of(), stack.blocks.blockedBy(stack.user("alice")), "bob was not blocked either");
    }

    @Test
    void aRequestIsCheckedWholeBeforeAnyoneIsBlocked() {
        stack = new ContactStack("alice", "bob");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 61; i++) {
            tooMany.add("user" + i);
        }
        for (Object body : List.of(Map.of("usernames", List.of()), Map.of("usernames", tooMany),
                Map.of("usernames", List.of("bob", "Bob")), Map.of("usernames", List.of("bob", "alice")),
                Map.of("usernames", List.of("bob", "b/b")), Map.of("usernames", List.of(true)), Map.of(), "[]")) {
            Response r = stack.post("/users/alice/blocks/users", stack.token, body);
            assertEquals(400, r.status(), body + ": " + r.body());
            assertEquals("illegal_argument", r.error(), body.toString());
        }
        assertEquals(400, stack.delete("/users/alice/blocks/users/alice", stack.token).status(), "not oneself");
        assertEquals(List.of(), stack.blocks.blockedBy(stack.user("alice")));
    }

    @Test
    void theListHoldsAtMostTheLimit() {
        stack = new ContactStack("alice", "bob", "carol", "dave");
        stack.limits.set(new ContactLimits(ContactLimits.DEFAULT_MAX_CONTACTS, 2));
        data(stack.post("/users/alice/blocks/users", stack.token, Map.of("usernames", List.of("bob", "carol"))));

        Response full = stack.post("/users/alice/blocks/users", stack.token, Map.of("usernames", List.of("bob", "dave")));
        assertEquals(403, full.status(), full.body());
        assertEquals("exceed_limit", full.error());
        assertEquals(List.of("bob", "carol"), data(stack.get("/users/alice/blocks/users", stack.token)), "dave was not blocked");
        assertEquals(200, stack.post("/users/alice/blocks/users", stack.token, Map.of("usernames", List.of("carol"))).status(),
                "blocking again needs no room");
        stack.delete("/users/alice/blocks/users/bob", stack.token);
        assertEquals(List.of("dave"), data(stack.post("/users/alice/blocks/users", stack.token, Map.of("usernames", List.of("dave")))));
    }
}
