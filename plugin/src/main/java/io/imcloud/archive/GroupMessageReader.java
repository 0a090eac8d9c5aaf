package io.imcloud.archive;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The read half of the group archive: every read is one range of {@code ofImGroupMessage_group_idx} (app, group, id),
 * straight from the database. Paging by id is stable under concurrent inserts for the reasons {@link ArchiveReader}
 * gives: the writer commits a node's messages in id order.
 */
final class GroupMessageReader {

    private static final String WHERE_GROUP = " WHERE appKey = ? AND groupId = ?";

    private final ConnectionProvider db;
    private final DatabaseType type;

    GroupMessageReader(ConnectionProvider db) {
        this.db = db;
        this.type = db.databaseType();
    }

    /** Message {@code msgId} of the group, if committed. */
    Optional<GroupMessage> find(AppKey appKey, long groupId, long msgId) {
        String sql = "SELECT " + GroupMessageRows.COLUMNS + " FROM ofImGroupMessage WHERE msgId = ? AND appKey = ? AND groupId = ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setLong(1, msgId);
            ps.setString(2, appKey.toString());
            ps.setLong(3, groupId);
            List<GroupMessage> found = readAll(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read message " + msgId + " of group " + groupId + " of " + appKey, e);
        }
    }

    /** Up to {@code limit} messages of the group with an id below {@code beforeId}, newest first. */
    List<GroupMessage> history(AppKey appKey, long groupId, long beforeId, int limit) {
        String sql = "SELECT " + GroupMessageRows.COLUMNS + " FROM ofImGroupMessage" + WHERE_GROUP
                + " AND msgId < ? ORDER BY appKey DESC, groupId DESC, msgId DESC" + type.limit(Math.min(limit, ArchiveReader.MAX_PAGE));
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, appKey.toString());
            ps.setLong(2, groupId);
            ps.setLong(3, beforeId);
            return readAll(ps);
        } catch (SQLException e) {
            throw new ArchiveException("Cannot read the history of group " + groupId + " of " + appKey, e);
        }
    }

    /** One XEP-0313 page of the group; fetches {@code max + 1} rows so that {@code complete} is exact. */
    GroupHistoryPage query(long groupId, ArchiveQuery q) {
        int max = Math.min(q.max(), ArchiveReader.MAX_PAGE);
        long lower = Math.max(q.afterId() == null ? Long.MIN_VALUE : ArchiveReader.saturatedIncrement(q.afterId()), ArchiveReader.lowerTimeBound(q));
        long upper = Math.min(q.beforeId() == null ? Long.MAX_VALUE : q.beforeId(), ArchiveReader.upperTimeBound(q));
        String direction = q.fromNewest() ? " DESC" : " ASC";
        String sql = "SELECT " + GroupMessageRows.COLUMNS + " FROM ofImGroupMessage" + WHERE_GROUP + " AND msgId >= ? AND msgId < ?"
                + " ORDER BY appKey" + direction + ", groupId" + direction + ", msgId" + direction + type.limit(max + 1);
        List<GroupMessage> rows;
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, q.owner().appKey().toString());
            ps.setLong(2, groupId);
            ps.setLong(3, lower);
            ps.setLong(4, upper);
            rows = readAll(ps);
        } catch (SQLException e) {
            throw new ArchiveException("Cannot query the archive of group " + groupId, e);
        }
        boolean complete = rows.size() <= max;
        List<GroupMessage> page = new ArrayList<>(rows.subList(0, Math.min(max, rows.size())));
        if (q.fromNewest()) {
            Collections.reverse(page);
        }
        return new GroupHistoryPage(page, complete);
    }

    /** How many messages of the group lie in the query's time range (its paging ignored). */
    long count(long groupId, ArchiveQuery q) {
        String sql = "SELECT COUNT(*) FROM ofImGroupMessage" + WHERE_GROUP + " AND msgId >= ? AND msgId < ?";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, q.owner().appKey().toString());
            ps.setLong(2, groupId);
            ps.setLong(3, ArchiveReader.lowerTimeBound(q));
            ps.setLong(4, ArchiveReader.upperTimeBound(q));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new ArchiveException("Cannot count the archive of group " + groupId, e);
        }
    }

    private static List<GroupMessage> readAll(PreparedStatement ps) throws SQLException {
        List<GroupMessage> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(GroupMessageRows.read(rs, 1));
            }
        }
        return out;
    }
}
