package io.imcloud.archive;

import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cluster node ids leased from ofImNode: unique among running nodes, reused once released or stale. */
class NodeLeaseTest {

    private static final Duration STALE = Duration.ofMinutes(3);
    /** Long enough that the heartbeat thread never runs during a test: the tests call heartbeat() themselves. */
    private static final Duration NO_AUTOMATIC_HEARTBEAT = Duration.ofHours(1);

    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);

    private NodeLease claim(TestDatabase db, int preferred) {
        return NodeLease.claim(db, preferred, NO_AUTOMATIC_HEARTBEAT, STALE, clock::get);
    }

    /** Nodes starting together get distinct ids, the lowest first; a released id is the next one claimed. */
    @AllDatabases
    void concurrentClaimsGetDistinctIdsAndReleasedOnesAreReused(TestDatabase db) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<NodeLease> leases = new ArrayList<>();
        try {
            List<Callable<NodeLease>> starts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                starts.add(() -> claim(db, -1));
            }
            for (Future<NodeLease> f : pool.invokeAll(starts)) {
                leases.add(f.get());
            }
            Set<Integer> ids = new HashSet<>();
            leases.forEach(l -> ids.add(l.nodeId()));
            assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), ids);
            assertEquals(8, db.count("ofImNode"));

            NodeLease third = leases.stream().filter(l -> l.nodeId() == 2).findFirst().orElseThrow();
            third.close();
            leases.remove(third);
            assertEquals(7, db.count("ofImNode"), "close releases the row");
            NodeLease next = claim(db, -1);
            leases.add(next);
            assertEquals(2, next.nodeId());
        } finally {
            pool.shutdownNow();
            leases.forEach(NodeLease::close);
        }
    }

    /**
     * A lease whose heartbeat is older than the stale time (its node died) is taken over; a live one is not. The
     * node that lost its lease learns it at its next heartbeat.
     */
    @AllDatabases
    void staleLeasesAreTakenOverAndLiveOnesKept(TestDatabase db) throws Exception {
        try (NodeLease first = claim(db, -1); NodeLease second = claim(db, -1)) {
            clock.addAndGet(STALE.toMillis() - 1000);
            assertTrue(second.heartbeat(), "the second node is alive");
            clock.addAndGet(2000); // the first node's heartbeat is now older than the stale time
            try (NodeLease third = claim(db, -1)) {
                assertEquals(0, third.nodeId(), "the dead node's id");
                assertFalse(first.heartbeat(), "the stalled node finds its lease taken");
                assertEquals(third.nodeId(), ownerCount(db, 0));
            }
        }
    }

    /**
     * A node knows from its heartbeats whether others run: one that starts is seen at the next heartbeat, one that
     * stops (or stalls past the stale time) likewise.
     */
    @AllDatabases
    void heartbeatsTellWhetherOtherNodesRun(TestDatabase db) throws Exception {
        try (NodeLease first = claim(db, -1)) {
            assertFalse(first.othersAlive(), "alone at its start");
            try (NodeLease second = claim(db, -1)) {
                assertTrue(second.othersAlive(), "the first node runs");
                assertFalse(first.othersAlive(), "not seen before the next heartbeat");
                assertTrue(first.heartbeat());
                assertTrue(first.othersAlive());
                clock.addAndGet(STALE.toMillis() + 1000); // the second node stalls
                assertTrue(first.heartbeat());
                assertFalse(first.othersAlive(), "a stale lease is no running node");
                assertTrue(second.heartbeat());
                assertTrue(first.heartbeat());
                assertTrue(first.othersAlive(), "it beats again");
            }
            assertTrue(first.heartbeat());
            assertFalse(first.othersAlive(), "the second node released its lease");
        }
    }

    /** An explicit id (plugin.imcloud.node.id) is leased when free; while a running node holds it, a free one is taken. */
    @AllDatabases
    void aPreferredIdIsLeasedWhenFree(TestDatabase db) throws Exception {
        try (NodeLease preferred = claim(db, 7); NodeLease collides = claim(db, 7)) {
            assertEquals(7, preferred.nodeId());
            assertEquals(0, collides.nodeId());
        }
        assertEquals(0, db.count("ofImNode"));
    }

    /** Rows of node id {@code id}: exactly one whoever holds it (the take-over replaced the row, added none). */
    private static int ownerCount(TestDatabase db, int id) throws Exception {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImNode WHERE nodeId = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) - 1;
            }
        }
    }
}
