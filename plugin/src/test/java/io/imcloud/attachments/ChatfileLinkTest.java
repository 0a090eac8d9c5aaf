package io.imcloud.attachments;

import io.imcloud.tenancy.AppKey;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which texts name a chat file: the path's last segments, behind any host; nothing else. */
class ChatfileLinkTest {

    private static final String UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final ChatfileLink LINK = new ChatfileLink(AppKey.of("acme", "chat"), UUID);

    @Test
    void urlsOfUploadsAndSlotsNameTheirFile() {
        for (String url : new String[] {"http://im.example.com:7070/imcloud/acme/chat/chatfiles/" + UUID,
                "https://files.example.com/prefix/acme/chat/chatfiles/" + UUID + "/voice%20note.amr",
                " HTTPS://im.example.com/imcloud/acme/chat/chatfiles/" + UUID + "\n", "/imcloud/acme/chat/chatfiles/" + UUID}) {
            assertEquals(Optional.of(LINK), ChatfileLink.parse(url), url);
        }
    }

    @Test
    void anythingElseIsNoLink() {
        for (String text : new String[] {null, "", "hello", "see http://im.example.com/imcloud/acme/chat/chatfiles/" + UUID,
                "ftp://im.example.com/acme/chat/chatfiles/" + UUID, "http://im.example.com/acme/chat/chatfiles/not-a-uuid",
                "http://im.example.com/ACME/chat/chatfiles/" + UUID, "http://im.example.com/acme/chat/chatfiles/" + UUID + "/a/b",
                "http://im.example.com/acme/chat/files/" + UUID, "http://im.example.com/acme/chat/chatfiles/" + UUID + "?x=/"
                + "a".repeat(ChatfileLink.MAX_URL_CHARS)}) {
            assertEquals(Optional.empty(), ChatfileLink.parse(text), String.valueOf(text));
        }
    }

    @Test
    void aLinkBelongsToTheAppItsPathNames() {
        assertEquals(true, LINK.belongsTo(AppKey.of("acme", "chat")));
        assertEquals(false, LINK.belongsTo(AppKey.of("acme", "other")));
    }
}
