package io.imcloud.attachments;

import java.util.Optional;

/** Turns counts of samples (or bytes, or timescale units) into whole milliseconds, rounded down. */
final class Durations {

    private Durations() {
    }

    /**
     * {@code units / perSecond} seconds in milliseconds, rounded down; -1 when {@code units} is negative,
     * {@code perSecond} is not positive or the result does not fit a long (sizes read from a file can be anything).
     * {@code perSecond} is at most 2^32 (every format stores it in 32 bits at most).
     */
    static long millis(long units, long perSecond) {
        if (units < 0 || perSecond <= 0) {
            return -1;
        }
        long seconds = units / perSecond;
        if (seconds >= Long.MAX_VALUE / 1000) {
            return -1;
        }
        return seconds * 1000 + units % perSecond * 1000 / perSecond;
    }

    /** The probe's answer for {@code units} of audio at {@code perSecond}; empty when that is not a millisecond. */
    static Optional<AudioInfo> info(String format, String contentType, long units, long perSecond) {
        long millis = millis(units, perSecond);
        return millis > 0 ? Optional.of(new AudioInfo(format, contentType, millis)) : Optional.empty();
    }
}
