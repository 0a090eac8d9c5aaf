package io.imcloud.archive;

import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.OTHER_APP;
import static io.imcloud.archive.ArchiveFixtures.message;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static io.imcloud.archive.DeliveryState.DELIVERED;
import static io.imcloud.archive.DeliveryState.OFFLINE;
import static io.imcloud.archive.DeliveryState.PENDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ordering rule of delivery states between cluster nodes: the sender's node (A) inserts a message, the receiver's
 * node (B) records its state, each with its own writer on one database. Whatever order their commits come in, the
 * message ends in the furthest state reported, and nothing is left behind in {@code ofImLateState}.
 */
class LateStateTest {

    private static final AppUser BOB = AppUser.of(APP, "bob");

    @AllDatabases
    void aStateCommittedBeforeItsMessageIsAppliedByTheInsert(TestDatabase db) throws Exception {
        try (SqlArchive nodeA = new SqlArchive(db, new MessageIds(1), settings(1000, 16));
             SqlArchive nodeB = new SqlArchive(db, new MessageIds(2), settings(1000, 16))) {
            ArchivedMessage m = message(nodeA, APP, "alice", "bob", null);
            nodeB.markState(APP, m.msgId(), DELIVERED);
            nodeB.flush();
            assertEquals(1, db.count("ofImLateState"), "kept: its message is not in the database");
            assertEquals(0, db.count("ofImMessage"));

            assertTrue(nodeA.append(m));
            nodeA.flush();
            assertEquals(Optional.of(DELIVERED), nodeA.deliveryState(BOB, m.msgId()));
            assertEquals(Optional.of(DELIVERED), nodeB.deliveryState(BOB, m.msgId()));
            assertEquals(0, db.count("ofImLateState"), "the insert took it");
        }
    }

    /**
     * A node that believes it runs alone does not look for late states as it inserts: one recorded by a node it has not
     * seen yet is applied by its reconciler instead.
     */
    @AllDatabases
    void aNodeThatRunsAloneLeavesLateStatesToTheReconciler(TestDatabase db) throws Exception {
        try (SqlArchive nodeA = new SqlArchive(db, new MessageIds(1), settings(1000, 16), () -> false);
             SqlArchive nodeB = new SqlArchive(db, new MessageIds(2), settings(1000, 16))) {
            ArchivedMessage m = message(nodeA, APP, "alice", "bob", null);
            nodeB.markState(APP, m.msgId(), DELIVERED);
            nodeB.flush();
            assertTrue(nodeA.append(m));
            nodeA.flush();
            assertEquals(PENDING, stateOf(db, m.msgId()), "the insert did not look");
            assertEquals(1, db.count("ofImLateState"));
            assertEquals(1, nodeA.reconcileLateStates());
            assertEquals(DELIVERED, stateOf(db, m.msgId()));
            assertEquals(0, db.count("ofImLateState"));
        }
    }

    @AllDatabases
    void aStateCommittedAfterItsMessageIsAppliedAtOnce(TestDatabase db) throws Exception {
        try (SqlArchive nodeA = new SqlArchive(db, new MessageIds(1), settings(1000, 16));
             SqlArchive nodeB = new SqlArchive(db, new MessageIds(2), settings(1000, 16))) {
            ArchivedMessage m = ArchiveFixtures.send(nodeA, APP, "alice", "bob", null);
            nodeA.flush();
            nodeB.markState(APP, m.msgId(), OFFLINE);
            nodeB.flush();
            assertEquals(OFFLINE, stateOf(db, m.msgId()));
            assertEquals(0, db.count("ofImLateState"));
        }
    }

    /**
     * Two states of one message (stored offline, then delivered) reported in either order, by two nodes, with the
     * message's insert before, between or after them: the message ends delivered every time.
     */
    @AllDatabases
    void twoStatesInEitherOrderAroundTheInsertEndInTheFurthest(TestDatabase db) throws Exception {
        try (SqlArchive nodeA = new SqlArchive(db, new MessageIds(1), settings(1000, 16));
             SqlArchive nodeB = new SqlArchive(db, new MessageIds(2), settings(1000, 16));
             SqlArchive nodeC = new SqlArchive(db, new MessageIds(3), settings(1000, 16))) {
            List<long[]> cases = new ArrayList<>();
            for (DeliveryState[] order : new DeliveryState[][] {{OFFLINE, DELIVERED}, {DELIVERED, OFFLINE}}) {
                for (int insertAt = 0; insertAt <= 2; insertAt++) {
                    ArchivedMessage m = message(nodeA, APP, "alice", "bob", null);
                    SqlArchive[] reporters = {nodeB, nodeC};
                    for (int step = 0; step <= 2; step++) {
                        if (step == insertAt) {
                            assertTrue(nodeA.append(m));
                            nodeA.flush();
                        }
                        if (step < 2) {
                            reporters[step].markState(APP, m.msgId(), order[step]);
                            reporters[step].flush();
                        }
                    }
                    cases.add(new long[] {m.msgId(), insertAt, order[0].code()});
                }
            }
            for (long[] c : cases) {
                assertEquals(DELIVERED, stateOf(db, c[0]), "insert at step " + c[1] + ", first state " + c[2]);
            }
            assertEquals(0, db.count("ofImLateState"));
        }
    }

    /** A state never moves back: offline reported after delivered (by the same node or another) leaves it delivered. */
    @AllDatabases
    void aStateNeverMovesBack(TestDatabase db) throws Exception {
        try (SqlArchive nodeA = new SqlArchive(db, new MessageIds(1), settings(1000, 16));
             SqlArchive nodeB = new SqlArchive(db, new MessageIds(2), settings(1000, 16))) {
            ArchivedMessage queuedTogether = message(nodeA, APP, "alice", "bob", null);
            assertTrue(nodeA.append(queuedTogether));
            nodeA.markState(APP, queuedTogether.msgId(), DELIVERED);
            nodeA.markState(APP, queuedTogether.msgId(), OFFLINE);
            ArchivedMessage committed = ArchiveFixtures.send(nodeA, APP, "alice", "bob", null);
            nodeA.flush();
            nodeA.markState(APP, committed.msgId(), DELIVERED);
            nodeA.flush();
            nodeB.markState(APP, committed.msgId(), OFFLINE);
            nodeB.flush();
            assertEquals(DELIVERED, stateOf(db, queuedTogether.msgId()), "coalesced into the insert");
            assertEquals(DELIVERED, stateOf(db, committed.msgId()), "an UPDATE of a committed message");
        }
    }

    /**
     * Both transactions missed each other (the insert read the late states before B's commit, B looked for the message
     * before A's): the message is pending with its state waiting; a pass of the reconciler applies it. Late states of
     * another app do not apply, and a late state whose message never came is dropped once it is a day old.
     */
    @AllDatabases
    void theReconcilerAppliesWhatBothSidesMissedAndDropsOrphansAfterADay(TestDatabase db) throws Exception {
        try (SqlArchive nodeA = new SqlArchive(db, new MessageIds(1), settings(1000, 16));
             SqlArchive nodeB = new SqlArchive(db, new MessageIds(2), settings(1000, 16))) {
            ArchivedMessage m = message(nodeA, APP, "alice", "bob", null);
            nodeB.markState(APP, m.msgId(), DELIVERED);
            nodeB.markState(OTHER_APP, m.msgId(), OFFLINE);
            nodeB.flush();
            insertWithoutLateStates(db, m);
            assertEquals(PENDING, stateOf(db, m.msgId()));
            long now = System.currentTimeMillis();
            insertLate(db, 77, now - LateStates.MAX_AGE.toMillis() - 1);
            insertLate(db, 78, now - LateStates.MAX_AGE.toMillis() + 60_000);

            assertEquals(1, nodeA.reconcileLateStates());
            assertEquals(DELIVERED, stateOf(db, m.msgId()));
            assertEquals(List.of(78L, m.msgId()), lateIds(db), "another app's state and the young orphan wait");
            assertEquals(0, nodeB.reconcileLateStates(), "nothing left to apply");
        }
    }

    /** Two nodes reconciling at once apply each late state once: the row counts they report add up exactly. */
    @AllDatabases
    void reconcilersOnEveryNodeAtOnceApplyEachStateOnce(TestDatabase db) throws Exception {
        try (SqlArchive nodeA = new SqlArchive(db, new MessageIds(1), settings(10_000, 200));
             SqlArchive nodeB = new SqlArchive(db, new MessageIds(2), settings(10_000, 200))) {
            List<ArchivedMessage> messages = new ArrayList<>();
            for (int i = 0; i < 1200; i++) {
                ArchivedMessage m = message(nodeA, APP, "alice", "bob", null);
                messages.add(m);
                nodeB.markState(APP, m.msgId(), DELIVERED);
            }
            nodeB.flush();
            for (ArchivedMessage m : messages) {
                insertWithoutLateStates(db, m);
            }
            CompletableFuture<Integer> onA = CompletableFuture.supplyAsync(nodeA::reconcileLateStates);
            CompletableFuture<Integer> onB = CompletableFuture.supplyAsync(nodeB::reconcileLateStates);
            assertEquals(messages.size(), onA.get() + onB.get());
            assertEquals(0, db.count("ofImLateState"));
            assertEquals(messages.size(), countInState(db, DELIVERED));
        }
    }

    /**
     * The run: node A archives messages while node B, which delivers them, records each as delivered at once,
     * mostly before A's commit. After both writers committed and one pass of the reconciler, every message is delivered.
     */
    @AllDatabases
    void messagesDeliveredByAnotherNodeWhileTheirSenderCommitsEndDelivered(TestDatabase db) throws Exception {
        int messages = 1000;
        try (SqlArchive nodeA = new SqlArchive(db, new MessageIds(1), settings(10_000, 50));
             SqlArchive nodeB = new SqlArchive(db, new MessageIds(2), settings(10_000, 50))) {
            BlockingQueue<Long> routed = new ArrayBlockingQueue<>(messages);
            Thread receiver = new Thread(() -> {
                try {
                    for (int i = 0; i < messages; i++) {
                        nodeB.markState(APP, routed.take(), DELIVERED);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            receiver.start();
            for (int i = 0; i < messages; i++) {
                ArchivedMessage m = ArchiveFixtures.send(nodeA, APP, "alice", "bob", null);
                routed.add(m.msgId());
            }
            receiver.join();
            nodeA.flush();
            nodeB.flush();
            nodeA.reconcileLateStates();
            assertEquals(messages, countInState(db, DELIVERED));
            assertEquals(0, db.count("ofImLateState"));
        }
    }

    private static DeliveryState stateOf(TestDatabase db, long msgId) throws SQLException {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT state FROM ofImMessage WHERE msgId = ?")) {
            ps.setLong(1, msgId);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "message " + msgId + " archived");
                return DeliveryState.ofCode(rs.getInt(1));
            }
        }
    }

    private static long countInState(TestDatabase db, DeliveryState state) throws SQLException {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImMessage WHERE state = ?")) {
            ps.setInt(1, state.code());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<Long> lateIds(TestDatabase db) throws SQLException {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT msgId FROM ofImLateState ORDER BY msgId");
             ResultSet rs = ps.executeQuery()) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        }
    }

    /** The message's row as a writer that read the late states before they were committed would have left it. */
    private static void insertWithoutLateStates(TestDatabase db, ArchivedMessage m) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement("INSERT INTO ofImMessage (msgId,"
                + " appKey, sender, receiver, userA, userB, sentAt, msgType, body, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'chat', 'x', 0)")) {
            ps.setLong(1, m.msgId());
            ps.setString(2, m.appKey().toString());
            ps.setString(3, m.sender());
            ps.setString(4, m.receiver());
            ps.setString(5, MessageRows.userA(m.sender(), m.receiver()));
            ps.setString(6, MessageRows.userB(m.sender(), m.receiver()));
            ps.setLong(7, m.sentAt());
            ps.executeUpdate();
        }
    }

    private static void insertLate(TestDatabase db, long msgId, long createdAt) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "INSERT INTO ofImLateState (msgId, appKey, state, createdAt) VALUES (?, ?, 2, ?)")) {
            ps.setLong(1, msgId);
            ps.setString(2, APP.toString());
            ps.setLong(3, createdAt);
            ps.executeUpdate();
        }
    }
}
