package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * This node's cluster node id ({@link MessageIds}), leased from table {@code ofImNode} so that no two running nodes
 * share one without an operator numbering them: a row per id in use, with its owner (random per start) and a
 * heartbeat. A node claims the lowest id that has no row or whose heartbeat is older than the stale time (a node that
 * died without releasing it), renews its heartbeat from a thread every heartbeat interval, and deletes its row on
 * {@link #close()}. Claims are a plain insert (the primary key decides a race) or a compare-and-set update of the
 * stale row, so two nodes starting at once get different ids. Staleness is judged by the claimer's clock against the
 * owner's: the nodes' clocks must agree to well within the stale time (as an Openfire cluster's do anyway).
 */
public final class NodeLease implements AutoCloseable {

    /** Default heartbeat interval. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(30);
    /** Default stale time: six missed heartbeats. */
    public static final Duration STALE = Duration.ofMinutes(3);

    private static final Logger Log = LoggerFactory.getLogger(NodeLease.class);
    private static final int NODE_IDS = 1024;

    private final ConnectionProvider db;
    /** This start's identity in the lease row. */
    private final String owner;
    private final LongSupplier clock;
    private final int nodeId;
    private final ScheduledExecutorService heartbeats;
    /** Whether the last heartbeat failed; read and written by the heartbeat thread only. */
    private boolean heartbeatFailing;
    private final long staleMillis;
    /** Whether another node held a live lease at the last look: true until a look succeeds. */
    private volatile boolean othersAlive = true;

    private NodeLease(ConnectionProvider db, String owner, LongSupplier clock, int nodeId, Duration heartbeat, Duration stale) {
        this.db = db;
        this.staleMillis = stale.toMillis();
        this.owner = owner;
        this.clock = clock;
        this.nodeId = nodeId;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "imcloud-node-lease");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, heartbeat.toMillis());
        heartbeats.scheduleWithFixedDelay(this::heartbeatLogged, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Claims a node id and starts the heartbeat: {@code preferred} (0-1023) when it is free or stale, else (or when
     * {@code preferred} is negative) the lowest free or stale one.
     *
     * @throws ArchiveException when the database fails, or every id is held by a live node
     */
    public static NodeLease claim(ConnectionProvider db, int preferred, Duration heartbeat, Duration stale, LongSupplier clock) {
        String owner = UUID.randomUUID().toString();
        int id = new Claimer(db, owner, stale.toMillis(), clock).claim(preferred);
        NodeLease lease = new NodeLease(db, owner, clock, id, heartbeat, stale);
        try (Connection con = db.getConnection()) {
            lease.lookForOthers(con, clock.getAsLong());
        } catch (SQLException e) {
            Log.debug("Could not look for other nodes' leases; assuming there are some until the next heartbeat", e);
        }
        return lease;
    }

    /** {@link #claim} with the default heartbeat and stale time and the system clock. */
    public static NodeLease claim(ConnectionProvider db, int preferred) {
        return claim(db, preferred, HEARTBEAT, STALE, System::currentTimeMillis);
    }

    /** The leased node id (0-1023). */
    public int nodeId() {
        return nodeId;
    }

    /**
     * Renews the heartbeat now (the thread does every interval); false when the row is no longer ours (another node
     * took it as stale: this node stalled longer than the stale time), which is logged as an error.
     *
     * @throws ArchiveException when the database fails
     */
    public boolean heartbeat() {
        long now = clock.getAsLong();
        try (Connection con = db.getConnection()) {
            boolean ours;
            try (PreparedStatement ps = con.prepareStatement("UPDATE ofImNode SET heartbeat = ? WHERE nodeId = ? AND owner = ?")) {
                ps.setLong(1, now);
                ps.setInt(2, nodeId);
                ps.setString(3, owner);
                ours = ps.executeUpdate() == 1;
            }
            lookForOthers(con, now);
            if (ours) {
                return true;
            }
        } catch (SQLException e) {
            throw new ArchiveException("Renewing the lease of cluster node id " + nodeId + " failed", e);
        }
        Log.error("Cluster node id {} was taken over by another node while this one stalled; archive ids may collide"
                + " until the imcloud plugin is restarted here", nodeId);
        return false;
    }

    /**
     * Whether another node held a live lease (its heartbeat not stale) at the last heartbeat; true until the first look
     * succeeds. A node that starts meanwhile is seen at the next heartbeat.
     */
    public boolean othersAlive() {
        return othersAlive;
    }

    private void lookForOthers(Connection con, long now) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImNode WHERE nodeId <> ? AND heartbeat >= ?")) {
            ps.setInt(1, nodeId);
            ps.setLong(2, now - staleMillis);
            try (ResultSet rs = ps.executeQuery()) {
                othersAlive = rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    private void heartbeatLogged() {
        try {
            heartbeat();
            if (heartbeatFailing) {
                heartbeatFailing = false;
                Log.info("Renewing the lease of cluster node id {} works again", nodeId);
            }
        } catch (RuntimeException e) {
            if (!heartbeatFailing) {
                heartbeatFailing = true;
                Log.warn("Renewing the lease of cluster node id {} failed; retrying (another node may take the id once"
                        + " the lease is stale): {}", nodeId, e.toString());
            }
        }
    }

    /** Stops the heartbeat and deletes the lease row, freeing the id for the next node that starts. */
    @Override
    public void close() {
        heartbeats.shutdownNow();
        try {
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("DELETE FROM ofImNode WHERE nodeId = ? AND owner = ?")) {
            ps.setInt(1, nodeId);
            ps.setString(2, owner);
            ps.executeUpdate();
        } catch (SQLException e) {
            Log.warn("Could not release cluster node id {}; it becomes free once stale: {}", nodeId, e.toString());
        }
    }

    /** One claim: reads the leases, tries the preferred id, then the lowest free or stale one, until one sticks. */
    private record Claimer(ConnectionProvider db, String owner, long staleMillis, LongSupplier clock) {

        int claim(int preferred) {
            try (Connection con = db.getConnection()) {
                // each attempt loses only to another node's claim that succeeded, so this ends within NODE_IDS rounds
                for (int attempt = 0; attempt <= NODE_IDS; attempt++) {
                    long now = clock.getAsLong();
                    Map<Integer, Long> leases = leases(con);
                    if (preferred >= 0 && claimable(leases, preferred, now) && tryClaim(con, leases, preferred, now)) {
                        return preferred;
                    }
                    if (preferred >= 0 && attempt == 0) {
                        Log.error("Cluster node id {} (plugin.imcloud.node.id) is held by another running node; claiming"
                                + " a free one instead", preferred);
                    }
                    int candidate = lowestClaimable(leases, now);
                    if (candidate < 0) {
                        throw new ArchiveException("All " + NODE_IDS + " cluster node ids are held by running nodes");
                    }
                    if (tryClaim(con, leases, candidate, now)) {
                        return candidate;
                    }
                }
                throw new ArchiveException("Could not claim a cluster node id: every attempt lost a race");
            } catch (SQLException e) {
                throw new ArchiveException("Claiming a cluster node id in ofImNode failed", e);
            }
        }

        private boolean claimable(Map<Integer, Long> leases, int id, long now) {
            Long heartbeat = leases.get(id);
            return heartbeat == null || heartbeat < now - staleMillis;
        }

        private int lowestClaimable(Map<Integer, Long> leases, long now) {
            for (int id = 0; id < NODE_IDS; id++) {
                if (claimable(leases, id, now)) {
                    return id;
                }
            }
            return -1;
        }

        /** Inserts the row of a free id, or takes over a stale one if its heartbeat is still the one read. */
        private boolean tryClaim(Connection con, Map<Integer, Long> leases, int id, long now) throws SQLException {
            Long staleHeartbeat = leases.get(id);
            if (staleHeartbeat == null) {
                try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImNode (nodeId, owner, heartbeat) VALUES (?, ?, ?)")) {
                    ps.setInt(1, id);
                    ps.setString(2, owner);
                    ps.setLong(3, now);
                    ps.executeUpdate();
                    return true;
                } catch (SQLException e) {
                    if (StoreException.isDuplicateKey(e)) {
                        return false;
                    }
                    throw e;
                }
            }
            try (PreparedStatement ps = con.prepareStatement("UPDATE ofImNode SET owner = ?, heartbeat = ?"
                    + " WHERE nodeId = ? AND heartbeat = ?")) {
                ps.setString(1, owner);
                ps.setLong(2, now);
                ps.setInt(3, id);
                ps.setLong(4, staleHeartbeat);
                return ps.executeUpdate() == 1;
            }
        }

        private static Map<Integer, Long> leases(Connection con) throws SQLException {
            Map<Integer, Long> leases = new HashMap<>();
            try (PreparedStatement ps = con.prepareStatement("SELECT nodeId, heartbeat FROM ofImNode");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leases.put(rs.getInt(1), rs.getLong(2));
                }
            }
            return leases;
        }
    }
}
