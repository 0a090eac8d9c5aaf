package io.imcloud.xmpp;

import io.imcloud.push.StoredOffline;
import org.jivesoftware.openfire.OfflineMessage;
import org.jivesoftware.openfire.OfflineMessageListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.Message;

/**
 * Records OFFLINE for a stamped message when Openfire puts it into its offline store (register with
 * {@code XMPPServer.getInstance().getOfflineMessageStrategy().addListener}).
 * <p>
 * The listener's signature changed in Openfire 4.7: 4.2.0 declares {@code messageStored(Message)},
 * 5.1.x {@code messageStored(OfflineMessage)}. Both are implemented, so whichever Openfire calls lands here.
 * A bounced message (offline store full or bouncing configured) keeps its state: the sender got an
 * error, the receiver never got it, and it stays readable in the archive.
 * <p>
 * A stored message is also handed to the {@link StoredOffline} hook (the offline-message callbacks), which only
 * queues it in memory: nothing here waits. Messages the server sends itself (REST sends) come here too, since
 * Openfire's router stores them offline the same way.
 */
public final class OfflineStateListener implements OfflineMessageListener {

    private static final Logger Log = LoggerFactory.getLogger(OfflineStateListener.class);

    private final MessageArchiver archiver;
    private final StoredOffline stored;

    /** A listener recording through {@code archiver} (the interceptor's {@link ImcloudPacketInterceptor#archiver()}). */
    public OfflineStateListener(MessageArchiver archiver) {
        this(archiver, StoredOffline.NONE);
    }

    /** A listener recording through {@code archiver} and telling {@code stored} of each archived message stored offline. */
    public OfflineStateListener(MessageArchiver archiver, StoredOffline stored) {
        this.archiver = archiver;
        this.stored = stored;
    }

    /** Openfire 4.7 and later. */
    public void messageStored(OfflineMessage message) {
        stored(message);
    }

    /** Openfire before 4.7. */
    @Override
    public void messageStored(Message message) {
        stored(message);
    }

    private void stored(Message message) {
        MessageArchiver.Stamped stamped = archiver.onStoredOffline(message);
        if (stamped != null) {
            stored.messageStoredOffline(stamped.receiver(), stamped.msgId());
        }
    }

    @Override
    public void messageBounced(Message message) {
        Log.debug("Offline store bounced message {} to {}", message.getID(), message.getTo());
    }
}
