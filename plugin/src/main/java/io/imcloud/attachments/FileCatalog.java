package io.imcloud.attachments;

import io.imcloud.i18n.ErrorText;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.sql.Statements;
import io.imcloud.sql.Transactions;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.FilePolicy;
import io.imcloud.tenancy.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The attachments' rows ({@code ofImFile}) and each app's usage ({@code ofImFileUsage}), changed together: adding
 * a file reserves its bytes with one conditional UPDATE against the app's quota in the transaction that inserts its
 * row, and removing one gives them back in the transaction that deletes it. That keeps usage exact and lets no two
 * cluster nodes overrun a quota together.
 */
final class FileCatalog {

    private static final String COLUMNS = "fileUuid, appKey, owner, kind, contentType, fileSize, displayName, secretHash,"
            + " durationMs, width, height, created";

    /** Most file ids bound into one {@code IN} list (far below every supported database's limit on parameters). */
    static final int IN_LIST_MAX = 100;

    private final ConnectionProvider db;

    FileCatalog(ConnectionProvider db) {
        this.db = db;
    }

    /**
     * Adds {@code file} and its share of the app's usage in one transaction.
     *
     * @throws AttachmentException QUOTA_EXCEEDED when the app's quota has no room for it (nothing is written)
     */
    void add(StoredFile file, FilePolicy policy) {
        try (Connection con = db.getConnection()) {
            ensureUsageRow(con, file.app());
            Transactions.run(con, db.databaseType(), false, c -> {
                if (!reserve(c, file, policy)) {
                    throw new AttachmentException(AttachmentException.Reason.QUOTA_EXCEEDED, ErrorText.FILE_QUOTA,
                            policy.quotaBytes(), policy.quotaFiles(), file.size());
                }
                insert(c, file);
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("Storing file " + file.uuid() + " of " + file.app(), e);
        }
    }

    private static boolean reserve(Connection con, StoredFile file, FilePolicy policy) throws SQLException {
        // The bounds are worked out here: databases type "? = 0" or "x + ?" parameters differently (HSQLDB as INTEGER).
        long bytesBefore = policy.quotaBytes() == 0 ? Long.MAX_VALUE - file.size() : policy.quotaBytes() - file.size();
        long filesBefore = policy.quotaFiles() == 0 ? Integer.MAX_VALUE - 1L : policy.quotaFiles() - 1L;
        if (bytesBefore < 0 || filesBefore < 0) {
            return false;
        }
        try (PreparedStatement ps = con.prepareStatement("UPDATE ofImFileUsage SET bytesUsed = bytesUsed + ?,"
                + " filesUsed = filesUsed + 1 WHERE appKey = ? AND bytesUsed <= ? AND filesUsed <= ?")) {
            ps.setLong(1, file.size());
            ps.setString(2, file.app().toString());
            ps.setLong(3, bytesBefore);
            ps.setLong(4, filesBefore);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Makes the app's usage row when missing, in auto-commit: a duplicate key (another node made it at the same time)
     * would abort a PostgreSQL transaction.
     */
    private static void ensureUsageRow(Connection con, AppKey app) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT 1 FROM ofImFileUsage WHERE appKey = ?")) {
            ps.setString(1, app.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = con.prepareStatement(
                "INSERT INTO ofImFileUsage (appKey, bytesUsed, filesUsed) VALUES (?, 0, 0)")) {
            ps.setString(1, app.toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!StoreException.isDuplicateKey(e)) {
                throw e;
            }
        }
    }

    private static void insert(Connection con, StoredFile f) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofImFile (" + COLUMNS
                + ", lastUsed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, f.uuid());
            ps.setString(2, f.app().toString());
            Statements.setNullable(ps, 3, f.owner());
            ps.setString(4, f.kind().name());
            ps.setString(5, f.contentType());
            ps.setLong(6, f.size());
            Statements.setNullable(ps, 7, f.displayName());
            Statements.setNullable(ps, 8, f.secretHash());
            ps.setLong(9, f.durationMillis());
            ps.setInt(10, f.width());
            ps.setInt(11, f.height());
            ps.setLong(12, f.created());
            ps.setLong(13, f.created());
            ps.executeUpdate();
        }
    }

    /** The file {@code uuid} of {@code app}; empty for a file of another app, as for none. */
    Optional<StoredFile> find(AppKey app, String uuid) {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT " + COLUMNS + " FROM ofImFile WHERE fileUuid = ? AND appKey = ?")) {
            ps.setString(1, uuid);
            ps.setString(2, app.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("Reading file " + uuid + " of " + app, e);
        }
    }

    /**
     * The files of {@code app} among {@code uuids} that exist, by uuid; ids of other apps' files are left out, as ids of
     * none. One query per {@value #IN_LIST_MAX} ids, all on one connection.
     */
    Map<String, StoredFile> find(AppKey app, Collection<String> uuids) {
        List<String> wanted = List.copyOf(new LinkedHashSet<>(uuids));
        Map<String, StoredFile> files = new HashMap<>();
        if (wanted.isEmpty()) {
            return files;
        }
        try (Connection con = db.getConnection()) {
            for (int from = 0; from < wanted.size(); from += IN_LIST_MAX) {
                List<String> chunk = wanted.subList(from, Math.min(from + IN_LIST_MAX, wanted.size()));
                try (PreparedStatement ps = con.prepareStatement("SELECT " + COLUMNS + " FROM ofImFile WHERE appKey = ?"
                        + " AND fileUuid IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
                    ps.setString(1, app.toString());
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 2, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            StoredFile file = read(rs);
                            files.put(file.uuid(), file);
                        }
                    }
                }
            }
            return files;
        } catch (SQLException e) {
            throw new StoreException("Reading " + wanted.size() + " files of " + app, e);
        }
    }

    /** Up to {@code limit} files of {@code app} matching {@code condition} (on columns, with {@code args} after the app key), oldest first. */
    List<StoredFile> select(AppKey app, String condition, int limit, Object... args) {
        String sql = "SELECT " + COLUMNS + " FROM ofImFile WHERE appKey = ?" + condition + " ORDER BY created, fileUuid"
                + db.databaseType().limit(limit);
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, app.toString());
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 2, args[i]);
            }
            List<StoredFile> files = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    files.add(read(rs));
                }
            }
            return files;
        } catch (SQLException e) {
            throw new StoreException("Listing files of " + app, e);
        }
    }

    /** Removes the row of {@code file} and gives its bytes back to the app's usage; false when it was gone already. */
    boolean remove(StoredFile file) {
        return remove(file, Long.MAX_VALUE);
    }

    /**
     * {@link #remove(StoredFile)}, only while the file was last used before {@code usedBefore}: a message that used
     * it since it was chosen for removal keeps it.
     */
    boolean remove(StoredFile file, long usedBefore) {
        try (Connection con = db.getConnection()) {
            return Transactions.run(con, db.databaseType(), false, c -> {
                boolean removed;
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM ofImFile WHERE fileUuid = ? AND lastUsed < ?")) {
                    ps.setString(1, file.uuid());
                    ps.setLong(2, usedBefore);
                    removed = ps.executeUpdate() == 1;
                }
                if (removed) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE ofImFileUsage SET bytesUsed = bytesUsed - ?,"
                            + " filesUsed = filesUsed - 1 WHERE appKey = ?")) {
                        ps.setLong(1, file.size());
                        ps.setString(2, file.app().toString());
                        ps.executeUpdate();
                    }
                }
                return removed;
            });
        } catch (SQLException e) {
            throw new StoreException("Removing file " + file.uuid(), e);
        }
    }

    /**
     * Records that messages used the files of {@code uses} (each at its time; a file's time only moves forward), in one
     * batch; a use of a file that is gone, or of another app's file, changes nothing. Returns how many rows moved.
     */
    int markUsed(Collection<FileUse> uses) {
        if (uses.isEmpty()) {
            return 0;
        }
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement(
                     "UPDATE ofImFile SET lastUsed = ? WHERE fileUuid = ? AND appKey = ? AND lastUsed < ?")) {
            for (FileUse use : uses) {
                ps.setLong(1, use.at());
                ps.setString(2, use.uuid());
                ps.setString(3, use.app().toString());
                ps.setLong(4, use.at());
                ps.addBatch();
            }
            int moved = 0;
            for (int count : ps.executeBatch()) {
                moved += Math.max(count, 0);
            }
            return moved;
        } catch (SQLException e) {
            throw new StoreException("Recording the use of " + uses.size() + " files", e);
        }
    }

    /** Deletes the app's usage row (after its files are gone), so that an app made again under that key starts at 0. */
    void forgetApp(AppKey app) {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("DELETE FROM ofImFileUsage WHERE appKey = ?")) {
            ps.setString(1, app.toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Removing the file usage of " + app, e);
        }
    }

    /** The app's stored bytes and files. */
    Usage usage(AppKey app) {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT bytesUsed, filesUsed FROM ofImFileUsage WHERE appKey = ?")) {
            ps.setString(1, app.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Usage(rs.getLong(1), rs.getInt(2)) : new Usage(0, 0);
            }
        } catch (SQLException e) {
            throw new StoreException("Reading the file usage of " + app, e);
        }
    }

    /** The apps whose files are kept for a limited time, with their retention in days. */
    List<Retention> retentions() {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT org, app, fileRetentionDays FROM ofImApp WHERE fileRetentionDays > 0");
             ResultSet rs = ps.executeQuery()) {
            List<Retention> apps = new ArrayList<>();
            while (rs.next()) {
                apps.add(new Retention(AppKey.of(rs.getString(1), rs.getString(2)), rs.getInt(3)));
            }
            return apps;
        } catch (SQLException e) {
            throw new StoreException("Reading the apps' file retention", e);
        }
    }

    private static StoredFile read(ResultSet rs) throws SQLException {
        return new StoredFile(rs.getString(1), AppKey.parse(rs.getString(2)), rs.getString(3), FileKind.stored(rs.getString(4)),
                rs.getString(5), rs.getLong(6), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getInt(10),
                rs.getInt(11), rs.getLong(12));
    }

    /** An app's stored attachments. */
    record Usage(long bytes, int files) {
    }

    /** A message's use of file {@code uuid} of {@code app} at {@code at} (epoch milliseconds). */
    record FileUse(AppKey app, String uuid, long at) {
    }

    /** How long an app keeps its files. */
    record Retention(AppKey app, int days) {
    }
}
