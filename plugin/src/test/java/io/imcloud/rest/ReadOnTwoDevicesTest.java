package io.imcloud.rest;

import io.imcloud.rest.ArchiveApiStack.TestApp;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import java.util.ArrayList;
import java.util.List;

import static io.imcloud.rest.ConversationApiTest.stanzaId;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Read state lives on the server: XEP-0333 markers sent from either of a user's devices clear the
 * count that every device and the app back-end see, whichever id kind the marker names.
 */
class ReadOnTwoDevicesTest {

    @AllDatabases
    void markersFromEitherDeviceClearTheCountForAll(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            List<Message> toBob = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                toBob.add(app.chat("alice", "bob", "hello " + i, "alice-" + i));
            }
            stack.archive.flush();
            String bobOnPhone = app.userToken("bob");
            String bobOnLaptop = app.userToken("bob");
            assertEquals(4, unread(app, bobOnLaptop));

            // The phone displays the second message, naming our stanza-id.
            displayed(stack, app, "phone", stanzaId(toBob.get(1)));
            stack.archive.flush();
            assertEquals(2, unread(app, bobOnLaptop), "the laptop sees what the phone read");
            assertEquals(2, unread(app, app.token()), "and so does the back-end");

            // The laptop displays the last one, naming the sender's own message id.
            displayed(stack, app, "laptop", "alice-3");
            stack.archive.flush();
            assertEquals(0, unread(app, bobOnPhone), "the phone sees what the laptop read");

            // A marker naming no message of the conversation changes nothing.
            app.chat("alice", "bob", "one more", "alice-4");
            displayed(stack, app, "phone", "no-such-message");
            stack.archive.flush();
            assertEquals(1, unread(app, bobOnLaptop));
        }
    }

    /** Bob's device {@code resource} sends {@code <displayed id=.../>} for alice's message to alice. */
    private static void displayed(ArchiveApiStack stack, TestApp app, String resource, String id) throws Exception {
        JID device = new JID(app.key() + "_bob", ArchiveApiStack.DOMAIN, resource);
        Message marker = new Message();
        marker.setType(Message.Type.chat);
        marker.setFrom(device);
        marker.setTo(ArchiveApiStack.bare(app.key(), "alice"));
        marker.addChildElement("displayed", "urn:xmpp:chat-markers:0").addAttribute("id", id);
        stack.interceptor.interceptPacket(marker, ArchiveApiStack.session(device), true, false);
    }

    private static int unread(TestApp app, String bearer) {
        var r = app.get("/users/bob/unread", bearer);
        assertEquals(200, r.status(), r.body());
        return r.json().at("/data/total").asInt();
    }
}
