package io.imcloud.archive;

/**
 * Where an archived message stands on its way to the receiver. The code is what the database stores; a message's
 * state only moves forward (to a higher code), so changes reported late, twice or out of order end the same.
 */
public enum DeliveryState {
    /** Archived, not yet seen delivered or stored offline. */
    PENDING(0),
    /** Waiting in Openfire's offline store for the receiver. */
    OFFLINE(1),
    /** Handed to one of the receiver's sessions. */
    DELIVERED(2);

    private final int code;

    DeliveryState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The further of two states: the one a message ends in when both are reported, in either order. */
    public static DeliveryState furthest(DeliveryState one, DeliveryState other) {
        return one.code >= other.code ? one : other;
    }

    /** The state stored as {@code code}. */
    public static DeliveryState ofCode(int code) {
        for (DeliveryState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown delivery state " + code);
    }
}
