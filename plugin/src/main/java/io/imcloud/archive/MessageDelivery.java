package io.imcloud.archive;

/**
 * Hands messages the server itself sends (REST server-side sends) to the XMPP side. A send happens in
 * two steps, so that the stanza is built once and archived exactly as it is routed: {@link #prepare}
 * builds the stanza for a message (its archive id already assigned), the caller archives the message
 * with {@link Prepared#stanzaXml()}, and only then {@link Prepared#send()} routes it, so that any
 * delivery-state change the routing causes is queued after the archived message. A message that
 * {@link Prepared#refused()} is dropped instead: a block holds for server-side sends too.
 */
public interface MessageDelivery {

    /**
     * Builds the stanza of {@code message} (its {@code stanzaXml} is ignored); nothing is sent yet.
     *
     * @throws IllegalArgumentException when the message cannot be expressed as a stanza
     */
    Prepared prepare(ArchivedMessage message);

    /** A stanza ready to route. */
    interface Prepared {

        /** The stanza as the archive stores it, as {@link ArchivedMessage#stanzaXml()}. */
        String stanzaXml();

        /**
         * True when the XMPP side would not deliver the stanza: the receiver's or the sender's privacy or block list
         * keeps it from the receiver. Such a message is neither archived nor sent.
         */
        boolean refused();

        /** Routes the stanza to its receiver (online sessions or offline storage); call at most once. */
        void send();
    }
}
