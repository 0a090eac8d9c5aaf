package io.imcloud.attachments;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The uses of chat files by messages that pass through threads which must not wait on the database (Openfire's packet
 * threads): {@link #record} only notes the newest use per file in memory, and a thread of its own writes them in one
 * batch every flush interval; {@link #close()} writes what is left, so a plugin stop or restart loses none. The notes
 * are bounded: beyond {@link #MAX_PENDING} files between two flushes, further ones are dropped and counted (their
 * files' retention then counts from an earlier use).
 */
public final class FileUses implements FileUseRecorder, AutoCloseable {

    /** Default flush interval. */
    public static final Duration FLUSH_EVERY = Duration.ofSeconds(5);
    /** Most files noted between two flushes. */
    static final int MAX_PENDING = 10_000;

    private static final Logger Log = LoggerFactory.getLogger(FileUses.class);

    private final Attachments attachments;
    private final Map<ChatfileLink, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final ScheduledExecutorService flusher;

    private FileUses(Attachments attachments, Duration flushEvery) {
        this.attachments = attachments;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "imcloud-file-uses");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, flushEvery.toMillis());
        flusher.scheduleWithFixedDelay(this::flushLogged, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Starts recording uses for {@code attachments}, written every {@code flushEvery}. */
    public static FileUses start(Attachments attachments, Duration flushEvery) {
        return new FileUses(attachments, flushEvery);
    }

    @Override
    public void record(ChatfileLink link, long at) {
        if (pending.size() >= MAX_PENDING && !pending.containsKey(link)) {
            long total = dropped.incrementAndGet();
            Log.debug("Not noting a use of file {}: {} files wait to be written ({} dropped so far)", link.uuid(), MAX_PENDING, total);
            return;
        }
        pending.merge(link, at, Math::max);
    }

    /** Uses dropped because too many waited to be written, since the start. */
    public long dropped() {
        return dropped.get();
    }

    /** Writes the noted uses; returns how many files' times moved. */
    int flush() {
        List<FileCatalog.FileUse> uses = new ArrayList<>();
        for (ChatfileLink link : pending.keySet()) {
            Long at = pending.remove(link);
            if (at != null) {
                uses.add(new FileCatalog.FileUse(link.app(), link.uuid(), at));
            }
        }
        try {
            return attachments.markUsed(uses);
        } catch (RuntimeException e) {
            // put them back (a newer use noted meanwhile wins) for the next flush
            uses.forEach(use -> pending.merge(new ChatfileLink(use.app(), use.uuid()), use.at(), Math::max));
            throw e;
        }
    }

    private void flushLogged() {
        try {
            flush();
        } catch (RuntimeException e) {
            Log.warn("Could not record the use of chat files by messages; trying again in the next flush", e);
        }
    }

    /** Stops the flush thread and writes what is left. */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            if (!flusher.awaitTermination(10, TimeUnit.SECONDS)) {
                Log.warn("The chat file use writer did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushLogged();
    }
}
