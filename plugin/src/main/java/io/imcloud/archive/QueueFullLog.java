package io.imcloud.archive;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Reports a full archive queue at most once a {@link #QUIET} rather than once per message: under a burst the queue
 * refuses thousands of messages a second, and a warning for each would flood Openfire's log. Nor is it one warning per
 * episode: a queue at its limit takes and refuses by turns, which made many short episodes. The first refusal is a
 * warning; the next accepted item reports how many were refused; both then stay quiet for a {@link #QUIET}, the
 * refusals meanwhile counted into the next report.
 */
final class QueueFullLog {

    /** The shortest time between two warnings, and between two reports of the count. */
    static final Duration QUIET = Duration.ofMinutes(1);

    private final Logger log;
    private final LongSupplier nanoClock;
    /** Refusals not reported yet; read without the lock on every accepted item. */
    private final AtomicLong pending = new AtomicLong();
    private boolean warned;
    private long lastWarning;
    private boolean reported;
    private long lastReport;

    /** A report on {@code log}. */
    QueueFullLog(Logger log) {
        this(log, System::nanoTime);
    }

    QueueFullLog(Logger log, LongSupplier nanoClock) {
        this.log = log;
        this.nanoClock = nanoClock;
    }

    /** One item refused: a warning ({@code format} and {@code args}, as slf4j takes them) unless one was logged lately. */
    void refused(String format, Object... args) {
        pending.incrementAndGet();
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (!warned || now - lastWarning >= QUIET.toNanos()) {
                warned = true;
                lastWarning = now;
                log.warn(format + "; further refusals are counted and reported at most once a minute", args);
            }
        }
    }

    /** One item accepted: reports the refusals not reported yet, unless a report was logged lately. */
    void accepted() {
        if (pending.get() == 0) {
            return;
        }
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (reported && now - lastReport < QUIET.toNanos()) {
                return;
            }
            long count = pending.getAndSet(0);
            if (count > 0) {
                reported = true;
                lastReport = now;
                log.info("The archive queue takes work again, after refusing {} while it was full", count);
            }
        }
    }
}
