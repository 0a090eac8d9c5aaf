package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The read half of the archive: every read is one indexed range of {@code ofImMessage}, straight from the
 * database (so every cluster node sees the same archive).
 *
 * <p><b>Paging is stable under concurrent inserts.</b> Archive ids come from {@link MessageIds}: they
 * grow with time, and the writer commits messages in id order (one writer thread per node, each batch
 * inserted sorted by id). A message committed after a page was read therefore has a larger id than
 * every message already committed, so it can only appear above the newest page, never inside a range
 * below a cursor: paging towards older messages with {@code beforeId} yields no duplicate and no gap.
 * The remaining window is the few microseconds between {@link Archive#nextId()} and
 * {@link Archive#append} on concurrent threads (and clock skew between cluster nodes).
 *
 * <p>Time bounds of {@link ArchiveQuery} are applied to the id (a message's time is the millisecond
 * of its id, see {@link MessageIds#firstIdAt}), which keeps them on the index.
 */
public final class ArchiveReader {

    /** Largest page any read returns. */
    public static final int MAX_PAGE = 1000;
    /** The millisecond of the largest id: later times lie beyond every id. */
    private static final long LAST_MILLIS = MessageIds.timestampOf(Long.MAX_VALUE);

    private final ConnectionProvider db;
    private final DatabaseType type;

    public ArchiveReader(ConnectionProvider db) {
        this.db = db;
        this.type = db.databaseType();
    }

    /** See {@link Archive#find}. */
    public Optional<ArchivedMessage> find(AppKey appKey, long msgId) {
        String sql = "SELECT " + MessageRows.COLUMNS + " FROM ofImMessage WHERE msgId = ? AND appKey = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setLong(1, msgId);
            ps.setString(2, appKey.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(MessageRows.read(rs, 1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read message " + msgId + " of " + appKey, e);
        }
    }

    /** See {@link Archive#history}; {@code limit} is capped at {@link #MAX_PAGE}. */
    public List<ArchivedMessage> history(AppUser owner, String peer, long beforeId, int limit) {
        requirePositive(limit);
        String sql = "SELECT " + MessageRows.COLUMNS + " FROM ofImMessage WHERE appKey = ? AND userA = ? AND userB = ?"
                + " AND msgId < ? ORDER BY appKey DESC, userA DESC, userB DESC, msgId DESC" + type.limit(Math.min(limit, MAX_PAGE));
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, owner.appKey().toString());
            ps.setString(2, MessageRows.userA(owner.username(), peer));
            ps.setString(3, MessageRows.userB(owner.username(), peer));
            ps.setLong(4, beforeId);
            return readAll(ps);
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read the history of " + owner + " with " + peer, e);
        }
    }

    /**
     * See {@link Archive#query}. Fetches {@code max + 1} rows from the end paged from, so that
     * {@code complete} is exact. Without {@code with}, the owner's sent and received messages are read
     * as two index ranges and merged (an OR would defeat the indexes).
     */
    public ArchivePage query(ArchiveQuery q) {
        requirePositive(q.max());
        int max = Math.min(q.max(), MAX_PAGE);
        long lower = Math.max(q.afterId() == null ? Long.MIN_VALUE : saturatedIncrement(q.afterId()), lowerTimeBound(q));
        long upper = Math.min(q.beforeId() == null ? Long.MAX_VALUE : q.beforeId(), upperTimeBound(q));
        List<ArchivedMessage> rows;
        try (Connection con = db.getConnection()) {
            if (q.with() != null) {
                rows = range(con, List.of("userA", "userB"), List.of(MessageRows.userA(q.owner().username(), q.with()),
                        MessageRows.userB(q.owner().username(), q.with())), q, lower, upper, max + 1);
            } else {
                TreeMap<Long, ArchivedMessage> merged = new TreeMap<>();
                for (String side : new String[] {"sender", "receiver"}) {
                    for (ArchivedMessage m : range(con, List.of(side), List.of(q.owner().username()), q, lower, upper, max + 1)) {
                        merged.put(m.msgId(), m);
                    }
                }
                rows = new ArrayList<>(q.fromNewest() ? merged.descendingMap().values() : merged.values());
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot query the archive of " + q.owner(), e);
        }
        boolean complete = rows.size() <= max;
        List<ArchivedMessage> page = new ArrayList<>(rows.subList(0, Math.min(max, rows.size())));
        if (q.fromNewest()) {
            Collections.reverse(page);
        }
        return new ArchivePage(page, complete);
    }

    /**
     * See {@link Archive#count}. Without {@code with}, the sent and the received messages are counted as two
     * index ranges; a message to oneself is counted on the sent side only.
     */
    public long count(ArchiveQuery q) {
        long lower = lowerTimeBound(q);
        long upper = upperTimeBound(q);
        String owner = q.owner().username();
        try (Connection con = db.getConnection()) {
            if (q.with() != null) {
                return countRange(con, q, "userA = ? AND userB = ?",
                        List.of(MessageRows.userA(owner, q.with()), MessageRows.userB(owner, q.with())), lower, upper);
            }
            return countRange(con, q, "sender = ?", List.of(owner), lower, upper)
                    + countRange(con, q, "receiver = ? AND sender <> ?", List.of(owner, owner), lower, upper);
        } catch (SQLException e) {
            throw new ArchiveException("Cannot count the archive of " + q.owner(), e);
        }
    }

    /** See {@link Archive#offlineCount}. */
    public long offlineCount(AppUser user) {
        String sql = "SELECT COUNT(*) FROM ofImMessage WHERE appKey = ? AND receiver = ? AND state = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, user.appKey().toString());
            ps.setString(2, user.username());
            ps.setInt(3, DeliveryState.OFFLINE.code());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot count the offline messages of " + user, e);
        }
    }

    /** The number of archived messages of the app (the console's figure; an index-only count). */
    public long messageCount(AppKey appKey) {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImMessage WHERE appKey = ?")) {
            ps.setString(1, appKey.toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot count the messages of " + appKey, e);
        }
    }

    /**
     * Rows of the owner's archive whose {@code columns} equal {@code values}, with lower <= id < upper, from
     * the end the query pages from. The ORDER BY names every column of the index (appKey, columns, msgId):
     * the equal ones change nothing, but HSQLDB only walks an index backwards when it is named in full.
     */
    private List<ArchivedMessage> range(Connection con, List<String> columns, List<String> values, ArchiveQuery q,
                                        long lower, long upper, int rows) throws SQLException {
        String direction = q.fromNewest() ? " DESC" : " ASC";
        StringBuilder where = new StringBuilder();
        StringBuilder order = new StringBuilder("appKey" + direction);
        for (String column : columns) {
            where.append(" AND ").append(column).append(" = ?");
            order.append(", ").append(column).append(direction);
        }
        String sql = "SELECT " + MessageRows.COLUMNS + " FROM ofImMessage WHERE appKey = ?" + where
                + " AND msgId >= ? AND msgId < ? ORDER BY " + order + ", msgId" + direction + type.limit(rows);
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, q.owner().appKey().toString());
            for (String value : values) {
                ps.setString(i++, value);
            }
            ps.setLong(i++, lower);
            ps.setLong(i, upper);
            return readAll(ps);
        }
    }

    private static long countRange(Connection con, ArchiveQuery q, String condition, List<String> values,
                                   long lower, long upper) throws SQLException {
        String sql = "SELECT COUNT(*) FROM ofImMessage WHERE appKey = ? AND " + condition + " AND msgId >= ? AND msgId < ?";
        try (PreparedStatement ps = con.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, q.owner().appKey().toString());
            for (String value : values) {
                ps.setString(i++, value);
            }
            ps.setLong(i++, lower);
            ps.setLong(i, upper);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The smallest id the query's start time admits (inclusive). */
    static long lowerTimeBound(ArchiveQuery q) {
        return q.startMillis() == null ? Long.MIN_VALUE : firstIdAt(q.startMillis());
    }

    /** The smallest id beyond the query's end time (exclusive): the end millisecond is inclusive. */
    static long upperTimeBound(ArchiveQuery q) {
        return q.endMillis() == null ? Long.MAX_VALUE : firstIdAt(saturatedIncrement(q.endMillis()));
    }

    static long saturatedIncrement(long value) {
        return value == Long.MAX_VALUE ? value : value + 1;
    }

    /** {@link MessageIds#firstIdAt}, clamped so that a time beyond the id range bounds nothing. */
    private static long firstIdAt(long epochMillis) {
        return epochMillis >= LAST_MILLIS ? Long.MAX_VALUE : MessageIds.firstIdAt(epochMillis);
    }

    private static List<ArchivedMessage> readAll(PreparedStatement ps) throws SQLException {
        List<ArchivedMessage> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(MessageRows.read(rs, 1));
            }
        }
        return out;
    }

    private static void requirePositive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
    }
}
