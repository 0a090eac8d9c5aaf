package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.Transactions;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.UserData;
import io.imcloud.unread.CounterFold;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The {@link Archive} over a {@link ConnectionProvider}: writes (messages, delivery states, read marks,
 * and with them the unread counters and conversation list of {@code ofImConversation}) go through one
 * group-commit queue ({@link ArchiveWriter}), reads to the database ({@link ArchiveReader}) once what was queued before
 * them is committed ({@link #awaitQueued}).
 *
 * <p>Write-behind: {@link #append} returns before the message is durable. A crash loses what was
 * queued but not committed (the loss window, see {@link #lossWindow()}); {@link #close()} commits
 * everything queued. Open one instance per node and close it when the plugin stops.
 *
 * <p>A second thread, every {@code foldInterval}, applies delivery states that reached the database before their
 * messages ({@link LateStates}) and, with conversations maintained, folds archived messages into the unread
 * counters ({@link CounterFold}); when a task fails it logs once, retries at every interval, and logs again when
 * it succeeds.
 */
public final class SqlArchive implements Archive, GroupArchive, UserData, AutoCloseable {

    private static final Logger Log = LoggerFactory.getLogger(SqlArchive.class);
    /**
     * How long {@link #findOwn} waits for this node's writer when an id is not in the database yet: a client
     * may page from a stanza-id it received a moment ago, which the write-behind queue still holds.
     */
    private static final long QUEUED_ID_WAIT_MILLIS = 2_000;
    /**
     * How long {@link #awaitQueued} waits: commits take milliseconds and the writer cuts its linger for it, so this is
     * reached only when the database is far behind, or going down before the writer has found it down (after that, a
     * read waits only for one probe of the database), and then a read should not hang on it.
     */
    private static final long READ_WAIT_MILLIS = 500;
    /**
     * How long {@link #deleteUser} waits for the writer to commit what was queued before the deletion; beyond it
     * (a database outage) the purge goes on, and the writer drops the user's queued messages instead.
     */
    private static final long PURGE_FLUSH_WAIT_MILLIS = 30_000;
    /** How often a group mark by a message another node has not committed yet is tried again: about its linger. */
    static final long UNCOMMITTED_MARK_RETRY_MILLIS = 50;
    /** About 146 years: long enough to mean "no bound", short enough for nanosecond arithmetic. */
    private static final long UNBOUNDED_MILLIS = Long.MAX_VALUE / 2_000_000;
    /** Late delivery states settled per transaction, and at most per pass. */
    private static final int LATE_STATES_BATCH = 500;
    private static final int LATE_STATES_PER_PASS = 10_000;

    private final ConnectionProvider db;
    private final MessageIds ids;
    private final WriterSettings settings;
    private final ArchiveWriter writer;
    private final ArchiveReader reader;
    private final GroupMessageReader groupReader;
    private final CounterFold fold;
    private final ArchivePurge purge;
    private final DeletedUsers deletedUsers = new DeletedUsers(System::currentTimeMillis);
    private final LateStates lateStates;
    private final ScheduledExecutorService maintenance;
    /** Whether the last scheduled fold failed; read and written by the maintenance thread only. */
    private boolean foldFailing;
    /** Whether the last scheduled pass over the late states failed; read and written by the maintenance thread only. */
    private boolean lateStatesFailing;

    /** An archive with a writer queue of {@code queueCapacity} commands committed up to {@code batchSize} at a time. */
    public SqlArchive(ConnectionProvider db, MessageIds ids, int queueCapacity, int batchSize) {
        this(db, ids, WriterSettings.of(queueCapacity, batchSize));
    }

    /** An archive with full writer settings, assuming other nodes write to the database too; starts the writer thread. */
    public SqlArchive(ConnectionProvider db, MessageIds ids, WriterSettings settings) {
        this(db, ids, settings, () -> true);
    }

    /**
     * An archive with full writer settings; starts the writer thread. While {@code otherNodesWrite} says no other node
     * writes to the database, the writer spares each batch its look for delivery states recorded before their messages
     * (only another node's writer records one that its message follows); one that comes while this node has not noticed
     * the other yet is applied by the next {@link #reconcileLateStates} instead.
     */
    public SqlArchive(ConnectionProvider db, MessageIds ids, WriterSettings settings, BooleanSupplier otherNodesWrite) {
        this.db = db;
        this.ids = ids;
        this.settings = settings;
        this.reader = new ArchiveReader(db);
        this.groupReader = new GroupMessageReader(db);
        this.writer = new ArchiveWriter(db, settings, ids.node(), otherNodesWrite, deletedUsers::discards);
        this.fold = new CounterFold(db.databaseType());
        this.purge = new ArchivePurge(db);
        this.lateStates = new LateStates(db.databaseType());
        this.maintenance = startMaintenance(settings.foldInterval());
    }

    @Override
    public long nextId() {
        return ids.next();
    }

    @Override
    public boolean append(ArchivedMessage message) {
        return writer.offer(new WriteCommand.Append(message, System.nanoTime()));
    }

    /** Queues the change; a full queue drops it and the writer reports that (the message keeps its old state). */
    @Override
    public void markState(AppKey appKey, long msgId, DeliveryState state) {
        writer.offer(new WriteCommand.StateChange(appKey, msgId, state));
    }

    /** Runs through the writer queue, ordered with the appends; fails with {@link RejectedExecutionException} when the queue is full. */
    @Override
    public CompletableFuture<Integer> markRead(AppUser owner, String peer, String upTo) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        if (!writer.offer(new WriteCommand.MarkRead(owner, AppUser.normalize(peer), upTo, result))) {
            result.completeExceptionally(new RejectedExecutionException("archive queue full"));
        }
        return result;
    }

    /**
     * Waits without bound (while the database is down, until it is back); see {@link #flush(long)}.
     *
     * @throws IllegalStateException when the writer stopped (closed) or the thread was interrupted first
     */
    @Override
    public void flush() {
        if (!flush(UNBOUNDED_MILLIS)) {
            throw new IllegalStateException("Archive writer stopped or interrupted before the flush completed");
        }
    }

    /**
     * Waits at most {@code timeoutMillis} until everything queued before this call is committed;
     * false on timeout or when the writer has stopped.
     */
    public boolean flush(long timeoutMillis) {
        return awaitWriter(timeoutMillis, false);
    }

    @Override
    public void awaitQueued() {
        awaitQueued(READ_WAIT_MILLIS);
    }

    /**
     * {@link #awaitQueued()} waiting at most {@code timeoutMillis}; false when that passed first or the database is down:
     * during an outage the writer probes the database for the read at once, and the read, which would fail on it anyway,
     * waits no longer than that probe; if the database is back, the read waits for what the outage held in the queue.
     */
    boolean awaitQueued(long timeoutMillis) {
        return awaitWriter(timeoutMillis, true);
    }

    /** {@link ArchiveWriter#flush}; false when interrupted, with the thread's interrupt kept. */
    private boolean awaitWriter(long timeoutMillis, boolean unlessDatabaseDown) {
        try {
            return writer.flush(timeoutMillis, unlessDatabaseDown);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Removes a deleted user's archive: every message they sent or received, and every conversation row they are
     * a side of, their peers' conversations with them included (those messages are gone, and a peer must not keep
     * a conversation with a later user of the name). First fences the user on this node's writer (their messages
     * still queued, or appended a moment later by a thread that saw the user alive, are dropped instead of written)
     * and waits for the batch in flight, so nothing of theirs comes back after the purge; messages of a new user of
     * the same name get ids above the fence and are kept. Another cluster node's queue is not fenced: its packet
     * threads refuse the user once the account is gone, and what it had queued before commits within its usual
     * queue wait, normally well before this purge reaches those ids.
     *
     * @throws ArchiveException when the database fails (the account is gone; calling this again finishes the purge)
     */
    @Override
    public long deleteUser(AppUser user) {
        long fence = ids.next();
        deletedUsers.fence(user, fence);
        if (!flush(PURGE_FLUSH_WAIT_MILLIS)) {
            Log.warn("Archive writer did not commit its queue within {} ms; purging deleted user {} without waiting",
                    PURGE_FLUSH_WAIT_MILLIS, user.node());
        }
        long deleted = purge.deleteUser(user, fence);
        if (deleted > 0) { // a deletion repeated to finish one that failed part way finds nothing, mostly
            Log.info("Purged {} archived messages and the conversations of deleted user {}", deleted, user.node());
        }
        return deleted;
    }

    @Override
    public Optional<ArchivedMessage> find(AppKey appKey, long msgId) {
        return reader.find(appKey, msgId);
    }

    /** Looks in the database; on a miss, waits (bounded) for the queued messages to commit and looks once more. */
    @Override
    public Optional<ArchivedMessage> findOwn(AppUser owner, long msgId) {
        Optional<ArchivedMessage> found = committedOwn(owner, msgId);
        if (found.isEmpty() && flush(QUEUED_ID_WAIT_MILLIS)) {
            found = committedOwn(owner, msgId);
        }
        return found;
    }

    private Optional<ArchivedMessage> committedOwn(AppUser owner, long msgId) {
        return reader.find(owner.appKey(), msgId).filter(m -> m.involves(owner.username()));
    }

    @Override
    public List<ArchivedMessage> history(AppUser owner, String peer, long beforeId, int limit) {
        awaitQueued();
        return reader.history(owner, AppUser.normalize(peer), beforeId, limit);
    }

    @Override
    public ArchivePage query(ArchiveQuery query) {
        awaitQueued();
        return reader.query(query);
    }

    @Override
    public long count(ArchiveQuery query) {
        awaitQueued();
        return reader.count(query);
    }

    @Override
    public long offlineCount(AppUser user) {
        awaitQueued();
        return reader.offlineCount(user);
    }

    /** The number of archived messages of the app (committed ones). */
    public long messageCount(AppKey appKey) {
        return reader.messageCount(appKey);
    }

    @Override
    public boolean appendGroup(GroupMessage message) {
        return writer.offer(new WriteCommand.GroupAppend(message, System.nanoTime()));
    }

    /**
     * Runs through the writer queue, ordered with the appends; fails with {@link RejectedExecutionException} when the queue
     * is full. A mark by a message another node has not committed yet is tried again every
     * {@value #UNCOMMITTED_MARK_RETRY_MILLIS} ms until that node commits it, or the id is too old to wait for.
     */
    @Override
    public CompletableFuture<Integer> markGroupRead(AppUser member, long groupId, String upTo) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        offerGroupMark(member, groupId, upTo, result);
        return result;
    }

    private void offerGroupMark(AppUser member, long groupId, String upTo, CompletableFuture<Integer> result) {
        CompletableFuture<Integer> attempt = new CompletableFuture<>();
        if (!writer.offer(new WriteCommand.GroupMarkRead(member, groupId, upTo, attempt))) {
            result.completeExceptionally(new RejectedExecutionException("archive queue full"));
            return;
        }
        attempt.whenComplete((left, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else if (left != GroupMessageSql.NOT_COMMITTED) {
                result.complete(left);
            } else {
                try {
                    // not from the writer's thread, which the offer could make wait for room in its own queue
                    maintenance.schedule(() -> offerGroupMark(member, groupId, upTo, result), UNCOMMITTED_MARK_RETRY_MILLIS,
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closing) {
                    result.completeExceptionally(closing);
                }
            }
        });
    }

    /** Looks in the database; on a miss, waits (bounded) for the queued messages to commit and looks once more. */
    @Override
    public Optional<GroupMessage> findGroupMessage(AppKey appKey, long groupId, long msgId) {
        Optional<GroupMessage> found = groupReader.find(appKey, groupId, msgId);
        if (found.isEmpty() && flush(QUEUED_ID_WAIT_MILLIS)) {
            found = groupReader.find(appKey, groupId, msgId);
        }
        return found;
    }

    @Override
    public List<GroupMessage> groupHistory(AppKey appKey, long groupId, long beforeId, int limit) {
        awaitQueued();
        return groupReader.history(appKey, groupId, beforeId, limit);
    }

    @Override
    public GroupHistoryPage groupQuery(long groupId, ArchiveQuery query) {
        awaitQueued();
        return groupReader.query(groupId, query);
    }

    @Override
    public long groupCount(long groupId, ArchiveQuery query) {
        awaitQueued();
        return groupReader.count(groupId, query);
    }

    /**
     * Folds every archived message older than the settings' fold lag into the unread counters now, as the
     * maintenance thread does every fold interval; returns how many it counted. The counters read the same before
     * and after. Safe on any thread and node at any time: folds take turns.
     *
     * @throws ArchiveException when the database fails
     */
    public long foldCounters() {
        long safeId = MessageIds.firstIdAt(System.currentTimeMillis() - settings.foldLag().toMillis()) - 1;
        long total;
        try (Connection con = db.getConnection()) {
            Transactions.readCommitted(con, db.databaseType(), c -> fold.claim(c, safeId, System.currentTimeMillis()));
            total = Transactions.readCommitted(con, db.databaseType(), c -> fold.foldClaimed(c, System.currentTimeMillis()));
        } catch (SQLException e) {
            throw new ArchiveException("Cannot fold archived messages into the unread counters", e);
        }
        return total;
    }

    /**
     * Applies the delivery states that reached the database before their messages (another node's writer had not
     * committed them), and drops those whose message never came within {@link LateStates#MAX_AGE}; the maintenance
     * thread does this every fold interval. Safe on any thread and node at any time.
     *
     * @return how many late states it applied
     * @throws ArchiveException when the database fails
     */
    public int reconcileLateStates() {
        LateStates.Reconciled done = lateStates.reconcile(db, System.currentTimeMillis(), LATE_STATES_BATCH,
                LATE_STATES_PER_PASS);
        if (done.dropped() > 0) {
            Log.info("Dropped {} delivery states whose messages were never archived within {}", done.dropped(),
                    LateStates.MAX_AGE);
        }
        return done.applied();
    }

    private ScheduledExecutorService startMaintenance(Duration interval) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "imcloud-fold");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, interval.toMillis());
        executor.scheduleWithFixedDelay(() -> {
            if (settings.conversations()) {
                foldFailing = logged("Folding archived messages into the unread counters", foldFailing, interval,
                        "the counters stay exact, reads get slower until a fold succeeds", this::foldCounters);
            }
            lateStatesFailing = logged("Applying delivery states that came before their messages", lateStatesFailing, interval,
                    "such messages keep their earlier state meanwhile", this::reconcileLateStates);
        }, millis, millis, TimeUnit.MILLISECONDS);
        return executor;
    }

    /** Runs one maintenance task; logs its first failure, its recovery and the rest at debug; returns whether it failed. */
    private static boolean logged(String task, boolean failing, Duration interval, String meanwhile, LongSupplier run) {
        try {
            long n = run.getAsLong();
            Log.debug("{}: {} done", task, n);
            if (failing) {
                Log.info("{} works again", task);
            }
            return false;
        } catch (RuntimeException e) {
            if (!failing) {
                Log.warn("{} failed; retrying every {} ({}): {}", task, interval, meanwhile, e.toString());
            } else {
                Log.debug("{} failed again: {}", task, e.toString());
            }
            return true;
        }
    }

    /** Commands waiting for the database (a monitoring figure: it grows while the database is down). */
    public int queueSize() {
        return writer.queueSize();
    }

    /** Estimated memory the queued messages hold (a monitoring figure, bounded by the settings' queue bytes). */
    public long queueBytes() {
        return writer.queuedBytes();
    }

    /** Commands rejected because they failed on their own while the database was up (each logged as an error). */
    public long rejectedCount() {
        return writer.rejectedCount();
    }

    /** Time from {@link #append} to commit of every message committed so far. */
    public LossWindow lossWindow() {
        return writer.lossWindow();
    }

    /** Stops the maintenance thread, commits everything queued (waiting at most the settings' close wait), then stops the writer. */
    @Override
    public void close() {
        maintenance.shutdown();
        try {
            if (!maintenance.awaitTermination(settings.closeWait().toMillis(), TimeUnit.MILLISECONDS)) {
                maintenance.shutdownNow();
            }
        } catch (InterruptedException e) {
            maintenance.shutdownNow();
            Thread.currentThread().interrupt();
        }
        writer.close();
    }
}
