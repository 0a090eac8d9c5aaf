package io.imcloud.archive;

/** Where an archived message stands on its way to the receiver. The code is what the database stores. */
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

    public static DeliveryState ofCode(int code) {
        for (DeliveryState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown delivery state " + code);
    }
}
