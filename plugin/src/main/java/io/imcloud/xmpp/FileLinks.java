package io.imcloud.xmpp;

import io.imcloud.attachments.ChatfileLink;
import io.imcloud.attachments.FileUseRecorder;
import io.imcloud.tenancy.AppKey;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * The chat files an archived message links: the URL of its XEP-0066 out-of-band data and its body when the body is a
 * URL (what clients send after an XEP-0363 upload). Each file of the message's own app counts as used when the message
 * was sent; links to other apps' files are no use of ours.
 */
final class FileLinks {

    private static final QName OOB = QName.get("x", XmppMessageDelivery.OOB_NAMESPACE);

    private FileLinks() {
    }

    /**
     * Notes on {@code uses} each chat file of {@code app} that {@code message} links, as used at {@code at}. A body that
     * repeats the out-of-band URL notes the same file twice, which the recorder merges.
     */
    static void noteUses(Element message, String body, AppKey app, long at, FileUseRecorder uses) {
        Element oob = message.element(OOB);
        if (oob != null) {
            note(oob.elementText("url"), app, at, uses);
        }
        note(body, app, at, uses);
    }

    private static void note(String url, AppKey app, long at, FileUseRecorder uses) {
        ChatfileLink.parse(url).filter(link -> link.belongsTo(app)).ifPresent(link -> uses.record(link, at));
    }
}
