package io.imcloud.openfire;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Runs the retention sweeps (the archive's {@code RetentionSweeper}, the attachments' sweep) on a daemon thread of
 * its own, one after the other, every {@code plugin.imcloud.retention.sweep_minutes}. Our own executor: Openfire 5.x's {@code TaskEngine}
 * no longer takes {@code TimerTask}s the way 4.2.0's did.
 */
final class RetentionSchedule implements AutoCloseable {

    private static final Logger Log = LoggerFactory.getLogger(RetentionSchedule.class);

    private final List<Sweep> sweeps;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "imcloud-retention");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> task;

    /** Starts running {@code sweeps} every {@code minutes}, the first time one interval from now. */
    RetentionSchedule(List<Sweep> sweeps, int minutes) {
        this.sweeps = List.copyOf(sweeps);
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
        for (Sweep sweep : sweeps) {
            try {
                int deleted = sweep.run().getAsInt();
                Log.debug("Retention sweep deleted {} {}", deleted, sweep.what());
            } catch (RuntimeException e) {
                // Keep the schedule alive: the next sweep retries (e.g. after the database is back).
                Log.warn("imcloud: retention sweep of {} failed", sweep.what(), e);
            }
        }
    }

    /** One sweep: what it deletes (for the log) and the pass that returns how many it deleted. */
    record Sweep(String what, IntSupplier run) {
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
