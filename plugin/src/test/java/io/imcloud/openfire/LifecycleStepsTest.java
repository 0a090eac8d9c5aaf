package io.imcloud.openfire;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LifecycleStepsTest {

    private final List<String> log = new ArrayList<>();
    private final LifecycleSteps steps = new LifecycleSteps();

    @Test
    void stopsInReverseOrderOnce() {
        assertEquals("a", steps.start("a", () -> started("a"), this::stopped));
        steps.start("b", () -> started("b"), this::stopped);
        steps.start("c", () -> started("c"), this::stopped);

        steps.stopAll();
        steps.stopAll();

        assertEquals(List.of("start a", "start b", "start c", "stop c", "stop b", "stop a"), log);
    }

    @Test
    void aFailedStepStopsTheStartedOnesAndNamesItself() {
        steps.start("a", () -> started("a"), this::stopped);
        steps.start("b", () -> started("b"), this::stopped);
        NoSuchMethodError missingApi = new NoSuchMethodError("UserManager.isRegisteredUser");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> steps.start("c", () -> {
            throw missingApi;
        }, this::stopped));

        assertEquals("imcloud: starting c failed", e.getMessage());
        assertSame(missingApi, e.getCause());
        assertEquals(List.of("start a", "start b", "stop b", "stop a"), log);
        steps.stopAll();
        assertEquals(4, log.size(), "nothing left to stop after the failure");
    }

    @Test
    void aStepThatFailsToStopDoesNotKeepTheOthersRunning() {
        steps.start("a", () -> started("a"), this::stopped);
        steps.start("b", () -> started("b"), b -> {
            throw new IllegalStateException("stuck");
        });
        steps.start("c", () -> started("c"), this::stopped);

        steps.stopAll();

        assertEquals(List.of("start a", "start b", "start c", "stop c", "stop a"), log);
    }

    private String started(String name) {
        log.add("start " + name);
        return name;
    }

    private void stopped(String name) {
        log.add("stop " + name);
    }
}
