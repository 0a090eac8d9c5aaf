package io.imcloud.attachments;

import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.tenancy.AppStamps;
import io.imcloud.tenancy.AppStore;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.FilePolicy;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.CountingConnections;
import io.imcloud.testsupport.RestHarnessStack.MovableClock;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attachment store on every database: probing, limits and quotas that leave nothing behind, removal, retention. */
class AttachmentsTest {

    private static final AppKey APP = AppKey.of("acme", "chat");
    private static final AppKey OTHER = AppKey.of("acme", "other");
    private static final FilePolicy OPEN = new FilePolicy(0, 0, 0, false);

    @TempDir
    Path root;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicReference<AttachmentLimits> limits = new AtomicReference<>(AttachmentLimits.defaults());

    private Attachments attachments(TestDatabase db) {
        return new Attachments(db, root, clock, limits::get);
    }

    private static Attachments.Stored store(Attachments a, AppKey app, FilePolicy policy, String owner, String name,
                                            byte[] bytes) throws IOException {
        return a.store(Upload.chatFile(app, policy, owner, name, false), new ByteArrayInputStream(bytes));
    }

    @AllDatabases
    void imageGetsTypeAndSizeFromItsBytesAndAThumbnailWithinTheEdge(TestDatabase db) throws Exception {
        Attachments a = attachments(db);
        byte[] png = ImageFixtures.image("png", 800, 600);
        StoredFile file = store(a, APP, OPEN, "alice", "holiday.jpg", png).file();

        assertEquals(FileKind.IMAGE, file.kind());
        assertEquals("image/png", file.contentType(), "from the bytes, not from the name");
        assertEquals(800, file.width());
        assertEquals(600, file.height());
        assertEquals("holiday.jpg", file.displayName());
        assertArrayEquals(png, Files.readAllBytes(a.content(file)));
        assertEquals(file, a.find(APP, file.uuid()).orElseThrow());
        assertEquals(new Attachments.FileUsage(png.length, 1), a.usage(APP));

        BufferedImage thumbnail = ImageIO.read(a.thumbnail(file).toFile());
        assertEquals(170, thumbnail.getWidth());
        assertEquals(128, thumbnail.getHeight());
        assertEquals(a.thumbnail(file), a.thumbnail(file), "made once, then kept");
    }

    @AllDatabases
    void plainFilesAreTypedBySignatureAndTheirNamesAreDisplayTextOnly(TestDatabase db) throws Exception {
        Attachments a = attachments(db);
        StoredFile pdf = store(a, APP, OPEN, null, "../../etc/passwd\u0000.png", "%PDF-1.4 hello".getBytes(StandardCharsets.US_ASCII)).file();
        assertEquals(FileKind.FILE, pdf.kind());
        assertEquals("application/pdf", pdf.contentType());
        assertEquals("passwd.png", pdf.displayName());
        assertNull(pdf.owner());
        assertTrue(a.content(pdf).startsWith(root.resolve("acme").resolve("chat")), a.content(pdf).toString());

        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        StoredFile unknown = store(a, APP, OPEN, "alice", "a.mp3", noise).file();
        assertEquals("application/octet-stream", unknown.contentType());
        assertEquals(FileKind.FILE, unknown.kind());
    }

    /** Bodies over the early-flush step are flushed while they arrive, in odd-sized reads; the stored bytes are exact. */
    @Test
    void aLargeBodyIsStoredExactlyWhileFlushedEarly() throws Exception {
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB)) {
            Attachments a = attachments(db);
            limits.set(new AttachmentLimits(4 * Attachments.EARLY_FLUSH_BYTES, 170, 40_000_000));
            byte[] big = new byte[(int) (2.5 * Attachments.EARLY_FLUSH_BYTES) + 7];
            new Random(11).nextBytes(big);
            InputStream trickle = new FilterInputStream(new ByteArrayInputStream(big)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return super.read(b, off, Math.min(len, 65_521));
                }
            };
            StoredFile stored = a.store(Upload.chatFile(APP, OPEN, "alice", "big.bin", false), trickle).file();
            assertEquals(big.length, stored.size());
            assertArrayEquals(big, Files.readAllBytes(a.content(stored)));

            limits.set(new AttachmentLimits(2 * Attachments.EARLY_FLUSH_BYTES, 170, 40_000_000));
            AttachmentException tooLarge = assertThrows(AttachmentException.class,
                    () -> a.store(Upload.chatFile(APP, OPEN, "alice", "big.bin", false), new ByteArrayInputStream(big)));
            assertEquals(AttachmentException.Reason.TOO_LARGE, tooLarge.reason());
            assertEquals(1, filesUnder(root).size(), "only the first file: nothing of the refused one");
        }
    }

    @AllDatabases
    void refusedUploadsLeaveNeitherFileNorRowNorUsage(TestDatabase db) throws Exception {
        Attachments a = attachments(db);
        limits.set(new AttachmentLimits(1000, 170, 40_000_000));
        AttachmentException tooLarge = assertThrows(AttachmentException.class, () -> store(a, APP, OPEN, "alice", "x", new byte[1001]));
        assertEquals(AttachmentException.Reason.TOO_LARGE, tooLarge.reason());
        AttachmentException empty = assertThrows(AttachmentException.class, () -> store(a, APP, OPEN, "alice", "x", new byte[0]));
        assertEquals(AttachmentException.Reason.EMPTY, empty.reason());
        FilePolicy mediaOnly = new FilePolicy(0, 0, 0, true);
        AttachmentException type = assertThrows(AttachmentException.class,
                () -> store(a, APP, mediaOnly, "alice", "x.png", "%PDF-1.4".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(AttachmentException.Reason.TYPE_REFUSED, type.reason());

        assertEquals(0, db.count("ofImFile"));
        assertEquals(new Attachments.FileUsage(0, 0), a.usage(APP));
        assertEquals(List.of(), filesUnder(root), "no partial or orphan file");

        limits.set(AttachmentLimits.defaults());
        assertEquals(FileKind.IMAGE, store(a, APP, mediaOnly, "alice", "x", ImageFixtures.image("gif", 10, 10)).file().kind());
    }

    @AllDatabases
    void quotasOfBytesAndFilesHoldAndFreedSpaceIsReusable(TestDatabase db) throws Exception {
        Attachments a = attachments(db);
        FilePolicy twoFiles = new FilePolicy(0, 2, 0, false);
        StoredFile first = store(a, APP, twoFiles, "alice", "1", new byte[] {1}).file();
        store(a, APP, twoFiles, "alice", "2", new byte[] {2});
        AttachmentException full = assertThrows(AttachmentException.class, () -> store(a, APP, twoFiles, "alice", "3", new byte[] {3}));
        assertEquals(AttachmentException.Reason.QUOTA_EXCEEDED, full.reason());
        assertEquals(2, db.count("ofImFile"));
        assertEquals(2, filesUnder(root).size());
        assertEquals(new byte[] {9}.length, store(a, OTHER, twoFiles, "alice", "other app", new byte[] {9}).file().size(),
                "another app's quota is its own");

        assertTrue(a.delete(first));
        assertFalse(a.delete(first), "gone already");
        store(a, APP, twoFiles, "alice", "3", new byte[] {3});
        assertEquals(new Attachments.FileUsage(2, 2), a.usage(APP));

        FilePolicy tenBytes = new FilePolicy(10, 0, 0, false);
        AttachmentException bytes = assertThrows(AttachmentException.class, () -> store(a, APP, tenBytes, "bob", "b", new byte[9]));
        assertEquals(AttachmentException.Reason.QUOTA_EXCEEDED, bytes.reason(), "2 stored + 9 > 10");
        store(a, APP, tenBytes, "bob", "b", new byte[8]);
        assertEquals(new Attachments.FileUsage(10, 3), a.usage(APP));
    }

    @AllDatabases
    void restrictedFilesKeepOnlyAHashOfTheirSecret(TestDatabase db) throws Exception {
        Attachments a = attachments(db);
        Attachments.Stored stored = a.store(Upload.chatFile(APP, OPEN, "alice", "v.amr", true), new ByteArrayInputStream(new byte[] {1, 2}));
        StoredFile file = a.find(APP, stored.file().uuid()).orElseThrow();
        assertTrue(file.restricted());
        assertTrue(file.acceptsSecret(stored.secret()));
        assertFalse(file.acceptsSecret(stored.secret() + "x"));
        assertFalse(file.acceptsSecret(null));
        try (Connection con = db.getConnection(); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery("SELECT secretHash FROM ofImFile")) {
            assertTrue(rs.next());
            assertNotEquals(stored.secret(), rs.getString(1));
            assertEquals(64, rs.getString(1).length());
        }
        StoredFile open = store(a, APP, OPEN, "alice", "o", new byte[] {1}).file();
        assertFalse(open.restricted());
        assertTrue(open.acceptsSecret(null));
    }

    @AllDatabases
    void aSlotsIdTakesOneUploadOfExactlyTheAnnouncedSize(TestDatabase db) throws Exception {
        Attachments a = attachments(db);
        String uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        Upload slot = new Upload(APP, OPEN, "alice", uuid, "voice.m4a", false, 4);
        AttachmentException shorter = assertThrows(AttachmentException.class,
                () -> a.store(slot, new ByteArrayInputStream(new byte[] {1, 2, 3})));
        assertEquals(AttachmentException.Reason.SHORT, shorter.reason(), "400, not 413: the body is short");
        AttachmentException longer = assertThrows(AttachmentException.class, () -> a.store(slot, new ByteArrayInputStream(new byte[5])));
        assertEquals(AttachmentException.Reason.TOO_LARGE, longer.reason());
        assertEquals(0, db.count("ofImFile"));

        assertEquals(uuid, a.store(slot, new ByteArrayInputStream(new byte[] {1, 2, 3, 4})).file().uuid());
        AttachmentException again = assertThrows(AttachmentException.class,
                () -> a.store(slot, new ByteArrayInputStream(new byte[] {5, 6, 7, 8})));
        assertEquals(AttachmentException.Reason.DUPLICATE, again.reason());
        StoredFile kept = a.find(APP, uuid).orElseThrow();
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(a.content(kept)), "the first upload stays");
        assertEquals(new Attachments.FileUsage(4, 1), a.usage(APP));
        assertEquals(1, filesUnder(root).size());
    }

    @AllDatabases
    void filesAreFoundOnlyInTheirOwnAppAndOnlyByUuid(TestDatabase db) throws Exception {
        Attachments a = attachments(db);
        StoredFile file = store(a, APP, OPEN, "alice", "a", new byte[] {1}).file();
        assertTrue(a.find(OTHER, file.uuid()).isEmpty());
        for (String id : List.of("../chat/" + file.uuid(), file.uuid().toUpperCase(), "..", "", file.uuid() + "/x")) {
            assertTrue(a.find(APP, id).isEmpty(), id);
        }
    }

    @AllDatabases
    void theFilesOfManyLinksAreReadTogetherEachInItsOwnApp(TestDatabase db) throws Exception {
        CountingConnections counting = new CountingConnections(db);
        Attachments a = new Attachments(counting, root, clock, limits::get);
        StoredFile open = store(a, APP, OPEN, "alice", "o", new byte[] {1}).file();
        StoredFile restricted = a.store(Upload.chatFile(APP, OPEN, "alice", "r", true), new ByteArrayInputStream(new byte[] {2})).file();
        StoredFile others = store(a, OTHER, OPEN, "bob", "x", new byte[] {3}).file();
        List<ChatfileLink> links = new ArrayList<>(List.of(new ChatfileLink(APP, open.uuid()), new ChatfileLink(APP, open.uuid()),
                new ChatfileLink(APP, restricted.uuid()), new ChatfileLink(APP, others.uuid()), new ChatfileLink(OTHER, others.uuid()),
                new ChatfileLink(APP, open.uuid().toUpperCase())));
        for (int i = 0; i < 250; i++) {
            links.add(new ChatfileLink(APP, UUID.randomUUID().toString()));
        }
        counting.reset();
        Map<ChatfileLink, StoredFile> found = a.findLinked(links);

        assertEquals(Map.of(new ChatfileLink(APP, open.uuid()), open, new ChatfileLink(APP, restricted.uuid()), restricted,
                new ChatfileLink(OTHER, others.uuid()), others), found);
        assertEquals(4, counting.selectsFrom("ofImFile"), "253 ids of one app in lists of 100, 1 of the other");
        for (ChatfileLink link : links) {
            assertEquals(a.find(link.app(), link.uuid()), Optional.ofNullable(found.get(link)), "as found one by one: " + link);
        }

        counting.reset();
        List<ChatfileLink> hundred = new ArrayList<>(List.of(new ChatfileLink(APP, open.uuid())));
        for (int i = 1; i < FileCatalog.IN_LIST_MAX; i++) {
            hundred.add(new ChatfileLink(APP, UUID.randomUUID().toString()));
        }
        assertEquals(Map.of(new ChatfileLink(APP, open.uuid()), open), a.findLinked(hundred));
        assertEquals(1, counting.selectsFrom("ofImFile"));
        assertEquals(Map.of(), a.findLinked(List.of()));
        assertEquals(1, counting.selectsFrom("ofImFile"), "no links, no query");
    }

    @AllDatabases
    void deletingAUserOrAnAppRemovesTheirFilesOnly(TestDatabase db) throws Exception {
        Attachments a = attachments(db);
        StoredFile zeds = store(a, APP, OPEN, "zed", "z", new byte[] {1}).file();
        StoredFile bobs = store(a, APP, OPEN, "bob", "b", new byte[] {2, 2}).file();
        StoredFile otherZeds = store(a, OTHER, OPEN, "zed", "z", new byte[] {3}).file();

        assertEquals(1, a.deleteUser(AppUser.of(APP, "zed")));
        assertTrue(a.find(APP, zeds.uuid()).isEmpty());
        assertFalse(Files.exists(a.content(zeds)));
        assertTrue(Files.exists(a.content(bobs)));
        assertTrue(Files.exists(a.content(otherZeds)));
        assertEquals(new Attachments.FileUsage(2, 1), a.usage(APP));

        assertEquals(1, a.deleteAll(APP));
        assertFalse(Files.exists(root.resolve("acme").resolve("chat")));
        assertEquals(new Attachments.FileUsage(0, 0), a.usage(APP));
        assertEquals(1, db.count("ofImFile"));
        assertTrue(Files.exists(a.content(otherZeds)));
    }

    @AllDatabases
    void retentionRemovesOlderFilesOfAppsThatSetIt(TestDatabase db) throws Exception {
        AppStore apps = new AppStore(db, clock, 0, AppStamps.local());
        apps.create(APP, new AppOptions(null, null, null, null, null, 7, null)).orElseThrow();
        apps.create(OTHER, new AppOptions(false, null, null)).orElseThrow();
        Attachments a = attachments(db);
        StoredFile old = store(a, APP, OPEN, "alice", "old", new byte[] {1}).file();
        StoredFile keptForever = store(a, OTHER, OPEN, "alice", "forever", new byte[] {1}).file();
        clock.advance(Duration.ofDays(6));
        StoredFile recent = store(a, APP, OPEN, "alice", "recent", new byte[] {2}).file();
        clock.advance(Duration.ofDays(1).plusSeconds(1));

        assertEquals(1, a.sweep());
        assertTrue(a.find(APP, old.uuid()).isEmpty());
        assertFalse(Files.exists(a.content(old)));
        assertTrue(a.find(APP, recent.uuid()).isPresent());
        assertTrue(a.find(OTHER, keptForever.uuid()).isPresent());
        assertEquals(0, a.sweep());
    }

    /**
     * Two cluster nodes on one database and one shared directory: uploads racing on both never overrun the app's file
     * quota together, and both nodes' retention sweeps at once remove each expired file once, with exact usage.
     */
    @AllDatabases
    void twoNodesShareQuotaAndSweepEachFileOnce(TestDatabase db) throws Exception {
        AppStore apps = new AppStore(db, clock, 0, AppStamps.local());
        apps.create(APP, new AppOptions(null, null, null, null, 12, 7, null)).orElseThrow();
        FilePolicy policy = apps.find(APP).orElseThrow().files();
        List<Attachments> nodes = List.of(attachments(db), attachments(db));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Boolean>> uploads = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Attachments node = nodes.get(i % 2);
                byte[] bytes = {(byte) i};
                uploads.add(pool.submit(() -> {
                    try {
                        store(node, APP, policy, "alice", "f", bytes);
                        return true;
                    } catch (AttachmentException e) {
                        assertEquals(AttachmentException.Reason.QUOTA_EXCEEDED, e.reason());
                        return false;
                    }
                }));
            }
            long stored = 0;
            for (Future<Boolean> upload : uploads) {
                stored += upload.get() ? 1 : 0;
            }
            assertEquals(12, stored, "the quota of 12 files, whichever node took them");
            assertEquals(new Attachments.FileUsage(12, 12), nodes.get(1).usage(APP));

            clock.advance(Duration.ofDays(8));
            Future<Integer> onA = pool.submit(nodes.get(0)::sweep);
            Future<Integer> onB = pool.submit(nodes.get(1)::sweep);
            assertEquals(12, onA.get() + onB.get(), "each expired file removed by one node");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(new Attachments.FileUsage(0, 0), nodes.get(0).usage(APP));
        assertEquals(0, db.count("ofImFile"));
        try (Stream<Path> left = Files.walk(root.resolve("acme"))) {
            assertEquals(0, left.filter(Files::isRegularFile).count(), "no bytes left in the shared directory");
        }
    }

    @AllDatabases
    void retentionCountsFromTheLastMessageThatUsedAFile(TestDatabase db) throws Exception {
        AppStore apps = new AppStore(db, clock, 0, AppStamps.local());
        apps.create(APP, new AppOptions(null, null, null, null, null, 7, null)).orElseThrow();
        Attachments a = attachments(db);
        StoredFile sent = store(a, APP, OPEN, "alice", "sent", new byte[] {1}).file();
        StoredFile neverSent = store(a, APP, OPEN, "alice", "never sent", new byte[] {2}).file();
        StoredFile linkedFromElsewhere = store(a, APP, OPEN, "alice", "linked by another app", new byte[] {3}).file();
        clock.advance(Duration.ofDays(5));
        assertTrue(a.markUsed(new ChatfileLink(APP, sent.uuid()), clock.millis()));
        assertFalse(a.markUsed(new ChatfileLink(OTHER, linkedFromElsewhere.uuid()), clock.millis()), "no file of that app");
        assertTrue(a.markUsed(new ChatfileLink(APP, sent.uuid()), clock.millis() - 1000), "there, used later already");
        clock.advance(Duration.ofDays(2).plusSeconds(1));

        assertEquals(2, a.sweep(), "seven days after the upload, the files no message used go");
        assertTrue(a.find(APP, neverSent.uuid()).isEmpty());
        assertTrue(a.find(APP, linkedFromElsewhere.uuid()).isEmpty(), "another app's link is no use of this app's file");
        assertTrue(a.find(APP, sent.uuid()).isPresent(), "used on day 5: kept until day 12 (an older use does not move it back)");

        clock.advance(Duration.ofDays(5));
        assertEquals(1, a.sweep());
        assertTrue(a.find(APP, sent.uuid()).isEmpty());
        assertFalse(a.markUsed(new ChatfileLink(APP, sent.uuid()), clock.millis()), "taken by retention: a message may not use it");
        assertFalse(Files.exists(a.content(sent)));
        assertEquals(new Attachments.FileUsage(0, 0), a.usage(APP));
    }

    @AllDatabases
    void aFileUsedAfterRetentionChoseItIsKept(TestDatabase db) throws Exception {
        Attachments a = attachments(db);
        StoredFile file = store(a, APP, OPEN, "alice", "late", new byte[] {1}).file();
        FileCatalog catalog = new FileCatalog(db);
        long cutoff = clock.millis() + 1;
        assertEquals(1, catalog.select(APP, " AND lastUsed < ?", 10, cutoff).size(), "chosen for removal");
        a.markUsed(new ChatfileLink(APP, file.uuid()), cutoff);

        assertFalse(a.delete(file, cutoff), "a message used it meanwhile");
        assertTrue(a.find(APP, file.uuid()).isPresent());
        assertTrue(Files.exists(a.content(file)), "and its bytes stay with its row");
        assertTrue(a.delete(file, cutoff + 1));
        assertFalse(Files.exists(a.content(file)));
    }

    @AllDatabases
    void aDecompressionBombIsMeasuredButNeverDecoded(TestDatabase db) throws Exception {
        Attachments a = attachments(db);
        StoredFile bomb = store(a, APP, OPEN, "alice", "bomb.png", ImageFixtures.pngClaiming(100_000, 100_000)).file();
        assertEquals(FileKind.IMAGE, bomb.kind());
        assertEquals(100_000, bomb.width());
        AttachmentException refused = assertThrows(AttachmentException.class, () -> a.thumbnail(bomb));
        assertEquals(AttachmentException.Reason.IMAGE_TOO_LARGE, refused.reason());
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
