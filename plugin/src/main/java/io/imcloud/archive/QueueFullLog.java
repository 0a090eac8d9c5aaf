package io.imcloud.archive;

import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports a full archive queue once per episode rather than once per message: under a burst the queue refuses
 * thousands of messages a second, and a warning for each would flood Openfire's log. The first refusal is a warning;
 * the next accepted item closes the episode with how many were refused in it.
 */
public final class QueueFullLog {

    private final Logger log;
    private final String what;
    private final AtomicLong refused = new AtomicLong();

    /** A report on {@code log}, naming what was refused ({@code what}, e.g. "chat messages") when the episode ends. */
    public QueueFullLog(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    /** One item refused: a warning ({@code format} and {@code args}, as slf4j takes them) if it is the first of an episode. */
    public void refused(String format, Object... args) {
        if (refused.getAndIncrement() == 0) {
            log.warn(format + "; further refusals are counted until the queue takes them again", args);
        }
    }

    /** One item accepted: ends an episode of refusals, if there was one, with their count. */
    public void accepted() {
        if (refused.get() > 0) {
            long count = refused.getAndSet(0);
            if (count > 0) {
                log.info("The archive queue takes {} again, after refusing {} while it was full", what, count);
            }
        }
    }
}
