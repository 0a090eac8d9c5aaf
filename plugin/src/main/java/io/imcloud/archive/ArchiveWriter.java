package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The write-behind half of the archive: a bounded queue of {@link WriteCommand}s drained by one thread
 * with group commit (up to {@code batchSize} commands, or what is queued, per transaction, in queue
 * order). Woken by a command while few wait, the thread first lets more arrive, at most {@link WriterSettings#batchLinger}:
 * at a moderate rate it would otherwise commit each message alone, paying a transaction's round trips and a wake-up
 * for each, and the delivery state of each in a statement of its own. The queue is bounded by count and by the memory
 * its messages hold ({@link WriterSettings#queueMaxBytes}).
 *
 * <p>A full queue makes {@link #offer} wait, at most {@link WriterSettings#queueWait}, for the next batch to commit: a
 * burst faster than the database slows the threads that queue (Openfire's packet threads, so the senders' connections)
 * rather than bouncing messages.
 *
 * <p>When the database fails, the writer keeps the failed batch and retries it with a doubling pause
 * capped at {@code maxBackoff}; it logs once when the outage starts and once on recovery. Meanwhile
 * the queue fills and {@link #offer} refuses without waiting, so the caller can refuse the message loudly. A batch that
 * fails while the database answers (a bad command) is retried one command at a time so that only the
 * culprit is rejected, with an error log, after {@value #MAX_FAULTS} attempts.
 */
final class ArchiveWriter implements AutoCloseable {

    private static final Logger Log = LoggerFactory.getLogger(ArchiveWriter.class);
    private static final long POLL_MILLIS = 100;
    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final int MAX_FAULTS = 3;
    /** Commands waiting that end a linger: a transaction's round trips are spread thinly enough over as many. */
    private static final int ENOUGH_TO_WRITE = 64;
    /** Estimated bytes of a queued message besides its texts: the command, the record, its boxed and string headers. */
    private static final long MESSAGE_OVERHEAD_BYTES = 256;

    private final ConnectionProvider db;
    /** Kept while batches keep coming; the writer thread's own. */
    private final WriterConnection connection;
    private final BatchCommitter committer;
    private final WriterSettings settings;
    private final BlockingQueue<WriteCommand> queue;
    private final LossWindow lossWindow = new LossWindow();
    private final AtomicLong rejected = new AtomicLong();
    private final QueueFullLog queueFull = new QueueFullLog(Log);
    private final Predicate<ArchivedMessage> discarded;
    private final Thread thread;
    /** Commands waiting that end a linger: {@value #ENOUGH_TO_WRITE}, or a batch when batches are smaller. */
    private final int enoughToWrite;
    /**
     * The writer waits on it while it lingers; the offer that makes {@code enoughToWrite} commands wait wakes it, and
     * so does whoever waits for a commit ({@link #cutLinger}). Guards {@code lingerCut}.
     */
    private final Object lingering = new Object();
    /** Set when someone waits for a commit: the next linger (or the current one) ends at once. */
    private boolean lingerCut;
    /**
     * Guards {@code queued}, {@code queuedBytes}, {@code done}, {@code closing}, {@code stopped}, {@code databaseDown},
     * {@code probeAsked}, {@code failedProbes}; flush and a full queue's offers wait on it, and so does the writer's
     * pause between probes of a database that is down.
     */
    private final Object progress = new Object();
    private long queued;
    /** Estimated memory of the messages queued or in the batch being written. */
    private long queuedBytes;
    private long done;
    private boolean closing;
    private boolean stopped;
    /** True while the writer waits out a database outage: a full queue then refuses at once. */
    private boolean databaseDown;
    /** Set by a read during an outage: the writer ends its pause and probes the database now. */
    private boolean probeAsked;
    /** Probes that found the database still down; a read that asked for one waits for the count to move. */
    private long failedProbes;

    /**
     * Starts the writer of cluster node {@code node}; it drops, instead of writing, every queued message that
     * {@code discarded} matches when its batch is taken (a message of a user deleted meanwhile); {@code otherNodesWrite}
     * as in {@link SqlArchive}.
     */
    ArchiveWriter(ConnectionProvider db, WriterSettings settings, int node, BooleanSupplier otherNodesWrite,
                  Predicate<ArchivedMessage> discarded) {
        this.db = db;
        this.connection = new WriterConnection(db, WriterConnection.MAX_HOLD);
        this.settings = settings;
        this.discarded = discarded;
        this.committer = new BatchCommitter(db.databaseType(), settings.conversations(), node, otherNodesWrite);
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.enoughToWrite = Math.min(ENOUGH_TO_WRITE, settings.batchSize() - 1);
        this.thread = new Thread(this::run, "imcloud-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues {@code command}; when the queue is full (by count or bytes), waits up to {@link WriterSettings#queueWait}
     * for room, unless the database is down. False when it found none (reported, at most once a
     * {@link QueueFullLog#QUIET}), or the writer is closing.
     */
    boolean offer(WriteCommand command) {
        Queued queued = enqueue(command);
        if (queued == Queued.YES) {
            queueFull.accepted();
        } else if (queued == Queued.FULL) {
            queueFull.refused("Archive queue full: refused {} (a chat message is refused to its sender with resource-constraint,"
                    + " a group message is delivered but not archived, a delivery state is not recorded)", describe(command));
        }
        return queued == Queued.YES;
    }

    /** What {@link #enqueue} did with a command. */
    private enum Queued { YES, FULL, CLOSING }

    private Queued enqueue(WriteCommand command) {
        long bytes = estimatedBytes(command);
        int waiting;
        synchronized (progress) {
            long deadline = 0;
            // only offers add to the queue, under this lock: room seen here stays until queue.offer below
            while (!closing && (queuedBytes + bytes > settings.queueMaxBytes() || queue.remainingCapacity() == 0)) {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + settings.queueWait().toNanos();
                }
                if (databaseDown || stopped || now - deadline >= 0) {
                    return Queued.FULL;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, deadline - now);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Queued.FULL;
                }
            }
            if (closing || !queue.offer(command)) {
                return Queued.CLOSING;
            }
            queued++;
            queuedBytes += bytes;
            waiting = queue.size();
        }
        if (command instanceof WriteCommand.MarkRead || command instanceof WriteCommand.GroupMarkRead) {
            cutLinger(); // its caller waits for the result
        } else if (waiting == enoughToWrite) {
            // offers add one at a time under the progress lock, so exactly one sees the count reached
            synchronized (lingering) {
                lingering.notifyAll();
            }
        }
        return Queued.YES;
    }

    /**
     * The memory a queued command holds, estimated: for a message two bytes a character of its texts (Java strings
     * take one or two) plus {@value #MESSAGE_OVERHEAD_BYTES}; other commands are small and bounded by the count.
     */
    static long estimatedBytes(WriteCommand command) {
        if (command instanceof WriteCommand.Append a) {
            ArchivedMessage m = a.message();
            return MESSAGE_OVERHEAD_BYTES + 2L * (length(m.body()) + length(m.extJson()) + length(m.stanzaXml())
                    + length(m.clientMsgId()) + m.sender().length() + m.receiver().length());
        }
        if (command instanceof WriteCommand.GroupAppend a) {
            GroupMessage m = a.message();
            return MESSAGE_OVERHEAD_BYTES + 2L * (length(m.body()) + length(m.extJson()) + length(m.stanzaXml())
                    + length(m.clientMsgId()) + m.sender().length());
        }
        return 0;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /** Estimated memory the queue holds now. */
    long queuedBytes() {
        synchronized (progress) {
            return queuedBytes;
        }
    }

    /**
     * Waits until every command queued before this call is committed (or rejected); false when that did not happen
     * within {@code timeoutMillis} or the writer stopped first. With {@code unlessDatabaseDown} (a read, which would meet
     * the same outage): while the writer waits out a database outage, it probes the database at once instead of
     * finishing its pause, and the read gets false as soon as that probe finds the database still down; if it is
     * back, the read waits for the queue as usual, and does not miss what the outage held back.
     */
    boolean flush(long timeoutMillis, boolean unlessDatabaseDown) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long target;
        synchronized (progress) {
            target = queued;
            if (done >= target) {
                return true; // nothing to wait for: the writer's next linger stays whole
            }
        }
        cutLinger();
        synchronized (progress) {
            long failedBefore = -1;
            while (done < target) {
                long left = deadline - System.nanoTime();
                if (stopped || left <= 0) {
                    return false;
                }
                if (unlessDatabaseDown && databaseDown) {
                    if (failedBefore < 0) {
                        failedBefore = failedProbes;
                        probeAsked = true;
                        progress.notifyAll();
                    } else if (failedProbes > failedBefore) {
                        return false;
                    }
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return true;
        }
    }

    /** Commands waiting in the queue. */
    int queueSize() {
        return queue.size();
    }

    /** Commands rejected after repeated failures while the database was up. */
    long rejectedCount() {
        return rejected.get();
    }

    LossWindow lossWindow() {
        return lossWindow;
    }

    /** Commits what is queued (waiting at most {@code closeWait}), then stops the thread. */
    @Override
    public void close() {
        synchronized (progress) {
            closing = true;
            progress.notifyAll();
        }
        try {
            thread.join(settings.closeWait().toMillis() + 1);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(settings.closeWait().toMillis() + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<WriteCommand> batch = new ArrayList<>(settings.batchSize());
        try {
            while (true) {
                WriteCommand first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    connection.release(); // idle: the pool may lend it to others meanwhile
                    synchronized (progress) {
                        if (closing && queue.isEmpty()) {
                            return;
                        }
                    }
                    continue;
                }
                batch.add(first);
                linger();
                queue.drainTo(batch, settings.batchSize() - 1);
                List<WriteCommand> dropped = new ArrayList<>();
                batch.removeIf(c -> c instanceof WriteCommand.Append a && discarded.test(a.message()) && dropped.add(c));
                finished(dropped);
                if (!batch.isEmpty()) {
                    write(batch);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            List<WriteCommand> lost = new ArrayList<>(batch);
            queue.drainTo(lost);
            lost.forEach(c -> fail(c, new CancellationException("archive writer stopped")));
            Log.error("Archive writer stopped before the database took {} queued commands: they are lost", lost.size());
        } finally {
            connection.release();
            synchronized (progress) {
                stopped = true;
                progress.notifyAll();
            }
        }
    }

    /**
     * Waits until {@link #enoughToWrite} commands wait, someone waits for a commit (a mark-read's caller, a flush) or
     * {@link WriterSettings#batchLinger} has passed: woken once however many commands arrive meanwhile; and a load that
     * fills batches anyway is not held back.
     */
    private void linger() throws InterruptedException {
        long deadline = System.nanoTime() + settings.batchLinger().toNanos();
        synchronized (lingering) {
            long left;
            // the count is read under the lock the reaching offer takes to wake us: its wake-up cannot come unseen
            while (!lingerCut && queue.size() < enoughToWrite && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(lingering, left);
            }
            // whoever cut it queued before: the batch drained next holds their commands
            lingerCut = false;
        }
    }

    /** Ends the writer's linger now, or its next one: a caller waits for what is queued to commit. */
    private void cutLinger() {
        synchronized (lingering) {
            lingerCut = true;
            lingering.notifyAll();
        }
    }

    /** Commits {@code batch}, surviving outages; isolates a bad command when the database is up. */
    private void write(List<WriteCommand> batch) throws InterruptedException {
        while (true) {
            SQLException failure = attempt(batch);
            if (failure == null) {
                return;
            }
            if (!awaitDatabase(failure)) {
                break;
            }
        }
        Log.debug("Archive batch of {} failed with the database up; committing its commands one by one", batch.size());
        for (WriteCommand command : batch) {
            int faults = 0;
            while (true) {
                SQLException failure = attempt(List.of(command));
                if (failure == null) {
                    break;
                }
                if (!awaitDatabase(failure) && ++faults >= MAX_FAULTS) {
                    rejected.incrementAndGet();
                    Log.error("Archive rejected {} after {} attempts", describe(command), faults, failure);
                    fail(command, failure);
                    finished(List.of(command));
                    break;
                }
            }
        }
    }

    /** One transaction; null on success (futures completed, progress advanced), else the failure. */
    private SQLException attempt(List<WriteCommand> commands) {
        List<Integer> readResults;
        try {
            // READ COMMITTED already: the kept connection is set to it
            readResults = Transactions.run(connection.get(), db.databaseType(), false, c -> committer.apply(c, commands));
        } catch (SQLException | RuntimeException e) {
            connection.release(); // the pool tests it as it takes it back, and drops it if it is broken
            return e instanceof SQLException sql ? sql : new SQLException("Archive batch failed: " + e, e);
        }
        long now = System.nanoTime();
        int read = 0;
        for (WriteCommand c : commands) {
            if (c instanceof WriteCommand.Append a) {
                lossWindow.record(now - a.queuedNanos());
            } else if (c instanceof WriteCommand.GroupAppend a) {
                lossWindow.record(now - a.queuedNanos());
            } else if (c instanceof WriteCommand.MarkRead r) {
                r.result().complete(readResults.get(read++));
            } else if (c instanceof WriteCommand.GroupMarkRead r) {
                r.result().complete(readResults.get(read++));
            }
        }
        finished(commands);
        return null;
    }

    /**
     * After a failure: false at once when the database answers (the batch is at fault); otherwise
     * waits with capped backoff until it answers again and returns true (retry the same batch).
     */
    private boolean awaitDatabase(SQLException failure) throws InterruptedException {
        if (reachable()) {
            return false;
        }
        long started = System.currentTimeMillis();
        databaseState(true);
        Log.warn("Archive database unavailable; keeping queued messages ({} waiting) and retrying: {}", queue.size(), failure.toString());
        long backoff = MIN_BACKOFF_MILLIS;
        do {
            pause(backoff);
            backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
        } while (!probe());
        databaseState(false);
        Log.info("Archive database available again after {} ms; committing {} queued commands",
                System.currentTimeMillis() - started, queue.size());
        return true;
    }

    /** Records whether the database is down, and wakes the offers waiting for room (they refuse while it is). */
    private void databaseState(boolean down) {
        synchronized (progress) {
            databaseDown = down;
            progress.notifyAll();
        }
    }

    /** Waits {@code millis} between probes, or until a read asks for a probe. */
    private void pause(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (progress) {
            long left;
            while (!probeAsked && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            probeAsked = false;
        }
    }

    /** Whether the database answers again; when not, wakes the reads that wait for this probe. */
    private boolean probe() {
        if (reachable()) {
            return true;
        }
        synchronized (progress) {
            failedProbes++;
            progress.notifyAll();
        }
        return false;
    }

    private boolean reachable() {
        try (Connection con = db.getConnection()) {
            return con.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Counts {@code commands} as done (committed, rejected or dropped) and releases their bytes. */
    private void finished(List<WriteCommand> commands) {
        if (commands.isEmpty()) {
            return;
        }
        long bytes = 0;
        for (WriteCommand c : commands) {
            bytes += estimatedBytes(c);
        }
        synchronized (progress) {
            done += commands.size();
            queuedBytes -= bytes;
            progress.notifyAll();
        }
    }

    private static void fail(WriteCommand command, Throwable cause) {
        if (command instanceof WriteCommand.MarkRead r) {
            r.result().completeExceptionally(cause);
        } else if (command instanceof WriteCommand.GroupMarkRead r) {
            r.result().completeExceptionally(cause);
        }
    }

    private static String describe(WriteCommand command) {
        if (command instanceof WriteCommand.Append a) {
            return "message " + a.message().msgId() + " of " + a.message().appKey();
        }
        if (command instanceof WriteCommand.StateChange s) {
            return "state change of message " + s.msgId() + " of " + s.appKey();
        }
        if (command instanceof WriteCommand.GroupAppend a) {
            return "message " + a.message().msgId() + " of group " + a.message().groupId() + " of " + a.message().appKey();
        }
        if (command instanceof WriteCommand.GroupMarkRead r) {
            return "mark-read of " + r.owner() + " in group " + r.groupId();
        }
        WriteCommand.MarkRead r = (WriteCommand.MarkRead) command;
        return "mark-read of " + r.owner() + " with " + r.peer();
    }
}
