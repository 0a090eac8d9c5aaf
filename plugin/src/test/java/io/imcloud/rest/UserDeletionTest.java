package io.imcloud.rest;

import io.imcloud.archive.ArchiveFixtures;
import io.imcloud.archive.ArchiveQuery;
import io.imcloud.rest.ArchiveApiStack.TestApp;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.TestDatabase;
import org.xmpp.packet.Message;

import static io.imcloud.testsupport.RestHarnessStack.user;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** DESIGN.md section 5: deleting a user deletes what was theirs; a later user of the same name starts empty. */
class UserDeletionTest {

    /**
     * zed has history, unread messages, an offline message and a token; after DELETE and a new registration of zed,
     * neither the new zed (REST and the XEP-0313 archive) nor bob, zed's old peer, sees anything of it.
     */
    @AllDatabases
    void aReRegisteredUserStartsEmpty(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "zed", "bob", "amy");
            Message offline = app.chat("bob", "zed", "are you there?", "c1");
            stack.storeOffline(offline);
            app.chat("bob", "zed", "hello", "c2");
            app.chat("zed", "bob", "hi", "c3");
            app.chat("bob", "amy", "stays", "c4");
            stack.archive.flush();
            ArchiveFixtures.foldCommitted(stack.archive);
            String oldZedToken = app.userToken("zed");
            assertEquals(2, app.get("/users/zed/unread", app.token()).json().at("/data/total").asLong());

            assertEquals(200, stack.s.http.delete(app.path("/users/zed"), app.token()).status());
            Response again = stack.s.register(app.credentials(), app.token(), user("zed", ArchiveApiStack.PASSWORD, "zed"));
            assertEquals(200, again.status(), again.body());

            String newZedToken = app.userToken("zed");
            for (String bearer : new String[] {app.token(), newZedToken}) {
                assertEquals(0, app.get("/users/zed/conversations/bob/messages", bearer).json().get("count").asInt());
                assertEquals(0, app.get("/users/zed/conversations", bearer).json().get("count").asInt());
                assertEquals(0, app.get("/users/zed/unread", bearer).json().at("/data/total").asLong());
            }
            assertEquals(0, app.get("/users/zed/offline_msg_count", app.token()).json().at("/data/zed").asLong());
            assertEquals(0, stack.archive.count(new ArchiveQuery(AppUser.of(app.key(), "zed"), null, null, null, null, null,
                    false, 100)), "XEP-0313 finds nothing of the old zed");
            assertEquals(401, app.get("/users/zed/unread", oldZedToken).status(), "the old zed's token is dead");

            Response bobs = app.get("/users/bob/conversations", app.token());
            assertEquals(1, bobs.json().get("count").asInt(), "bob keeps amy only: " + bobs.body());
            assertEquals("amy", bobs.json().at("/entities/0/peer").asText());
            assertEquals(0, app.get("/users/bob/conversations/zed/messages", app.token()).json().get("count").asInt());
            assertEquals(0, app.get("/users/bob/unread", app.token()).json().at("/data/total").asLong());

            app.chat("bob", "zed", "welcome", "c5");
            stack.archive.flush();
            assertEquals(1, app.get("/users/zed/unread", newZedToken).json().at("/data/total").asLong());
        }
    }
}
