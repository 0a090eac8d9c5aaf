package io.imcloud.xmpp;

import org.jivesoftware.openfire.session.ClientSession;
import org.xmpp.packet.Message;

/**
 * Whether Openfire's privacy lists (XEP-0016), which also hold the block lists of XEP-0191, keep a
 * message from its receiver. Asked before a message is archived: one that Openfire will not deliver
 * must be neither archived nor counted (the blocked sender would otherwise fill the receiver's
 * history and unread counts).
 */
@FunctionalInterface
public interface PrivacyLists {

    /** No lists at all: every message goes through. */
    PrivacyLists NONE = (message, sender) -> false;

    /**
     * True when {@code message}, read from {@code sender}'s session, will not reach its receiver
     * because of the sender's own lists or the receiver's. With {@code sender} null the server sends the
     * message on the sender's behalf (a REST server-side send): the sender's stored default list stands
     * for its session's, so that a block holds both ways whichever side sends.
     */
    boolean blocksDelivery(Message message, ClientSession sender);
}
