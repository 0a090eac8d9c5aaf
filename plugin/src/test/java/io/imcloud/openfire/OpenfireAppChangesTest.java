package io.imcloud.openfire;

import io.imcloud.tenancy.AppKey;
import org.jivesoftware.util.cache.CacheFactory;
import org.jivesoftware.util.cache.ClusterTask;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.MockedStatic;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;

/**
 * {@link OpenfireAppChanges}: in a cluster a change is one synchronous task to the other nodes that survives Openfire's
 * serialisation and reaches the receiving node's app store; without a cluster nothing is sent. Openfire's cluster
 * (CacheFactory) needs a running server, so it is mocked here.
 */
class OpenfireAppChangesTest {

    private static final AppKey APP = AppKey.of("acme", "chat");

    @Test
    void inAClusterEveryOtherNodeIsToldAndItsStoreForgetsTheApp() throws Exception {
        ArgumentCaptor<ClusterTask<?>> sent = ArgumentCaptor.forClass(ClusterTask.class);
        try (MockedStatic<CacheFactory> cluster = mockStatic(CacheFactory.class)) {
            cluster.when(CacheFactory::isClusteringStarted).thenReturn(true);
            new OpenfireAppChanges().changed(APP);
            cluster.verify(() -> CacheFactory.doSynchronousClusterTask(sent.capture(), eq(false)));
        }

        ClusterTask<?> received = overTheWire(sent.getValue());
        List<AppKey> forgotten = new ArrayList<>();
        try (OpenfireAppChanges.Receiving ignored = OpenfireAppChanges.receiveInto(forgotten::add)) {
            received.run();
        }
        assertEquals(List.of(APP), forgotten);
        assertNull(received.getResult());
        received.run(); // a task arriving while the plugin is stopped finds no store and does nothing
        assertEquals(List.of(APP), forgotten);
    }

    @Test
    void aServerThatIsNoClusterSendsNothing() {
        try (MockedStatic<CacheFactory> cluster = mockStatic(CacheFactory.class)) {
            cluster.when(CacheFactory::isClusteringStarted).thenReturn(false);
            new OpenfireAppChanges().changed(APP);
            cluster.verify(() -> CacheFactory.doSynchronousClusterTask(any(), anyBoolean()), never());
        }
    }

    /** The task as another node gets it: written by Java serialisation (its Externalizable form) and read back. */
    private static ClusterTask<?> overTheWire(ClusterTask<?> task) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(task);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ClusterTask<?>) in.readObject();
        }
    }
}
