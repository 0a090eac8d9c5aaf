package io.imcloud.openfire;

import io.imcloud.xmpp.PrivacyLists;
import org.jivesoftware.openfire.privacy.PrivacyList;
import org.jivesoftware.openfire.privacy.PrivacyListManager;
import org.jivesoftware.openfire.session.ClientSession;
import org.xmpp.packet.Message;

import java.util.function.Function;

/**
 * {@link PrivacyLists} as Openfire 5.1 applies them to a message (read in v5.1.1's source):
 * <ul>
 * <li>the sender's lists: {@code MessageRouter} answers {@code not-acceptable} and routes nothing when
 * the sender's active list (else their default list) blocks a stanza from the receiver;</li>
 * <li>the receiver's default list, which XEP-0191 blocking edits and which {@code OfflineMessageStrategy}
 * and every session without an active list apply.</li>
 * </ul>
 * An active list a receiver's session chose for itself (XEP-0016's session-only lists, which no current
 * client uses) is not consulted: such a message is archived though that one session does not get it.
 */
final class OpenfirePrivacyLists implements PrivacyLists {

    private final Function<String, PrivacyList> defaultListOf;

    /** Lists from Openfire's {@code PrivacyListManager} (cached there, so a user without lists costs a lookup). */
    OpenfirePrivacyLists() {
        this(username -> PrivacyListManager.getInstance().getDefaultPrivacyList(username));
    }

    /** Lists with each receiver's default list from {@code defaultListOf} (tests). */
    OpenfirePrivacyLists(Function<String, PrivacyList> defaultListOf) {
        this.defaultListOf = defaultListOf;
    }

    @Override
    public boolean blocksDelivery(Message message, ClientSession sender) {
        PrivacyList senderList = sender.getActiveList() != null ? sender.getActiveList() : sender.getDefaultList();
        if (senderList != null) {
            Message fromReceiver = new Message();
            fromReceiver.setType(message.getType());
            fromReceiver.setFrom(message.getTo());
            fromReceiver.setTo(message.getFrom());
            if (senderList.shouldBlockPacket(fromReceiver)) {
                return true;
            }
        }
        String receiver = message.getTo() == null ? null : message.getTo().getNode();
        PrivacyList receiverList = receiver == null ? null : defaultListOf.apply(receiver);
        return receiverList != null && receiverList.shouldBlockPacket(message);
    }
}
