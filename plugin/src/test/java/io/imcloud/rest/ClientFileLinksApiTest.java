package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.MessageIds;
import io.imcloud.attachments.AudioFixtures;
import io.imcloud.attachments.ImageFixtures;
import io.imcloud.attachments.StoredFile;
import io.imcloud.attachments.Upload;
import io.imcloud.rest.ArchiveApiStack.TestApp;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.FilePolicy;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;
import org.dom4j.QName;
import org.junit.jupiter.api.io.TempDir;
import org.xmpp.packet.Message;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file an XMPP client uploaded (XEP-0363) and sent as its URL (XEP-0066): history and the conversation list show
 * the Easemob body of the file, as for a REST-sent voice or image message, and the message counts as a use of the
 * file. Only an open file of the message's own app reads so; any other text stays text.
 */
class ClientFileLinksApiTest {

    @AllDatabases
    void aClientsLinkToAnOpenFileOfItsAppReadsAsThatFile(TestDatabase db, @TempDir Path dir) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob");
            TestApp other = stack.app("acme", "other", "alice", "bob");
            long millis = AudioFixtures.amrNb(dir.resolve("v.amr"), 160);
            StoredFile voice = store(stack, app, "voice.amr", Files.readAllBytes(dir.resolve("v.amr")), false);
            StoredFile picture = store(stack, app, "p.png", ImageFixtures.image("png", 64, 48), false);
            StoredFile restricted = store(stack, app, "s.png", ImageFixtures.image("png", 8, 8), true);
            StoredFile othersFile = store(stack, other, "o.png", ImageFixtures.image("png", 8, 8), false);
            String voiceUrl = url(stack, app, voice) + "/voice.amr";

            long sent = archiveId(app.chat("alice", "bob", voiceUrl, "c-1"));
            stack.archive.flush();
            JsonNode body = app.get("/users/bob/conversations/alice/messages", app.token()).json().at("/entities/0/payload/bodies/0");
            assertEquals("audio", body.get("type").asText(), body.toString());
            assertEquals(voiceUrl, body.get("url").asText());
            assertEquals("voice.amr", body.get("filename").asText());
            assertEquals(voice.size(), body.get("file_length").asLong());
            assertEquals(millis / 1000, body.get("length").asLong());
            assertEquals(body, app.get("/users/alice/conversations", app.token()).json().at("/entities/0/last_message/payload/bodies/0"));
            assertEquals(MessageIds.timestampOf(sent), lastUsed(db, voice), "the message's time is the file's last use");

            app.chat("alice", "bob", url(stack, app, picture), "c-2");
            stack.archive.flush();
            JsonNode image = app.get("/users/bob/conversations/alice/messages", app.token()).json().at("/entities/0/payload/bodies/0");
            assertEquals("img", image.get("type").asText(), image.toString());
            assertEquals(64, image.at("/size/width").asInt());

            for (String text : new String[] {"look: " + voiceUrl, url(stack, app, restricted), url(stack, other, othersFile),
                    "https://tracker.example/imcloud" + app.path("/chatfiles/" + voice.uuid()), app.path("/chatfiles/" + voice.uuid()),
                    url(stack, app, voice).replace(voice.uuid(), "00000000-0000-0000-0000-000000000000"), "ftp://x/acme/chat/chatfiles/"
                    + voice.uuid()}) {
                app.chat("alice", "bob", text, null);
                stack.archive.flush();
                JsonNode kept = app.get("/users/bob/conversations/alice/messages", app.token()).json().at("/entities/0/payload/bodies/0");
                assertEquals("txt", kept.get("type").asText(), text + " -> " + kept);
                assertEquals(text, kept.get("msg").asText());
            }
            assertEquals(othersFile.created(), lastUsed(db, othersFile), "a link from another app is no use of the file");

            StoredFile shared = store(stack, app, "shared.png", ImageFixtures.image("png", 16, 16), false);
            long group = Long.parseLong(GroupApiTest.create(app, "alice", "g", "bob"));
            long groupMessage = archiveId(app.groupChat(group, "bob", url(stack, app, shared), null, "alice", "bob"));
            stack.archive.flush();
            JsonNode groupBody = app.get("/chatgroups/" + group + "/messages", app.token()).json().at("/entities/0/payload/bodies/0");
            assertEquals("img", groupBody.get("type").asText(), groupBody.toString());
            assertEquals(16, groupBody.at("/size/height").asInt());
            assertEquals(MessageIds.timestampOf(groupMessage), lastUsed(db, shared), "a group message uses the file too");
        }
    }

    @AllDatabases
    void aPageReadsTheFilesItsMessagesLinkInOneQuery(TestDatabase db, @TempDir Path dir) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp app = stack.app("acme", "chat", "alice", "bob", "carol");
            TestApp other = stack.app("acme", "other", "alice");
            AudioFixtures.amrNb(dir.resolve("v.amr"), 160);
            byte[] amr = Files.readAllBytes(dir.resolve("v.amr"));
            List<String> texts = new ArrayList<>();
            StoredFile restricted = store(stack, app, "s.png", ImageFixtures.image("png", 8, 8), true);
            StoredFile othersFile = store(stack, other, "o.png", ImageFixtures.image("png", 8, 8), false);
            StoredFile picture = store(stack, app, "p.png", ImageFixtures.image("png", 32, 24), false);
            texts.addAll(List.of(url(stack, app, restricted), url(stack, other, othersFile), "hello",
                    url(stack, app, picture).replace(picture.uuid(), "00000000-0000-0000-0000-000000000000"),
                    url(stack, app, picture), url(stack, app, picture) + "/again.png"));
            for (int i = 0; i < 40; i++) {
                texts.add(url(stack, app, store(stack, app, "voice-" + i + ".amr", amr, false)));
            }
            for (String text : texts) {
                app.chat("alice", "bob", text, null);
            }
            app.chat("carol", "bob", url(stack, app, picture), null);
            long group = Long.parseLong(GroupApiTest.create(app, "alice", "g", "bob"));
            for (int i = 0; i < 3; i++) {
                app.groupChat(group, "alice", url(stack, app, store(stack, app, "g-" + i + ".png",
                        ImageFixtures.image("png", 4 + i, 4), false)), null, "alice", "bob");
            }
            stack.archive.flush();

            stack.fileQueries.reset();
            JsonNode page = app.get("/users/bob/conversations/alice/messages?limit=" + texts.size(), app.token()).json().get("entities");
            assertEquals(1, stack.fileQueries.selectsFrom("ofImFile"), "one query for the page's " + texts.size() + " links");
            assertEquals(texts.size(), page.size());
            assertEquals(40, count(page, "audio"));
            assertEquals(2, count(page, "img"));
            assertEquals(4, count(page, "txt"), "restricted, another app's, text, missing");

            String before = null;
            for (JsonNode expected : page) {
                JsonNode alone = app.get("/users/bob/conversations/alice/messages?limit=1" + (before == null ? "" : "&before=" + before),
                        app.token()).json();
                assertEquals(expected, alone.at("/entities/0"), "as on a page of its own");
                before = alone.path("cursor").asText();
            }

            List<ArchivedMessage> archived = stack.archive.history(AppUser.of(app.key(), "bob"), "alice", Long.MAX_VALUE, texts.size());
            stack.fileQueries.reset();
            ObjectMapper json = new ObjectMapper();
            List<ObjectNode> exported = MessageJson.exporter(json, stack.attachments, stack.fileUrls).apply(archived);
            assertEquals(1, stack.fileQueries.selectsFrom("ofImFile"), "the offline-message callbacks claimed together");
            assertEquals(page.size(), exported.size());
            for (int i = 0; i < page.size(); i++) {
                // as sent: numbers read back from the wire are typed by their size
                assertEquals(page.get(i), json.readTree(json.writeValueAsString(exported.get(i))), "the same records as history");
            }

            stack.fileQueries.reset();
            JsonNode conversations = app.get("/users/bob/conversations", app.token()).json().get("entities");
            assertEquals(1, stack.fileQueries.selectsFrom("ofImFile"), "one query for the list's last messages");
            assertEquals(3, conversations.size(), conversations.toString());
            for (JsonNode c : conversations) {
                String type = c.at("/last_message/payload/bodies/0/type").asText();
                assertEquals(c.get("peer").asText().equals("alice") ? "audio" : "img", type, c.toString());
            }

            stack.fileQueries.reset();
            JsonNode groupPage = app.get("/chatgroups/" + group + "/messages", app.token()).json().get("entities");
            assertEquals(1, stack.fileQueries.selectsFrom("ofImFile"));
            assertEquals(3, count(groupPage, "img"));
            assertEquals(6, groupPage.at("/0/payload/bodies/0/size/width").asInt(), "the newest first, each with its own file");
        }
    }

    private static long count(JsonNode entities, String bodyType) {
        long n = 0;
        for (JsonNode m : entities) {
            if (m.at("/payload/bodies/0/type").asText().equals(bodyType)) {
                n++;
            }
        }
        return n;
    }

    private static StoredFile store(ArchiveApiStack stack, TestApp app, String name, byte[] bytes, boolean restricted)
            throws Exception {
        return stack.attachments.store(Upload.chatFile(app.key(), FilePolicy.DEFAULT, "alice", name, restricted),
                new ByteArrayInputStream(bytes)).file();
    }

    private static long archiveId(Message stamped) {
        return Long.parseLong(stamped.getElement().element(QName.get("stanza-id", "urn:xmpp:sid:0")).attributeValue("id"));
    }

    private static String url(ArchiveApiStack stack, TestApp app, StoredFile file) {
        return stack.s.http.uri(app.path("/chatfiles/" + file.uuid())).toString();
    }

    private static long lastUsed(TestDatabase db, StoredFile file) throws Exception {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT lastUsed FROM ofImFile WHERE fileUuid = ?")) {
            ps.setString(1, file.uuid());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }
}
