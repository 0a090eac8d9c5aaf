package io.imcloud.openfire;

import io.imcloud.tenancy.AppChanges;
import io.imcloud.tenancy.AppKey;
import org.jivesoftware.util.cache.CacheFactory;
import org.jivesoftware.util.cache.ClusterTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@link AppChanges} over Openfire's clustering: a change of an app is a {@link ForgetApp} cluster task that every
 * other node runs before the changing call returns ({@code CacheFactory.doSynchronousClusterTask}, which waits for each
 * node up to Openfire's cluster task timeout). The task carries only the app key, as a string; on the receiving node
 * it reaches the plugin's app store through {@link #receiveInto}. Not clustered, there is nobody to tell. A node the
 * task does not reach (it failed, timed out, or its plugin is not running) serves what it cached for at most the app
 * store's cache time.
 */
final class OpenfireAppChanges implements AppChanges {

    private static final Logger Log = LoggerFactory.getLogger(OpenfireAppChanges.class);
    /** Where this node's tasks deliver: the running plugin's app store, null while it is not running. */
    static final AtomicReference<Consumer<AppKey>> RECEIVER = new AtomicReference<>();

    @Override
    public void changed(AppKey key) {
        if (!CacheFactory.isClusteringStarted()) {
            return;
        }
        try {
            CacheFactory.doSynchronousClusterTask(new ForgetApp(key.toString()), false);
        } catch (RuntimeException e) {
            Log.warn("Could not tell the other cluster nodes that app {} changed; they see it within the app cache time: {}",
                    key, e.toString());
        }
    }

    /**
     * Hands the app keys that other nodes report changed to {@code receiver} (the app store's {@code forget}) until the
     * returned handle is closed.
     */
    static Receiving receiveInto(Consumer<AppKey> receiver) {
        RECEIVER.set(receiver);
        return () -> RECEIVER.compareAndSet(receiver, null);
    }

    /** The registration of {@link #receiveInto}; closing it ends it. */
    @FunctionalInterface
    interface Receiving extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The cluster task: "drop app {@code appKey} from your cache". Public with a public no-argument constructor, as
     * Openfire's clustering creates it from its serialised form on the receiving node.
     */
    public static final class ForgetApp implements ClusterTask<Void> {

        private String appKey;

        /** For deserialisation. */
        public ForgetApp() {
        }

        ForgetApp(String appKey) {
            this.appKey = appKey;
        }

        String appKey() {
            return appKey;
        }

        @Override
        public void run() {
            Consumer<AppKey> receiver = RECEIVER.get();
            if (receiver != null) {
                receiver.accept(AppKey.parse(appKey));
            }
        }

        @Override
        public Void getResult() {
            return null;
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            out.writeUTF(appKey);
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException {
            appKey = in.readUTF();
        }
    }
}
