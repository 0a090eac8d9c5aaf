package io.imcloud.archive;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/** {@link QueueFullLog}: at most one warning and one count of refusals a minute, however the refusals alternate. */
class QueueFullLogTest {

    private final Logger log = mock(Logger.class);
    private final AtomicLong clock = new AtomicLong();
    private final QueueFullLog queueFull = new QueueFullLog(log, clock::get);

    @Test
    void anEpisodeOfRefusalsIsOneWarningAndOneCount() {
        queueFull.accepted();
        verifyNoInteractions(log);

        for (int i = 0; i < 1000; i++) {
            queueFull.refused("refusing message {}", i);
        }
        queueFull.accepted();
        queueFull.accepted();
        verify(log, times(1)).warn(anyString(), any(Object[].class));
        verify(log, times(1)).info(anyString(), eq(1000L));
    }

    @Test
    void aQueueThatTakesAndRefusesByTurnsIsReportedOnceAMinute() {
        for (int i = 0; i < 500; i++) {
            queueFull.refused("refusing message {}", i);
            queueFull.accepted();
            clock.addAndGet(QueueFullLog.QUIET.toNanos() / 1000);
        }
        verify(log, times(1)).warn(anyString(), any(Object[].class));
        verify(log, times(1)).info(anyString(), eq(1L));

        clock.addAndGet(QueueFullLog.QUIET.toNanos());
        queueFull.accepted();
        verify(log, times(1)).info(anyString(), eq(499L));
        queueFull.refused("refusing message {}", 1001);
        verify(log, times(2)).warn(anyString(), any(Object[].class));
    }
}
