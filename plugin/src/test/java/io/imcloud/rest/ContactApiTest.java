package io.imcloud.rest;

import io.imcloud.contacts.ContactLimits;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.RestHarness.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.imcloud.rest.ContactStack.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Contacts over real HTTP: mutual friendships on the users' rosters, the list, batches, tokens, apps and limits. */
class ContactApiTest {

    private ContactStack stack;

    @AfterEach
    void close() {
        stack.close();
    }

    @Test
    void aFriendshipIsMutualListedAndEndedOnBothSides() {
        stack = new ContactStack("alice", "bob", "carol", "dave");
        AppUser alice = stack.user("alice");
        AppUser bob = stack.user("bob");

        Response added = stack.post("/users/alice/contacts/users/BOB", stack.token, null);
        assertEquals(200, added.status(), added.body());
        assertEquals("post", added.json().get("action").asText());
        assertEquals("/users/alice/contacts/users/BOB", added.json().get("path").asText());
        assertEquals("bob", added.json().at("/entities/0/username").asText());
        assertEquals("user", added.json().at("/entities/0/type").asText());
        assertEquals("both", stack.rosters.subscription(alice, bob));
        assertEquals("both", stack.rosters.subscription(bob, alice));
        assertEquals(List.of("bob"), data(stack.get("/users/alice/contacts/users", stack.token)));
        assertEquals(List.of("alice"), data(stack.get("/users/bob/contacts/users", stack.token)));

        assertEquals(200, stack.post("/users/alice/contacts/users/bob", stack.token, null).status(), "adding again is fine");
        assertEquals(1, stack.rosters.size(alice));

        Response batch = stack.post("/users/alice/contacts/users", stack.token, Map.of("usernames", List.of("dave", "Carol")));
        assertEquals(List.of("dave", "carol"), data(batch), "in request order");
        assertEquals(List.of("bob", "carol", "dave"), data(stack.get("/users/alice/contacts/users", stack.token)), "sorted");
        assertEquals(List.of("alice"), data(stack.get("/users/dave/contacts/users", stack.token)));

        Response removed = stack.delete("/users/alice/contacts/users/bob", stack.token);
        assertEquals(200, removed.status(), removed.body());
        assertEquals("delete", removed.json().get("action").asText());
        assertEquals("bob", removed.json().at("/entities/0/username").asText());
        assertNull(stack.rosters.subscription(alice, bob));
        assertNull(stack.rosters.subscription(bob, alice));
        assertEquals(List.of("carol", "dave"), data(stack.get("/users/alice/contacts/users", stack.token)));
        assertEquals(List.of(), data(stack.get("/users/bob/contacts/users", stack.token)));
        assertEquals(200, stack.delete("/users/alice/contacts/users/bob", stack.token).status(), "ending it again is fine");
    }

    @Test
    void theListShowsWhomTheOwnerIsSubscribedToInItsOwnApp() {
        stack = new ContactStack("alice", "bob", "carol");
        AppUser alice = stack.user("alice");
        // what an XMPP subscribe that bob accepted leaves: alice sees bob's presence, bob does not see hers
        stack.rosters.subscribe(alice, stack.user("bob"), "to");
        stack.rosters.subscribe(stack.user("bob"), alice, "from");
        stack.rosters.subscribe(alice, stack.user("carol"), "from");
        stack.rosters.subscribe(alice, ContactStack.user(AppKey.of("acme", "other"), "mallory"), "both");

        assertEquals(List.of("bob"), data(stack.get("/users/alice/contacts/users", stack.token)));
        assertEquals(List.of(), data(stack.get("/users/bob/contacts/users", stack.token)));

        assertEquals(200, stack.post("/users/bob/contacts/users/alice", stack.token, null).status());
        assertEquals("both", stack.rosters.subscription(alice, stack.user("bob")), "completed to a friendship");
        assertEquals(List.of("alice"), data(stack.get("/users/bob/contacts/users", stack.token)));
    }

    /**
     * A user token reads and ends its owner's own friendships only, and makes none: a friendship opens the friend's
     * presence to the owner, which the friend did not agree to (over XMPP they answer a subscription request).
     */
    @Test
    void aUserTokenReachesOnlyItsOwnContactsAndMakesNone() {
        stack = new ContactStack("alice", "bob", "carol");
        String alice = stack.userToken("alice");
        String bob = stack.userToken("bob");

        for (Response r : List.of(stack.post("/users/alice/contacts/users/bob", alice, null),
                stack.post("/users/alice/contacts/users", alice, Map.of("usernames", List.of("carol"))))) {
            assertEquals(403, r.status(), r.body());
            assertEquals("forbidden", r.error());
        }
        assertNull(stack.rosters.subscription(stack.user("bob"), stack.user("alice")), "bob's roster untouched");
        assertEquals(200, stack.post("/users/alice/contacts/users/bob", stack.token, null).status());
        assertEquals(200, stack.post("/users/alice/contacts/users/carol", stack.token, null).status());
        assertEquals(List.of("bob", "carol"), data(stack.get("/users/alice/contacts/users", alice)));
        assertEquals(200, stack.delete("/users/alice/contacts/users/carol", alice).status());

        for (Response r : List.of(stack.get("/users/alice/contacts/users", bob),
                stack.post("/users/alice/contacts/users/carol", bob, null),
                stack.post("/users/alice/contacts/users", bob, Map.of("usernames", List.of("carol"))),
                stack.delete("/users/alice/contacts/users/bob", bob))) {
            assertEquals(403, r.status(), r.body());
            assertEquals("forbidden", r.error());
        }
        assertEquals(List.of("bob"), data(stack.get("/users/alice/contacts/users", alice)), "bob changed nothing");
        assertEquals(401, stack.get("/users/alice/contacts/users", null).status());
        assertEquals(401, stack.post("/users/alice/contacts/users/bob", "not-a-token", null).status());
    }

    @Test
    void nobodyBecomesAContactAcrossApps() {
        stack = new ContactStack("alice", "bob");
        AppCredentials other = stack.s.createApp("acme", "other", false);
        String otherToken = stack.s.appToken(other);
        stack.register(other, otherToken, "mallory", "bob");

        Response foreign = stack.post("/users/alice/contacts/users/mallory", stack.token, null);
        assertEquals(404, foreign.status(), foreign.body());
        assertEquals("service_resource_not_found", foreign.error());
        Response otherAppsToken = stack.post("/users/alice/contacts/users/bob", otherToken, null);
        assertEquals(401, otherAppsToken.status(), otherAppsToken.body());
        Response fromOtherApp = stack.s.http.post("/acme/other/users/mallory/contacts/users/alice", otherToken, null);
        assertEquals(404, fromOtherApp.status(), fromOtherApp.body());

        assertEquals(200, stack.s.http.post("/acme/other/users/mallory/contacts/users/bob", otherToken, null).status());
        assertEquals(List.of(), data(stack.get("/users/bob/contacts/users", stack.token)),
                "the other app's bob is another user");
        assertEquals(0, stack.rosters.size(stack.user("alice")));
    }

    @Test
    void unknownUsersAre404AndChangeNothing() {
        stack = new ContactStack("alice", "bob");
        for (Response r : List.of(stack.post("/users/alice/contacts/users/nobody", stack.token, null),
                stack.post("/users/nobody/contacts/users/alice", stack.token, null),
                stack.get("/users/nobody/contacts/users", stack.token),
                stack.delete("/users/alice/contacts/users/nobody", stack.token),
                stack.post("/users/alice/contacts/users", stack.token, Map.of("usernames", List.of("bob", "nobody"))))) {
            assertEquals(404, r.status(), r.body());
            assertEquals("service_resource_not_found", r.error());
        }
        assertEquals(0, stack.rosters.size(stack.user("alice")), "the batch with one unknown user added no one");

        stack.post("/users/alice/contacts/users/bob", stack.token, null);
        assertEquals(200, stack.delete("/users/bob", stack.token).status());
        Response gone = stack.post("/users/alice/contacts/users/bob", stack.token, null);
        assertEquals(404, gone.status(), "a deleted user is unknown at once: " + gone.body());
    }

    @Test
    void aBatchIsCheckedWholeBeforeAnyoneIsAdded() {
        stack = new ContactStack("alice", "bob", "carol");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 61; i++) {
            tooMany.add("user" + i);
        }
        for (Object body : List.of(Map.of("usernames", List.of()), Map.of("usernames", tooMany),
                Map.of("usernames", List.of("bob", "BOB")), Map.of("usernames", List.of("bob", "alice")),
                Map.of("usernames", List.of("bob", "b b")), Map.of("usernames", List.of("bob", 7)),
                Map.of("usernames", "bob"), Map.of("names", List.of("bob")), List.of("bob"))) {
            Response r = stack.post("/users/alice/contacts/users", stack.token, body);
            assertEquals(400, r.status(), body + ": " + r.body());
            assertEquals("illegal_argument", r.error(), body.toString());
        }
        assertEquals("json_parse", stack.post("/users/alice/contacts/users", stack.token, "{\"usernames\": [").error());
        assertEquals(400, stack.post("/users/alice/contacts/users/alice", stack.token, null).status(), "not oneself");
        assertEquals(400, stack.post("/users/alice/contacts/users/b%20b", stack.token, null).status());
        assertEquals(0, stack.rosters.size(stack.user("alice")));
    }

    @Test
    void contactLimitsHoldForTheOwnerAndForEachFriend() {
        stack = new ContactStack("alice", "bob", "carol", "dave", "erin");
        stack.limits.set(new ContactLimits(2, ContactLimits.DEFAULT_MAX_BLOCKS));
        assertEquals(List.of("bob", "carol"), data(stack.post("/users/alice/contacts/users", stack.token,
                Map.of("usernames", List.of("bob", "carol")))));

        Response full = stack.post("/users/alice/contacts/users/dave", stack.token, null);
        assertEquals(403, full.status(), full.body());
        assertEquals("exceed_limit", full.error());
        assertEquals(403, stack.post("/users/alice/contacts/users", stack.token, Map.of("usernames", List.of("bob", "dave")))
                .status(), "one new contact too many refuses the batch");
        assertEquals(200, stack.post("/users/alice/contacts/users/bob", stack.token, null).status(),
                "a friend again is no new contact");

        assertEquals(200, stack.post("/users/dave/contacts/users/bob", stack.token, null).status());
        Response friendFull = stack.post("/users/erin/contacts/users/bob", stack.token, null);
        assertEquals(403, friendFull.status(), "bob has alice and dave: " + friendFull.body());
        assertEquals("exceed_limit", friendFull.error());
        assertEquals(List.of(), data(stack.get("/users/erin/contacts/users", stack.token)));

        stack.limits.set(new ContactLimits(3, ContactLimits.DEFAULT_MAX_BLOCKS));
        assertEquals(200, stack.post("/users/erin/contacts/users/bob", stack.token, null).status(), "a new limit applies at once");
    }

    @Test
    void someoneWhoBlocksTheOwnerCannotBeAdded() {
        stack = new ContactStack("alice", "bob", "carol");
        stack.blocks.block(stack.user("bob"), List.of(stack.user("alice")));

        Response refused = stack.post("/users/alice/contacts/users", stack.token, Map.of("usernames", List.of("carol", "bob")));
        assertEquals(403, refused.status(), refused.body());
        assertEquals("forbidden", refused.error());
        assertEquals(0, stack.rosters.size(stack.user("alice")), "not even carol");
        assertEquals(403, stack.post("/users/alice/contacts/users/bob", stack.userToken("alice"), null).status());

        assertEquals(200, stack.post("/users/bob/contacts/users/alice", stack.token, null).status(),
                "the one who blocks may still add");
    }
}
