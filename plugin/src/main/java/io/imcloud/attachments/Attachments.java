package io.imcloud.attachments;

import io.imcloud.i18n.ErrorText;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppData;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.StoreException;
import io.imcloud.tenancy.UserData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The app-scoped attachment store: uploads streamed to disk and verified, downloads, thumbnails, quotas, retention
 * and removal with apps and users. An upload is written under a temporary name, flushed to disk, probed from its
 * bytes, admitted by its app's rules, recorded with its share of the app's usage, and only then moved into place; a
 * refusal or failure at any step leaves neither a file nor a row behind. A file's retention counts from the last
 * message that used it ({@link #markUsed}, {@link FileUses}), or from its upload when none did.
 */
public final class Attachments implements AppData, UserData {

    private static final Logger Log = LoggerFactory.getLogger(Attachments.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long DAY_MILLIS = 86_400_000L;
    /** An upload still being written after this long was left by a crash. */
    private static final long STALE_INCOMING_MILLIS = DAY_MILLIS;
    /** Files removed per query while deleting or sweeping, so that memory stays bounded. */
    private static final int BATCH = 500;
    private static final int UNDECODABLE_KEPT = 10_000;
    /** Bytes gathered per write to disk. */
    private static final int WRITE_BUFFER_BYTES = 256 * 1024;
    /** Bytes written between two early flushes of an upload. */
    static final long EARLY_FLUSH_BYTES = 8L * 1024 * 1024;
    /**
     * Threads that flush uploads to disk while their bodies still arrive: at most 4, started when needed and ended
     * after 10 s idle (so none outlives an unloaded plugin for long); when all are busy, an upload flushes at its end.
     */
    private static final ThreadPoolExecutor FLUSHERS = new ThreadPoolExecutor(0, 4, 10, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "imcloud-upload-flush");
                t.setDaemon(true);
                return t;
            });

    private final FileCatalog catalog;
    private final FileStorage storage;
    private final Clock clock;
    private final Supplier<AttachmentLimits> limits;
    /** Images whose thumbnail failed to decode, most recent {@value #UNDECODABLE_KEPT}: each try costs a whole decode. */
    private final Set<String> undecodable = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > UNDECODABLE_KEPT;
        }
    }));

    /**
     * @param root   the attachments directory (shared storage in a cluster)
     * @param limits asked for the current snapshot on each upload
     */
    public Attachments(ConnectionProvider db, Path root, Clock clock, Supplier<AttachmentLimits> limits) {
        this.catalog = new FileCatalog(db);
        this.storage = new FileStorage(root);
        this.clock = clock;
        this.limits = limits;
    }

    /** The current limits. */
    public AttachmentLimits limits() {
        return limits.get();
    }

    /**
     * Stores the bytes of {@code body} as {@code upload} asks.
     *
     * @throws AttachmentException TOO_LARGE, EMPTY, TYPE_REFUSED or QUOTA_EXCEEDED (then nothing is kept)
     * @throws IOException         when the body cannot be read or the file not written
     */
    public Stored store(Upload upload, InputStream body) throws IOException {
        String uuid = upload.uuid() == null ? UUID.randomUUID().toString() : upload.uuid();
        if (!StoredFile.isUuid(uuid)) {
            throw new IllegalArgumentException("Not a file id: " + uuid);
        }
        long max = upload.exactSize() >= 0 ? upload.exactSize() : limits.get().maxFileBytes();
        Path incoming = storage.newIncoming();
        boolean recorded = false;
        StoredFile file = null;
        try {
            long size = receive(body, incoming, max);
            if (size > max) {
                throw new AttachmentException(AttachmentException.Reason.TOO_LARGE, ErrorText.FILE_TOO_LARGE, max);
            }
            if (size == 0) {
                throw new AttachmentException(AttachmentException.Reason.EMPTY, ErrorText.FILE_EMPTY);
            }
            // only fewer bytes come here: more were refused above, as over max (the exact size)
            if (upload.exactSize() >= 0 && size != upload.exactSize()) {
                throw new AttachmentException(AttachmentException.Reason.SHORT, ErrorText.FILE_SIZE_MISMATCH, size,
                        upload.exactSize());
            }
            MediaProbe.Media media = MediaProbe.probe(incoming);
            if (upload.policy().mediaOnly() && media.kind() == FileKind.FILE) {
                throw new AttachmentException(AttachmentException.Reason.TYPE_REFUSED, ErrorText.FILE_MEDIA_ONLY);
            }
            String secret = upload.restricted() ? newSecret() : null;
            file = new StoredFile(uuid, upload.app(), upload.owner(), media.kind(), media.contentType(), size,
                    DisplayNames.clean(upload.fileName()), secret == null ? null : StoredFile.hashSecret(secret),
                    media.durationMillis(), media.width(), media.height(), clock.millis());
            addRow(file, upload);
            recorded = true;
            storage.place(incoming, file);
            Log.debug("Stored file {} of {} ({} bytes, {})", uuid, upload.app(), size, media.contentType());
            return new Stored(file, secret);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(incoming);
            if (recorded) {
                undo(file, e);
            }
            throw e;
        }
    }

    private void addRow(StoredFile file, Upload upload) {
        try {
            catalog.add(file, upload.policy());
        } catch (StoreException e) {
            if (e.getCause() instanceof java.sql.SQLException sql && StoreException.isDuplicateKey(sql)) {
                throw new AttachmentException(AttachmentException.Reason.DUPLICATE, ErrorText.FILE_EXISTS, file.uuid());
            }
            throw e;
        }
    }

    /**
     * Copies at most {@code max + 1} bytes (one more tells an oversized body) and flushes them to the disk. The disk
     * need not wait for the end: every {@link #EARLY_FLUSH_BYTES} written, a flush of what is there starts on a
     * flusher thread while the body goes on arriving, so the last flush finds little left to write.
     */
    private static long receive(InputStream body, Path incoming, long max) throws IOException {
        try (FileChannel channel = FileChannel.open(incoming, StandardOpenOption.WRITE)) {
            // Request bodies arrive in reads of a few KiB: gathering them into large writes saves most system calls.
            ByteBuffer buffer = ByteBuffer.allocate(WRITE_BUFFER_BYTES);
            long size = 0;
            long flushedUpTo = 0;
            Future<?> flushing = null;
            try {
                int n;
                while (size <= max && (n = body.read(buffer.array(), buffer.position(),
                        (int) Math.min(buffer.remaining(), max + 1 - size))) >= 0) {
                    buffer.position(buffer.position() + n);
                    size += n;
                    if (!buffer.hasRemaining()) {
                        writeOut(channel, buffer);
                        if (size - flushedUpTo >= EARLY_FLUSH_BYTES && (flushing == null || flushing.isDone())) {
                            flushing = startFlush(channel);
                            flushedUpTo = size;
                        }
                    }
                }
                writeOut(channel, buffer);
            } finally {
                if (flushing != null) {
                    awaitFlush(flushing);
                }
            }
            channel.force(true);
            return size;
        }
    }

    private static void writeOut(FileChannel channel, ByteBuffer buffer) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** A flush of what {@code channel} holds so far, on a flusher thread; null when every flusher is busy (the last flush does it). */
    private static Future<?> startFlush(FileChannel channel) {
        try {
            return FLUSHERS.submit(() -> {
                channel.force(false);
                return null;
            });
        } catch (RejectedExecutionException busy) {
            return null;
        }
    }

    /** Waits for an early flush; its failure only means the last flush has more to write (and reports its own). */
    private static void awaitFlush(Future<?> flushing) throws IOException {
        try {
            flushing.get();
        } catch (ExecutionException e) {
            Log.debug("An early flush of an upload failed; the last flush writes it all", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while flushing an upload");
        }
    }

    private void undo(StoredFile file, Exception cause) {
        try {
            catalog.remove(file);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static String newSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The file {@code uuid} of {@code app}; empty for anything else, including an id that is not a uuid. */
    public Optional<StoredFile> find(AppKey app, String uuid) {
        return StoredFile.isUuid(uuid) ? catalog.find(app, uuid) : Optional.empty();
    }

    /**
     * The files that {@code links} name and that exist, by link: each link's file is looked for among its own app's
     * files, so a missing file and one of another app are left out alike. One catalog query per app (and per
     * {@value FileCatalog#IN_LIST_MAX} files), however many links there are: a page of messages reads its files at once.
     */
    public Map<ChatfileLink, StoredFile> findLinked(Collection<ChatfileLink> links) {
        Map<AppKey, Set<String>> uuidsByApp = new LinkedHashMap<>();
        for (ChatfileLink link : links) {
            if (StoredFile.isUuid(link.uuid())) {
                uuidsByApp.computeIfAbsent(link.app(), app -> new LinkedHashSet<>()).add(link.uuid());
            }
        }
        Map<ChatfileLink, StoredFile> found = new HashMap<>();
        uuidsByApp.forEach((app, uuids) -> catalog.find(app, uuids)
                .forEach((uuid, file) -> found.put(new ChatfileLink(app, uuid), file)));
        return found;
    }

    /** The bytes of {@code file} on disk. */
    public Path content(StoredFile file) {
        return storage.pathOf(file);
    }

    /**
     * The JPEG thumbnail of image {@code file}, made on first request and kept beside it.
     *
     * @throws AttachmentException IMAGE_TOO_LARGE for an image with more pixels than the limit
     */
    public Path thumbnail(StoredFile file) throws IOException {
        if (file.kind() != FileKind.IMAGE) {
            throw new IllegalArgumentException("Only images have thumbnails");
        }
        Path thumbnail = storage.thumbnailOf(file);
        if (Files.exists(thumbnail)) {
            return thumbnail;
        }
        AttachmentLimits current = limits.get();
        if ((long) file.width() * file.height() > current.thumbnailMaxPixels()) {
            throw new AttachmentException(AttachmentException.Reason.IMAGE_TOO_LARGE, ErrorText.IMAGE_TOO_LARGE, file.width(),
                    file.height(), current.thumbnailMaxPixels());
        }
        if (undecodable.contains(file.uuid())) {
            throw new AttachmentException(AttachmentException.Reason.IMAGE_UNDECODABLE, ErrorText.IMAGE_UNDECODABLE);
        }
        Path incoming = storage.newIncoming();
        try {
            ImageProbe.thumbnail(storage.pathOf(file), incoming, current.thumbnailEdge(), current.thumbnailMaxPixels());
            FileStorage.moveInto(incoming, thumbnail);
        } catch (AttachmentException e) {
            if (e.reason() == AttachmentException.Reason.IMAGE_UNDECODABLE) {
                undecodable.add(file.uuid()); // decoding it again would take as long, to fail again
            }
            throw e;
        } finally {
            Files.deleteIfExists(incoming);
        }
        return thumbnail;
    }

    /** The bytes and files {@code app} stores. */
    public FileUsage usage(AppKey app) {
        FileCatalog.Usage usage = catalog.usage(app);
        return new FileUsage(usage.bytes(), usage.files());
    }

    /** Removes {@code file} (row, bytes, thumbnail); false when it was gone already. */
    public boolean delete(StoredFile file) {
        return delete(file, Long.MAX_VALUE);
    }

    /**
     * Records that a message sent at {@code at} uses the file {@code link} names, so that retention counts from then;
     * false when the file does not exist (retention may have taken it a moment ago), and nothing was recorded.
     */
    public boolean markUsed(ChatfileLink link, long at) {
        return catalog.markUsed(List.of(new FileCatalog.FileUse(link.app(), link.uuid(), at))) > 0
                || find(link.app(), link.uuid()).isPresent(); // marked already by a later use
    }

    /** {@link #markUsed(ChatfileLink, long)} for many uses in one batch; returns how many files' times moved. */
    int markUsed(Collection<FileCatalog.FileUse> uses) {
        return catalog.markUsed(uses);
    }

    /**
     * Removes {@code file}'s row unless a message used it at or after {@code usedBefore}, and then its bytes; false, with
     * the bytes kept, when the row stays (used meanwhile) or was gone already (its deleter removes them).
     */
    boolean delete(StoredFile file, long usedBefore) {
        boolean removed = catalog.remove(file, usedBefore);
        if (!removed) {
            return false;
        }
        try {
            storage.remove(file);
        } catch (IOException e) {
            // the row is gone, so nothing serves or counts the bytes any more; the operator may clean the disk
            Log.warn("imcloud: could not delete the bytes of file {} at {}", file.uuid(), storage.pathOf(file), e);
        }
        return true;
    }

    /**
     * One pass of retention: removes, in bounded batches, the files that no message used (and that were not uploaded)
     * within their app's file retention, and uploads in progress left by a crash. A file chosen for removal that a
     * message uses meanwhile is kept. Safe on every cluster node. Returns how many files went.
     */
    public int sweep() {
        int removed = 0;
        for (FileCatalog.Retention r : catalog.retentions()) {
            long cutoff = clock.millis() - r.days() * DAY_MILLIS;
            removed += deleteWhere(r.app(), cutoff, " AND lastUsed < ?", cutoff);
        }
        try {
            storage.removeStaleIncoming(clock.millis() - STALE_INCOMING_MILLIS);
        } catch (IOException e) {
            Log.warn("imcloud: could not clean the incoming uploads under {}", storage.root(), e);
        }
        if (removed > 0) {
            Log.info("imcloud: file retention removed {} files", removed);
        }
        return removed;
    }

    @Override
    public String kind() {
        return "files";
    }

    @Override
    public long deleteAll(AppKey appKey) {
        long removed = deleteWhere(appKey, Long.MAX_VALUE, "");
        try {
            storage.removeApp(appKey);
        } catch (IOException e) {
            Log.warn("imcloud: could not delete the directory of app {} under {}", appKey, storage.root(), e);
        }
        catalog.forgetApp(appKey);
        return removed;
    }

    @Override
    public long deleteUser(AppUser user) {
        return deleteWhere(user.appKey(), Long.MAX_VALUE, " AND owner = ?", user.username());
    }

    /** Deletes the files of {@code app} matching {@code condition} and last used before {@code usedBefore}. */
    private int deleteWhere(AppKey app, long usedBefore, String condition, Object... args) {
        int removed = 0;
        List<StoredFile> batch;
        do {
            batch = catalog.select(app, condition, BATCH, args);
            for (StoredFile f : batch) {
                if (delete(f, usedBefore)) {
                    removed++;
                }
            }
        } while (batch.size() == BATCH);
        return removed;
    }

    /** A stored file and its share-secret (null for an open file), which exists nowhere else: shown once. */
    public record Stored(StoredFile file, String secret) {
    }

    /** An app's stored attachments. */
    public record FileUsage(long bytes, int files) {
    }
}
