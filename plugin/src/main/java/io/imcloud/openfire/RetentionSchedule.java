package io.imcloud.openfire;

import io.imcloud.archive.RetentionSweeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the archive's {@link RetentionSweeper} on a daemon thread of its own, every
 * {@code plugin.imcloud.retention.sweep_minutes}. Our own executor: Openfire 5.x's {@code TaskEngine}
 * no longer takes {@code TimerTask}s the way 4.2.0's did.
 */
final class RetentionSchedule implements AutoCloseable {

    private static final Logger Log = LoggerFactory.getLogger(RetentionSchedule.class);

    private final RetentionSweeper sweeper;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "imcloud-retention");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> task;

    /** Starts sweeping every {@code minutes}, the first time one interval from now. */
    RetentionSchedule(RetentionSweeper sweeper, int minutes) {
        this.sweeper = sweeper;
        reschedule(minutes);
    }

    /** Applies a new interval (a settings change); the next sweep comes one new interval from now. */
    synchronized void reschedule(int minutes) {
        if (task != null) {
            task.cancel(false);
        }
        task = executor.scheduleWithFixedDelay(this::sweep, minutes, minutes, TimeUnit.MINUTES);
    }

    private void sweep() {
        try {
            int deleted = sweeper.sweepOnce();
            Log.debug("Retention sweep deleted {} archived messages", deleted);
        } catch (RuntimeException e) {
            // Keep the schedule alive: the next sweep retries (e.g. after the database is back).
            Log.warn("imcloud: retention sweep failed", e);
        }
    }

    /** Stops the schedule; a sweep under way finishes its current batch first (bounded wait). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                Log.warn("imcloud: retention sweep still running after 10 s; leaving it to finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
