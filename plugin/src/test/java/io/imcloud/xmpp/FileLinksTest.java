package io.imcloud.xmpp;

import io.imcloud.attachments.ChatfileLink;
import io.imcloud.tenancy.AppKey;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.Message;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The chat files a client's message links: its XEP-0066 URL and a body that is a URL, of the message's own app only. */
class FileLinksTest {

    private static final AppKey APP = AppKey.of("acme", "chat");
    private static final String VOICE = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String PICTURE = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    private static final String BASE = "https://im.example.com:7443/imcloud/";

    @Test
    void theOutOfBandUrlAndAUrlBodyOfTheOwnAppAreUses() {
        assertEquals(List.of(new ChatfileLink(APP, VOICE)), uses("a voice message", BASE + "acme/chat/chatfiles/" + VOICE + "/v.amr"));
        assertEquals(List.of(new ChatfileLink(APP, PICTURE)), uses(BASE + "acme/chat/chatfiles/" + PICTURE, null));
        assertEquals(List.of(new ChatfileLink(APP, VOICE), new ChatfileLink(APP, PICTURE)),
                uses(BASE + "acme/chat/chatfiles/" + PICTURE, BASE + "acme/chat/chatfiles/" + VOICE));
    }

    @Test
    void otherAppsFilesAndTextAreNoUse() {
        assertEquals(List.of(), uses(BASE + "acme/other/chatfiles/" + VOICE, BASE + "acme/other/chatfiles/" + VOICE));
        assertEquals(List.of(), uses("see " + BASE + "acme/chat/chatfiles/" + VOICE, null));
        assertEquals(List.of(), uses("hello", "https://elsewhere.example.com/file.amr"));
    }

    private static List<ChatfileLink> uses(String body, String oobUrl) {
        Message m = new Message();
        m.setBody(body);
        if (oobUrl != null) {
            m.getElement().addElement("x", XmppMessageDelivery.OOB_NAMESPACE).addElement("url").setText(oobUrl);
        }
        List<ChatfileLink> noted = new ArrayList<>();
        FileLinks.noteUses(m.getElement(), body, APP, 1, (link, at) -> noted.add(link));
        return noted;
    }
}
