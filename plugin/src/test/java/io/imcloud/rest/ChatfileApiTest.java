package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imcloud.attachments.AttachmentLimits;
import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.AudioFixtures;
import io.imcloud.attachments.UploadSlots;
import io.imcloud.attachments.ImageFixtures;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.SigningKeyStore;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.Multipart;
import io.imcloud.testsupport.RestHarness.BytesResponse;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST} and {@code GET /{org}/{app}/chatfiles} over real HTTP, on every database. */
class ChatfileApiTest {

    @TempDir
    Path root;

    private final AtomicReference<AttachmentLimits> limits = new AtomicReference<>(AttachmentLimits.defaults());

    /** The REST stack with the chat file routes, an app {@code acme#chat} with users alice and bob, and their tokens. */
    private final class Fixture implements AutoCloseable {
        /** {@code plugin.imcloud.http.public_url}: empty, or what a test sets. */
        final AtomicReference<String> publicUrl = new AtomicReference<>("");
        final Attachments attachments;
        final UploadSlots slots;
        final RestHarnessStack stack;
        final AppCredentials app;
        final String appToken;
        final String aliceToken;

        Fixture(TestDatabase db) {
            attachments = new Attachments(db, root, Clock.systemUTC(), limits::get);
            slots = new UploadSlots(new SigningKeyStore(db, Clock.systemUTC()), Clock.systemUTC());
            stack = RestHarnessStack.start(db, List.of(attachments), new ChatfileRoutes(attachments, slots, new FileUrls(publicUrl::get, publicUrl::get)));
            app = stack.createApp("acme", "chat", false);
            appToken = stack.appToken(app);
            stack.register(app, appToken, List.of(RestHarnessStack.user("alice", "pw-alice-1", "A"),
                    RestHarnessStack.user("bob", "pw-bob-1", "B")));
            aliceToken = stack.userToken(app, "alice", "pw-alice-1");
        }

        Response upload(String bearer, String fileName, byte[] bytes, String... headers) {
            Multipart body = new Multipart().field("note", "ignored");
            HttpRequest.Builder request = stack.http.request("/acme/chat/chatfiles", bearer)
                    .header("Content-Type", body.contentType())
                    .POST(body.file("file", fileName, "application/octet-stream", bytes));
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return stack.http.send(request);
        }

        JsonNode uploaded(String bearer, String fileName, byte[] bytes, String... headers) {
            Response r = upload(bearer, fileName, bytes, headers);
            assertEquals(200, r.status(), r.body());
            return r.json().get("entities").get(0);
        }

        Response put(String path, String grant, byte[] bytes) {
            HttpRequest.Builder request = stack.http.request(path, null).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .header("Content-Type", "application/octet-stream");
            if (grant != null) {
                request.header("Authorization", "Bearer " + grant);
            }
            return stack.http.send(request);
        }

        BytesResponse download(String path, String... headers) {
            HttpRequest.Builder request = stack.http.request(path, null).GET();
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return stack.http.sendForBytes(request);
        }

        @Override
        public void close() {
            stack.close();
        }
    }

    @AllDatabases
    void anUploadedImageIsDescribedAndServedWithSafeHeaders(TestDatabase db) throws Exception {
        try (Fixture f = new Fixture(db)) {
            byte[] png = ImageFixtures.image("png", 400, 300);
            JsonNode entity = f.uploaded(f.aliceToken, "photo.jpg", png);
            String uuid = entity.get("uuid").asText();
            assertEquals("chatfile", entity.get("type").asText());
            assertFalse(entity.has("share-secret"), "open file: " + entity);
            assertEquals("image/png", entity.get("content_type").asText());
            assertEquals(png.length, entity.get("file_length").asLong());
            assertEquals(400, entity.get("size").get("width").asInt());
            assertEquals(300, entity.get("size").get("height").asInt());
            assertEquals("photo.jpg", entity.get("filename").asText());
            assertEquals(f.stack.http.uri("/acme/chat/chatfiles/" + uuid).toString(), entity.get("url").asText());
            f.publicUrl.set("https://im.example.com/imcloud");
            assertTrue(f.uploaded(f.aliceToken, "again.png", png).get("url").asText().startsWith(
                    "https://im.example.com/imcloud/acme/chat/chatfiles/"), "behind a proxy: the public URL");
            f.publicUrl.set("");

            BytesResponse r = f.download("/acme/chat/chatfiles/" + uuid);
            assertEquals(200, r.status());
            assertArrayEquals(png, r.body());
            assertEquals("image/png", r.header("Content-Type"));
            assertEquals(Integer.toString(png.length), r.header("Content-Length"));
            assertEquals("\"" + uuid + "\"", r.header("ETag"));
            assertTrue(r.header("Last-Modified").endsWith("GMT"), r.header("Last-Modified"));
            assertEquals("nosniff", r.header("X-Content-Type-Options"));
            assertEquals("thumbnail", r.header("Vary"), "the image and its thumbnail are one URL: no cache may mix them up");
            assertEquals("inline; filename=\"photo.jpg\"; filename*=UTF-8''photo.jpg", r.header("Content-Disposition"));
            assertArrayEquals(png, f.download("/acme/chat/chatfiles/" + uuid + "/photo.png").body(), "a trailing name is for clients only");

            BytesResponse thumb = f.download("/acme/chat/chatfiles/" + uuid, "thumbnail", "true");
            assertEquals(200, thumb.status());
            assertEquals("image/jpeg", thumb.header("Content-Type"));
            BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumb.body()));
            assertEquals(170, small.getWidth());
            assertEquals(128, small.getHeight());
        }
    }

    @AllDatabases
    void aRestrictedFileNeedsItsSecretOrAnAppTokenOfItsApp(TestDatabase db) throws Exception {
        try (Fixture f = new Fixture(db)) {
            JsonNode entity = f.uploaded(f.appToken, "voice.amr", new byte[] {1, 2, 3}, "restrict-access", "true");
            String secret = entity.get("share-secret").asText();
            String path = "/acme/chat/chatfiles/" + entity.get("uuid").asText();
            assertEquals(401, f.download(path).status());
            assertEquals(401, f.download(path, "share-secret", secret.substring(1)).status());
            assertEquals(401, f.download(path, "share-secret", "").status());
            assertEquals(401, f.download(path, "Authorization", "Bearer " + f.aliceToken).status(), "a user token is not a secret");
            assertArrayEquals(new byte[] {1, 2, 3}, f.download(path, "share-secret", secret).body());
            assertEquals(200, f.download(path, "Authorization", "Bearer " + f.appToken).status());
            assertEquals("private, max-age=86400", f.download(path, "share-secret", secret).header("Cache-Control"));
            assertEquals("thumbnail, share-secret, Authorization", f.download(path, "share-secret", secret).header("Vary"));

            AppCredentials other = f.stack.createApp("acme", "other", false);
            String otherToken = f.stack.appToken(other);
            assertEquals(401, f.download(path, "Authorization", "Bearer " + otherToken).status());
            BytesResponse elsewhere = f.download("/acme/other/chatfiles/" + entity.get("uuid").asText(), "share-secret", secret);
            assertEquals(404, elsewhere.status(), "a file is found only under its own app");
        }
    }

    @AllDatabases
    void uploadsNeedATokenOfTheAppAndOneFilePart(TestDatabase db) throws Exception {
        try (Fixture f = new Fixture(db)) {
            assertEquals(401, f.upload(null, "a.bin", new byte[] {1}).status());
            AppCredentials other = f.stack.createApp("acme", "other", false);
            assertEquals(401, f.upload(f.stack.appToken(other), "a.bin", new byte[] {1}).status());

            Response json = f.stack.http.post("/acme/chat/chatfiles", f.appToken, "{}");
            assertEquals(415, json.status(), json.body());
            assertEquals("unsupported_media_type", json.error());

            Multipart fieldsOnly = new Multipart().field("a", "b");
            Response noFile = f.stack.http.send(f.stack.http.request("/acme/chat/chatfiles", f.appToken)
                    .header("Content-Type", fieldsOnly.contentType()).POST(fieldsOnly.noFile()));
            assertEquals(400, noFile.status(), noFile.body());
            assertEquals("illegal_argument", noFile.error());
            assertNothingStored(db);
        }
    }

    @AllDatabases
    void refusalsBySizeQuotaAndTypeLeaveNothingBehind(TestDatabase db) throws Exception {
        try (Fixture f = new Fixture(db)) {
            limits.set(new AttachmentLimits(100_000, 170, 40_000_000));
            Response large = f.upload(f.aliceToken, "big.bin", new byte[100_001]);
            assertEquals(413, large.status(), large.body());
            assertEquals("request_entity_too_large", large.error());
            Response far = f.upload(f.aliceToken, "huge.bin", new byte[400_000]);
            assertEquals(413, far.status(), "refused by the declared length: " + far.body());
            assertNothingStored(db);

            f.stack.apps.update(AppKey.of("acme", "chat"), new AppOptions(null, null, null, 1000L, null, null, true));
            Response pdf = f.upload(f.aliceToken, "a.pdf", "%PDF-1.4 x".getBytes(StandardCharsets.US_ASCII));
            assertEquals(415, pdf.status(), pdf.body());
            assertNothingStored(db);
            f.uploaded(f.aliceToken, "a.gif", ImageFixtures.image("gif", 4, 4));
            Response overQuota = f.upload(f.aliceToken, "b.png", ImageFixtures.image("bmp", 30, 30));
            assertEquals(429, overQuota.status(), overQuota.body());
            assertEquals("reach_limit", overQuota.error());
            assertEquals(1, db.count("ofImFile"));
            assertEquals(1, regularFiles().size());
        }
    }

    @AllDatabases
    void idsAndNamesCannotReachOutsideTheStore(TestDatabase db) throws Exception {
        try (Fixture f = new Fixture(db)) {
            JsonNode entity = f.uploaded(f.aliceToken, "..\\..\\windows\\evil\u0007name.pdf", "%PDF-1.4".getBytes(StandardCharsets.US_ASCII));
            assertEquals("evilname.pdf", entity.get("filename").asText());
            JsonNode report = f.uploaded(f.aliceToken, "报告;1.pdf", "%PDF-1.4".getBytes(StandardCharsets.US_ASCII));
            BytesResponse r = f.download("/acme/chat/chatfiles/" + report.get("uuid").asText());
            assertEquals("attachment; filename=\"___1.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%3B1.pdf", r.header("Content-Disposition"));
            assertEquals("application/pdf", r.header("Content-Type"));
            for (String id : List.of("..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", entity.get("uuid").asText().toUpperCase(),
                    entity.get("uuid").asText() + "%00")) {
                int status = f.download("/acme/chat/chatfiles/" + id).status();
                assertTrue(status == 404 || status == 400, id + " -> " + status);
            }
            assertTrue(regularFiles().stream().allMatch(p -> p.startsWith(root.resolve("acme/chat"))), regularFiles().toString());
        }
    }

    @AllDatabases
    void rangesAndConditionsFollowHttp(TestDatabase db) throws Exception {
        try (Fixture f = new Fixture(db)) {
            byte[] bytes = new byte[1000];
            Arrays.fill(bytes, (byte) 7);
            bytes[0] = 1;
            bytes[999] = 9;
            JsonNode entity = f.uploaded(f.aliceToken, "data.bin", bytes);
            String path = "/acme/chat/chatfiles/" + entity.get("uuid").asText();
            String etag = "\"" + entity.get("uuid").asText() + "\"";

            BytesResponse first = f.download(path, "Range", "bytes=0-9");
            assertEquals(206, first.status());
            assertEquals("bytes 0-9/1000", first.header("Content-Range"));
            assertArrayEquals(Arrays.copyOfRange(bytes, 0, 10), first.body());
            BytesResponse suffix = f.download(path, "Range", "bytes=-5");
            assertEquals("bytes 995-999/1000", suffix.header("Content-Range"));
            assertArrayEquals(Arrays.copyOfRange(bytes, 995, 1000), suffix.body());
            assertEquals("bytes 990-999/1000", f.download(path, "Range", "bytes=990-5000").header("Content-Range"));
            BytesResponse outside = f.download(path, "Range", "bytes=1000-");
            assertEquals(416, outside.status());
            assertEquals("bytes */1000", outside.header("Content-Range"));
            assertEquals(200, f.download(path, "Range", "bytes=0-1,5-6").status(), "several ranges: the whole file");
            assertEquals(206, f.download(path, "Range", "bytes=0-1", "If-Range", etag).status());
            BytesResponse changed = f.download(path, "Range", "bytes=0-1", "If-Range", "\"other\"");
            assertEquals(200, changed.status());
            assertEquals(1000, changed.body().length);

            BytesResponse notModified = f.download(path, "If-None-Match", etag);
            assertEquals(304, notModified.status());
            assertEquals(0, notModified.body().length);
            assertEquals(200, f.download(path, "If-None-Match", "\"other\"").status());
            String lastModified = first.header("Last-Modified");
            assertEquals(304, f.download(path, "If-Modified-Since", lastModified).status());
            assertEquals(200, f.download(path, "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").status());

            BytesResponse head = f.stack.http.sendForBytes(f.stack.http.request(path, null).method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, head.status());
            assertEquals("1000", head.header("Content-Length"));
            assertEquals(0, head.body().length);
            BytesResponse rangedHead = f.stack.http.sendForBytes(f.stack.http.request(path, null).header("Range", "bytes=0-9")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, rangedHead.status(), "Range is for GET: a HEAD is told of the whole file");
            assertEquals("1000", rangedHead.header("Content-Length"));
        }
    }

    /** Where the bytes of chat file {@code uuid} of acme#chat lie. */
    private Path onDisk(String uuid) {
        return root.resolve("acme/chat").resolve(uuid.substring(0, 2)).resolve(uuid);
    }

    @AllDatabases
    void aHugeImageGetsNoThumbnailAndADeletedUsersFilesGo(TestDatabase db) throws Exception {
        try (Fixture f = new Fixture(db)) {
            JsonNode bomb = f.uploaded(f.aliceToken, "bomb.png", ImageFixtures.pngClaiming(60_000, 60_000));
            BytesResponse refused = f.download("/acme/chat/chatfiles/" + bomb.get("uuid").asText(), "thumbnail", "true");
            assertEquals(400, refused.status());
            assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("illegal_argument"));
            // a small image's valid header and nothing after it: stored as an image, but no decoder reads it
            JsonNode broken = f.uploaded(f.aliceToken, "broken.png", ImageFixtures.pngClaiming(10, 10));
            BytesResponse undecodable = f.download("/acme/chat/chatfiles/" + broken.get("uuid").asText(), "thumbnail", "true");
            assertEquals(400, undecodable.status(), new String(undecodable.body(), StandardCharsets.UTF_8));
            assertTrue(new String(undecodable.body(), StandardCharsets.UTF_8).contains("cannot be decoded"));
            assertEquals(200, f.download("/acme/chat/chatfiles/" + broken.get("uuid").asText()).status(), "the file itself");
            Path brokenBytes = onDisk(broken.get("uuid").asText());
            Files.write(brokenBytes, ImageFixtures.image("png", 10, 10));
            assertEquals(400, f.download("/acme/chat/chatfiles/" + broken.get("uuid").asText(), "thumbnail", "true").status(),
                    "a failed decode is remembered, not tried again on every request");
            Files.delete(brokenBytes);
            BytesResponse noBytes = f.download("/acme/chat/chatfiles/" + broken.get("uuid").asText());
            assertEquals(404, noBytes.status(), "a row whose bytes are gone: 404, not 500");
            assertTrue(new String(noBytes.body(), StandardCharsets.UTF_8).contains("service_resource_not_found"));

            String bobToken = f.stack.userToken(f.app, "bob", "pw-bob-1");
            JsonNode bobs = f.uploaded(bobToken, "b.bin", new byte[] {4});
            assertEquals(200, f.stack.http.delete("/acme/chat/users/alice", f.appToken).status());
            assertEquals(404, f.download("/acme/chat/chatfiles/" + bomb.get("uuid").asText()).status());
            assertEquals(200, f.download("/acme/chat/chatfiles/" + bobs.get("uuid").asText()).status());
            assertEquals(1, regularFiles().size());
        }
    }

    /**
     * A client that closes its side in the middle of an upload (a mobile network dropping it) is answered 400 in case it
     * still listens, and leaves no file, no row and no partial upload: the server did not fail.
     */
    @AllDatabases
    void anUploadTheClientBreaksOffIsRefusedWith400AndLeavesNothing(TestDatabase db) throws Exception {
        try (Fixture f = new Fixture(db)) {
            URI uri = f.stack.http.uri("/acme/chat/chatfiles");
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + f.appToken
                        + "\r\nContent-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: 1000000\r\n\r\n"
                        + "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.bin\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[10_000]);
                out.flush();
                socket.shutdownOutput(); // the rest of the announced million bytes never comes
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
                assertTrue(answer.contains("\"error\":\"illegal_argument\"") && answer.contains("ended before its announced length"),
                        "our JSON answer, not a failure: " + answer);
            }
            assertEquals(0, db.count("ofImFile"));
            assertEquals(List.of(), regularFiles(), "no partial upload left on disk");
        }
    }

    /** Each audio format the store recognises, with its duration read from the file over HTTP. */
    @AllDatabases
    void audioOfEveryFormatGetsItsTypeAndDuration(TestDatabase db) throws Exception {
        try (Fixture f = new Fixture(db)) {
            Path dir = Files.createDirectories(root.resolve("fixtures"));
            record Clip(String name, String type, long millis) { }
            List<Clip> clips = List.of(
                    new Clip("a.amr", "audio/amr", AudioFixtures.amrNb(dir.resolve("a.amr"), 150)),
                    new Clip("a.awb", "audio/amr-wb", AudioFixtures.amrWb(dir.resolve("a.awb"), 60)),
                    new Clip("a.aac", "audio/aac", AudioFixtures.adts(dir.resolve("a.aac"), 200, 44_100)),
                    new Clip("a.m4a", "audio/mp4", AudioFixtures.m4a(dir.resolve("a.m4a"), 7_250)),
                    new Clip("a.opus", "audio/ogg", AudioFixtures.oggOpus(dir.resolve("a.opus"), 2_500)),
                    new Clip("a.ogg", "audio/ogg", AudioFixtures.oggVorbis(dir.resolve("a.ogg"), 4_000, 44_100)),
                    new Clip("a.mp3", "audio/mpeg", AudioFixtures.mp3Cbr(dir.resolve("a.mp3"), 100)),
                    new Clip("a.wav", "audio/wav", AudioFixtures.wav(dir.resolve("a.wav"), 1_500)));
            for (Clip clip : clips) {
                byte[] bytes = Files.readAllBytes(dir.resolve(clip.name()));
                JsonNode entity = f.uploaded(f.aliceToken, clip.name(), bytes);
                assertEquals(clip.type(), entity.get("content_type").asText(), clip.name());
                assertEquals(clip.millis(), entity.get("duration_ms").asLong(), clip.name());
                assertEquals(Math.max(1, (clip.millis() + 500) / 1000), entity.get("length").asLong(), clip.name());
                BytesResponse r = f.download("/acme/chat/chatfiles/" + entity.get("uuid").asText());
                assertEquals(clip.type(), r.header("Content-Type"));
                assertTrue(r.header("Content-Disposition").startsWith("inline"), clip.name());
                assertArrayEquals(bytes, r.body());
            }
        }
    }

    /** XEP-0363's PUT: one upload per slot, of the slot's size, at the slot's URL, for a user who still exists. */
    @AllDatabases
    void aSlotTakesOnePutOfItsSizeAtItsUrl(TestDatabase db) throws Exception {
        try (Fixture f = new Fixture(db)) {
            UploadSlots.Slot slot = f.slots.issue(AppUser.of(AppKey.of("acme", "chat"), "alice"), 5, "clip.m4a", Duration.ofMinutes(5));
            String path = "/acme/chat/chatfiles/" + slot.uuid() + "/clip.m4a";
            assertEquals(403, f.put(path, null, new byte[5]).status());
            assertEquals(403, f.put(path, slot.token() + "x", new byte[5]).status());
            assertEquals(403, f.put("/acme/chat/chatfiles/" + UUID.randomUUID() + "/clip.m4a", slot.token(), new byte[5]).status(),
                    "a grant is for its own file id");
            f.stack.createApp("acme", "other", false);
            assertEquals(403, f.put("/acme/other/chatfiles/" + slot.uuid(), slot.token(), new byte[5]).status(),
                    "and its own app");
            Response large = f.put(path, slot.token(), new byte[6]);
            assertEquals(413, large.status(), large.body());
            assertEquals(400, f.put(path, slot.token(), new byte[4]).status());
            assertNothingStored(db);

            Response stored = f.put(path, slot.token(), new byte[] {1, 2, 3, 4, 5});
            assertEquals(201, stored.status(), stored.body());
            assertEquals(slot.uuid(), stored.json().get("entities").get(0).get("uuid").asText());
            Response again = f.put(path, slot.token(), new byte[] {9, 9, 9, 9, 9});
            assertEquals(409, again.status(), again.body());
            BytesResponse r = f.download(path);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, r.body());
            assertEquals("attachment; filename=\"clip.m4a\"; filename*=UTF-8''clip.m4a", r.header("Content-Disposition"));

            UploadSlots.Slot bobs = f.slots.issue(AppUser.of(AppKey.of("acme", "chat"), "bob"), 1, "b", Duration.ofMinutes(5));
            assertEquals(200, f.stack.http.delete("/acme/chat/users/bob", f.appToken).status());
            assertEquals(403, f.put("/acme/chat/chatfiles/" + bobs.uuid(), bobs.token(), new byte[1]).status(), "bob is gone");
        }
    }

    private void assertNothingStored(TestDatabase db) throws Exception {
        assertEquals(0, db.count("ofImFile"));
        assertEquals(List.of(), regularFiles());
    }

    private List<Path> regularFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
