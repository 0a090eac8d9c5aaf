package io.imcloud.archive;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/** {@link QueueFullLog}: one warning per episode of refusals, and their count when it ends. */
class QueueFullLogTest {

    @Test
    void anEpisodeOfRefusalsIsOneWarningAndOneCount() {
        Logger log = mock(Logger.class);
        QueueFullLog queueFull = new QueueFullLog(log, "chat messages");
        queueFull.accepted();
        verifyNoInteractions(log);

        for (int i = 0; i < 1000; i++) {
            queueFull.refused("refusing message {}", i);
        }
        queueFull.accepted();
        queueFull.accepted();
        verify(log, times(1)).warn(anyString(), any(Object[].class));
        verify(log, times(1)).info(anyString(), eq("chat messages"), eq(1000L));

        queueFull.refused("refusing message {}", 1001);
        verify(log, times(2)).warn(anyString(), any(Object[].class));
    }
}
