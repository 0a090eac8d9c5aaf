package io.imcloud.openfire;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The plugin's start-up as a list of named steps, each with the action that undoes it. Steps stop
 * in reverse order, so every listener, handler and thread is removed before what it depends on.
 * When a step fails to start, the steps already started are stopped again before the failure is
 * reported: Openfire keeps a plugin whose {@code initializePlugin} threw and calls
 * {@code destroyPlugin} only later, on unload, so nothing may be left running in between.
 */
final class LifecycleSteps {

    private static final Logger Log = LoggerFactory.getLogger(LifecycleSteps.class);

    /** Undo actions of the started steps, the most recent first. */
    private final Deque<Runnable> undo = new ArrayDeque<>();

    /**
     * Runs {@code start}, remembers {@code stop} for its result and returns the result.
     *
     * @throws IllegalStateException naming the step when it fails; the steps started before it
     *                               have been stopped by then
     */
    synchronized <T> T start(String name, Callable<T> start, Consumer<? super T> stop) {
        T started;
        try {
            started = start.call();
        } catch (Exception | LinkageError e) {
            // LinkageError: an Openfire API this release lacks shows up as NoSuchMethodError here.
            stopAll();
            throw new IllegalStateException("imcloud: starting " + name + " failed", e);
        }
        undo.push(() -> {
            Log.debug("Stopping {}", name);
            stop.accept(started);
        });
        Log.debug("Started {}", name);
        return started;
    }

    /**
     * Stops every started step, the most recently started first. A step that fails to stop is
     * logged and the others still stop. Calling it again does nothing.
     */
    synchronized void stopAll() {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException | LinkageError e) {
                Log.warn("imcloud: a step failed to stop; continuing with the others", e);
            }
        }
    }
}
