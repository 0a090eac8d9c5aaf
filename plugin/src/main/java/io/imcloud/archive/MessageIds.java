package io.imcloud.archive;

/**
 * Archive ids: 64-bit, unique and increasing in time, so that paging by id is paging by time.
 * Layout: milliseconds since 2020-01-01 UTC (41 bits) | node (10 bits) | sequence (12 bits).
 * Cluster nodes must use distinct node numbers. A timestamp converts to the smallest id of
 * its millisecond, so "before a timestamp" and "before an id" are the same query.
 */
public final class MessageIds {

    /** 2020-01-01T00:00:00Z. */
    public static final long EPOCH = 1_577_836_800_000L;
    private static final int NODE_BITS = 10;
    private static final int SEQUENCE_BITS = 12;
    private static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;
    /** Below this a number given as "before" is a timestamp in milliseconds, above it an archive id. */
    private static final long SMALLEST_ID = 1L << (NODE_BITS + SEQUENCE_BITS + 32);

    private final long node;
    private final java.util.function.LongSupplier clock;
    private long lastMillis = -1;
    private long sequence;

    /** Ids for cluster node {@code node} (0-1023) with the system clock. */
    public MessageIds(int node) {
        this(node, System::currentTimeMillis);
    }

    /** Ids for cluster node {@code node} with the given clock (tests). */
    public MessageIds(int node, java.util.function.LongSupplier clock) {
        if (node < 0 || node >= (1 << NODE_BITS)) {
            throw new IllegalArgumentException("node must be 0-1023");
        }
        this.node = node;
        this.clock = clock;
    }

    /** This generator's cluster node number. */
    public int node() {
        return (int) node;
    }

    /** The next id; never smaller than a previous one even if the clock steps back. */
    public synchronized long next() {
        long now = Math.max(clock.getAsLong(), lastMillis);
        if (now == lastMillis) {
            sequence = (sequence + 1) & MAX_SEQUENCE;
            if (sequence == 0) {
                now = lastMillis + 1;
            }
        } else {
            sequence = 0;
        }
        lastMillis = now;
        return ((now - EPOCH) << (NODE_BITS + SEQUENCE_BITS)) | (node << SEQUENCE_BITS) | sequence;
    }

    /**
     * The id a decimal text names, as the API, the stanza-ids and the markers write archive and group ids (from
     * mid-2027 on, 19 digits), or -1 when it names none: empty, not all digits, above {@link Long#MAX_VALUE}.
     */
    public static long parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 19) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value < 0) {
                return -1; // overflow: below 10^19, a value past Long.MAX_VALUE wraps to a negative one, never a positive
            }
        }
        return value;
    }

    /** The smallest id that can be issued in millisecond {@code epochMillis}. */
    public static long firstIdAt(long epochMillis) {
        // compared before subtracting: a time near Long.MIN_VALUE would wrap around to a large positive id
        return epochMillis <= EPOCH ? 0 : (epochMillis - EPOCH) << (NODE_BITS + SEQUENCE_BITS);
    }

    /** True when a REST "before" value is an archive id rather than a millisecond timestamp (see {@link #cursorOf}). */
    public static boolean isArchiveId(long idOrTimestamp) {
        return idOrTimestamp >= SMALLEST_ID;
    }

    /** The millisecond an id was issued in. */
    public static long timestampOf(long msgId) {
        return (msgId >>> (NODE_BITS + SEQUENCE_BITS)) + EPOCH;
    }

    /** Reads a REST "before" value: an archive id as it is, a millisecond timestamp as {@link #firstIdAt}. */
    public static long cursorOf(long idOrTimestamp) {
        return isArchiveId(idOrTimestamp) ? idOrTimestamp : firstIdAt(idOrTimestamp);
    }
}
