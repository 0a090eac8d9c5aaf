package io.imcloud.archive;

/**
 * Hands group messages the server itself sends (REST server-side sends to groups) to the group's room, in the two
 * steps of {@link MessageDelivery}: the stanza is built once, archived as it is, and only then broadcast.
 */
@FunctionalInterface
public interface GroupDelivery {

    /**
     * Builds the room's stanza of {@code message} (its archive id already assigned; its {@code stanzaXml} is ignored);
     * nothing is sent yet.
     *
     * @throws IllegalArgumentException when the message cannot be expressed as a stanza
     */
    MessageDelivery.Prepared prepare(GroupMessage message);
}
