package io.imcloud.bench;

import io.imcloud.attachments.AttachmentLimits;
import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.UploadSlots;
import io.imcloud.rest.ChatfileRoutes;
import io.imcloud.rest.FileUrls;
import io.imcloud.rest.RouteGroup;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.SigningKeyStore;
import io.imcloud.testsupport.Multipart;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;
import org.apache.commons.io.file.PathUtils;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Chat file upload and download throughput over real HTTP for a 50 MB file, against the limit measured in the same
 * run on the same disk: a plain file copy flushed to disk ({@code Files.copy} then {@code force}), the least an upload
 * that must survive a crash has to do. Goals: upload and download at least 0.7 of the copy's MB/s. Also the live heap
 * during an upload: the request body pauses at 25, 50 and 75 % while the JVM collects garbage and the heap in use is
 * read; the growth over the heap before the upload is printed (goal under 16 MB: the body is streamed, never held).
 * Uploads and downloads are made by curl in its own process; the heap probe uploads from this JVM.
 * <p>
 * {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.AttachmentBenchmark}
 * <br>System properties: {@code bench.mb} file size (default 50), {@code bench.rounds} (default 5; the best round of
 * each side counts, so that a busy moment of a shared machine is not charged to either).
 */
public final class AttachmentBenchmark {

    private static final double MB = 1024.0 * 1024.0;

    private AttachmentBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int megabytes = Integer.getInteger("bench.mb", 50);
        int rounds = Integer.getInteger("bench.rounds", 5);
        Path work = Files.createTempDirectory(Path.of("target"), "attachment-bench");
        Path source = work.resolve("source.bin");
        writeRandom(source, megabytes * 1024L * 1024L);
        long size = Files.size(source);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB)) {
            Attachments attachments = new Attachments(db, work.resolve("files"), Clock.systemUTC(),
                    () -> new AttachmentLimits(size + 1, 170, 40_000_000));
            UploadSlots slots = new UploadSlots(new SigningKeyStore(db, Clock.systemUTC()), Clock.systemUTC());
            RouteGroup discard = router -> router.put("/bench/discard", ex -> {
                long n = ex.request().getInputStream().transferTo(OutputStream.nullOutputStream());
                ex.send(200, ex.context().json().createObjectNode().put("read", n));
            });
            try (RestHarnessStack stack = RestHarnessStack.start(db, List.of(), new ChatfileRoutes(attachments, slots, new FileUrls(() -> "", () -> "")), discard)) {
                AppCredentials app = stack.createApp("bench", "files", false);
                String token = stack.appToken(app);
                stack.register(app, token, RestHarnessStack.user("bench", "bench-pass-1", "bench"));
                upload(client, stack, token, source, null); // warm-up: JIT, connections, directories
                double copy = 0;
                double up = 0;
                double down = 0;
                double put = 0;
                double receive = 0;
                String uuid = null;
                for (int round = 0; round < rounds; round++) {
                    copy = Math.max(copy, rate(size, copyAndFlush(source, work.resolve("copy-" + round))));
                    long start = System.nanoTime();
                    uuid = uuidOf(curl("-H", "Authorization: Bearer " + token, "-F", "file=@" + source.toAbsolutePath(),
                            stack.http.uri("/bench/files/chatfiles").toString()));
                    up = Math.max(up, rate(size, System.nanoTime() - start));
                    start = System.nanoTime();
                    curl("-o", "/dev/null", stack.http.uri("/bench/files/chatfiles/" + uuid).toString());
                    down = Math.max(down, rate(size, System.nanoTime() - start));
                    UploadSlots.Slot slot = slots.issue(AppUser.of(app.app().key(), "bench"), size, "bench.bin", Duration.ofMinutes(5));
                    start = System.nanoTime();
                    curl("-H", "Authorization: Bearer " + slot.token(), "-T", source.toAbsolutePath().toString(),
                            stack.http.uri("/bench/files/chatfiles/" + slot.uuid() + "/bench.bin").toString());
                    put = Math.max(put, rate(size, System.nanoTime() - start));
                    start = System.nanoTime();
                    curl("-T", source.toAbsolutePath().toString(), stack.http.uri("/bench/discard").toString());
                    receive = Math.max(receive, rate(size, System.nanoTime() - start));
                }
                List<Long> heapDuring = new ArrayList<>();
                long heapBefore = liveHeap();
                upload(client, stack, token, source, heapDuring);
                long growth = heapDuring.stream().mapToLong(h -> h - heapBefore).max().orElseThrow();

                System.out.printf("file %d MB, best of %d rounds, same disk (%s)%n", megabytes, rounds, work.toAbsolutePath());
                System.out.printf("plain copy + flush: %.0f MB/s (the limit)%n", copy);
                System.out.printf("HTTP receive alone (PUT read and dropped by a servlet): %.0f MB/s, %.2f of the copy%n",
                        receive, receive / copy);
                System.out.printf("upload (multipart POST):  %.0f MB/s, ratio %.2f (goal >= 0.70); %.2f of HTTP receive alone%n",
                        up, up / copy, up / receive);
                System.out.printf("upload (XEP-0363 PUT):    %.0f MB/s, ratio %.2f (goal >= 0.70); %.2f of HTTP receive alone%n",
                        put, put / copy, put / receive);
                System.out.printf("download (GET):           %.0f MB/s, ratio %.2f (goal >= 0.70)%n", down, down / copy);
                System.out.printf("live heap during upload: +%.1f MB over the %.1f MB before (at 25/50/75 %%: %s; goal < 16 MB)%n",
                        growth / MB, heapBefore / MB, heapDuring.stream().map(h -> String.format("%.1f", (h - heapBefore) / MB)).toList());
            }
        } finally {
            PathUtils.deleteDirectory(work);
        }
    }

    /**
     * Runs curl (a client in its own process, as in real use: the server's two cores are not shared with an HTTP client
     * in its JVM) and returns its output; fails on an HTTP error.
     */
    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body", "-H", "Expect:"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("curl failed: " + output);
        }
        return output;
    }

    private static String uuidOf(String json) {
        int at = json.indexOf("\"uuid\":\"") + 8;
        return json.substring(at, json.indexOf('"', at));
    }

    /** Uploads {@code file}; when {@code heap} is given, records the live heap at 25, 50 and 75 % of the body. */
    private static String upload(HttpClient client, RestHarnessStack stack, String token, Path file, List<Long> heap)
            throws Exception {
        Multipart body = new Multipart();
        HttpRequest.BodyPublisher publisher = heap == null ? body.file("file", "bench.bin", "application/octet-stream", file)
                : HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofByteArray(body.head("file", "bench.bin", "application/octet-stream")),
                        HttpRequest.BodyPublishers.ofInputStream(() -> probing(file, heap)),
                        HttpRequest.BodyPublishers.ofByteArray(body.tail()));
        HttpResponse<String> r = client.send(stack.http.request("/bench/files/chatfiles", token)
                .header("Content-Type", body.contentType()).POST(publisher).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("Upload failed: " + r.statusCode() + " " + r.body());
        }
        return uuidOf(r.body());
    }

    /** The file as a stream that collects garbage and reads the live heap as it passes each quarter. */
    private static InputStream probing(Path file, List<Long> heap) {
        try {
            long size = Files.size(file);
            return new FilterInputStream(Files.newInputStream(file)) {
                private long read;
                private int quarter = 1;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        read += n;
                        while (quarter < 4 && read >= size * quarter / 4) {
                            heap.add(liveHeap());
                            quarter++;
                        }
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long copyAndFlush(Path source, Path target) throws IOException {
        long start = System.nanoTime();
        Files.copy(source, target);
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        long elapsed = System.nanoTime() - start;
        Files.delete(target);
        return elapsed;
    }

    private static double rate(long bytes, long nanos) {
        return bytes / MB / (nanos / 1e9);
    }

    private static void writeRandom(Path file, long bytes) throws IOException {
        Random random = new Random(1);
        byte[] chunk = new byte[1024 * 1024];
        try (var out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
            }
        }
    }
}
