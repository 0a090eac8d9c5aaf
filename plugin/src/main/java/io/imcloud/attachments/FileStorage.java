package io.imcloud.attachments;

import io.imcloud.tenancy.AppKey;
import org.apache.commons.io.file.PathUtils;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;

/**
 * The attachments directory. Every path below it is made here from server values only (app key parts, which are
 * {@code [a-z0-9-]}, and server-made uuids), never from a client's file name:
 * {@code {root}/{org}/{app}/{first two characters of the uuid}/{uuid}}, with the thumbnail of an image beside it.
 * Uploads are written under {@code {root}/.incoming} and moved into place when complete, so a reader never sees a
 * partial file.
 */
final class FileStorage {

    private static final String INCOMING = ".incoming";

    private final Path root;

    FileStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** A new empty file for an upload in progress. */
    Path newIncoming() throws IOException {
        Path dir = Files.createDirectories(root.resolve(INCOMING));
        return Files.createTempFile(dir, "upload-", ".part");
    }

    /** Where the bytes of {@code file} live. */
    Path pathOf(StoredFile file) {
        return dirOf(file).resolve(file.uuid());
    }

    /** Where the thumbnail of image {@code file} is kept once made. */
    Path thumbnailOf(StoredFile file) {
        return dirOf(file).resolve(file.uuid() + ".thumb.jpg");
    }

    private Path dirOf(StoredFile file) {
        if (!StoredFile.isUuid(file.uuid())) {
            throw new IllegalArgumentException("Not a file id: " + file.uuid());
        }
        return appDir(file.app()).resolve(file.uuid().substring(0, 2));
    }

    private Path appDir(AppKey app) {
        return root.resolve(app.org()).resolve(app.app());
    }

    /** Moves a complete upload to where {@code file} lives. */
    void place(Path incoming, StoredFile file) throws IOException {
        moveInto(incoming, pathOf(file));
    }

    /** Moves {@code source} to {@code target} in one step where the file system can, so readers see all or nothing. */
    static void moveInto(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the bytes and the thumbnail of {@code file}; true when the bytes were there. */
    boolean remove(StoredFile file) throws IOException {
        Files.deleteIfExists(thumbnailOf(file));
        return Files.deleteIfExists(pathOf(file));
    }

    /** Deletes the directory of {@code app} with whatever is left in it. */
    void removeApp(AppKey app) throws IOException {
        Path dir = appDir(app);
        if (Files.isDirectory(dir)) {
            PathUtils.deleteDirectory(dir);
        }
    }

    /** Deletes uploads in progress last written before {@code beforeMillis} (left by a crash); returns how many. */
    int removeStaleIncoming(long beforeMillis) throws IOException {
        Path dir = root.resolve(INCOMING);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        FileTime cutoff = FileTime.fromMillis(beforeMillis);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "upload-*.part")) {
            for (Path f : files) {
                try {
                    if (Files.getLastModifiedTime(f).compareTo(cutoff) < 0 && Files.deleteIfExists(f)) {
                        removed++;
                    }
                } catch (NoSuchFileException finishedMeanwhile) {
                    // moved into place or removed by its own upload while we looked
                }
            }
        }
        return removed;
    }
}
