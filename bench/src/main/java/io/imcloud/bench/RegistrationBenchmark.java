package io.imcloud.bench;

import io.imcloud.rest.RestSettings;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.ScramUserDirectory;
import io.imcloud.testsupport.TestDatabase;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * REST user registrations per second over real HTTP (8 concurrent keep-alive clients, one user
 * per request, app token) against the limit measured in the same run: the same SCRAM-SHA-1 hashing plus one
 * INSERT ({@link ScramUserDirectory#create}) on 8 threads, without HTTP, tokens or our own row.
 * The two sides alternate in slices of {@value #SLICE} users (order flipped every slice), so that
 * the changing load of a shared machine hits both alike; rates are totals over all slices.
 * Target: ratio at least 0.8.
 * <p>
 * {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.RegistrationBenchmark}
 * <br>System properties: {@code bench.users} per side (default 4000),
 * {@code bench.db} (hsqldb; postgresql or mariadb with the IMCLOUD_TEST_*_URL variables set),
 * {@code bench.batch} users per REST request (default 1; at most 60, a divisor of {@value #SLICE}),
 * which shows how much of the gap is the cost of one HTTP request.
 */
public final class RegistrationBenchmark {

    private static final int CLIENTS = 8;
    private static final int WARM_UP_RAW = 400;
    private static final int WARM_UP_USERS = 2000;
    private static final int WARM_UP_GETS = 15_000;
    /** Users per measured slice; the two sides alternate slice by slice so machine load hits both alike. */
    private static final int SLICE = 100;

    private RegistrationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // HttpURLConnection keeps only 5 idle connections per server by default: make room for every client.
        System.setProperty("http.maxConnections", Integer.toString(CLIENTS * 2));
        int users = Integer.getInteger("bench.users", 4000);
        int batch = Integer.getInteger("bench.batch", 1);
        if (batch < 1 || batch > 60 || SLICE % batch != 0) {
            throw new IllegalArgumentException("bench.batch must be 1-60 and divide " + SLICE);
        }
        DatabaseType type = DatabaseType.fromName(System.getProperty("bench.db", "hsqldb"));
        List<Thread> clientThreads = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS, task -> {
            Thread t = new Thread(task, "bench-client");
            clientThreads.add(t);
            return t;
        });
        try (TestDatabase db = TestDatabase.create(type); RestHarnessStack stack = RestHarnessStack.start(db)) {
            // Rate limits out of the way: this measures throughput, not the flood guard.
            stack.settings.set(new RestSettings(64 * 1024, 3600, 86_400, 1e9, 1_000_000_000, 1e9, 1_000_000_000, false, java.util.Set.of(),
                    io.imcloud.rest.CorsOrigins.NONE));
            AppCredentials app = stack.createApp("bench", "reg", false);
            String token = stack.appToken(app);
            URL url = stack.http.uri("/bench/reg/users").toURL();
            ScramUserDirectory raw = stack.directory;

            // Warm-up until the JIT has compiled the HTTP, JSON and JDBC paths: it takes thousands of
            // requests, and compiling during the measurement would be charged to REST alone.
            run(pool, WARM_UP_RAW, i -> raw.create("warm#raw_u" + i, "password-" + i, "n"));
            run(pool, WARM_UP_USERS, i -> registerOverHttp(url, token, List.of("warm" + i)));
            URL someUser = stack.http.uri("/bench/reg/users/warm0").toURL();
            run(pool, WARM_UP_GETS, i -> get(someUser, token));

            long rawNanos = 0;
            long restNanos = 0;
            long rawCpu = 0;
            long restCpu = 0;
            long restClientCpu = 0;
            int slices = users / SLICE;
            double[] sliceRatios = new double[slices];
            for (int s = 0; s < slices; s++) {
                int first = s * SLICE;
                IntConsumer rawSlice = i -> raw.create("raw#bench_u" + (first + i), "password-" + i, "n");
                IntConsumer restSlice = request -> registerOverHttp(url, token, usernames("u", first + request * batch, batch));
                long rawTime;
                long restTime;
                long[] cpu = new long[3];
                if (s % 2 == 0) {
                    rawTime = measured(pool, SLICE, rawSlice, clientThreads, cpu, 0, -1);
                    restTime = measured(pool, SLICE / batch, restSlice, clientThreads, cpu, 1, 2);
                } else {
                    restTime = measured(pool, SLICE / batch, restSlice, clientThreads, cpu, 1, 2);
                    rawTime = measured(pool, SLICE, rawSlice, clientThreads, cpu, 0, -1);
                }
                rawCpu += cpu[0];
                restCpu += cpu[1];
                restClientCpu += cpu[2];
                rawNanos += rawTime;
                restNanos += restTime;
                sliceRatios[s] = (double) rawTime / restTime;
            }
            long registered = db.count("ofImUser");
            if (registered != WARM_UP_USERS + (long) slices * SLICE) {
                throw new IllegalStateException("Expected every REST registration to exist, found " + registered);
            }
            double rawRate = slices * SLICE / (rawNanos / 1e9);
            double restRate = slices * SLICE / (restNanos / 1e9);
            Arrays.sort(sliceRatios);
            System.out.printf(Locale.ROOT, "RegistrationBenchmark (%s, %d clients, %d users per side in alternating slices of %d,"
                            + " %d user(s) per REST request):%n", type.scriptName(), CLIENTS, slices * SLICE, SLICE, batch);
            System.out.printf(Locale.ROOT, "  limit: SCRAM-SHA-1 (4096 it.) + one INSERT, no HTTP: %.0f users/s%n", rawRate);
            System.out.printf(Locale.ROOT, "  REST POST /{org}/{app}/users over HTTP:             %.0f users/s%n", restRate);
            System.out.printf(Locale.ROOT, "  ratio %.2f (target >= 0.80); per slice: min %.2f, median %.2f, max %.2f%n",
                    restRate / rawRate, sliceRatios[0], sliceRatios[slices / 2], sliceRatios[slices - 1]);
            // CPU time per user does not depend on what else runs on the machine, unlike rates.
            int n = slices * SLICE;
            System.out.printf(Locale.ROOT, "  CPU per user: limit %.2f ms, REST %.2f ms (of which the HTTP clients %.2f ms);"
                            + " CPU ratio %.2f, server side only %.2f%n",
                    rawCpu / 1e6 / n, restCpu / 1e6 / n, restClientCpu / 1e6 / n,
                    (double) rawCpu / restCpu, (double) rawCpu / (restCpu - restClientCpu));
        } finally {
            pool.shutdown();
        }
    }

    /**
     * One registration with {@link HttpURLConnection} (blocking, keep-alive): the clients share the
     * server's two cores here, and this client costs far less CPU than {@code java.net.http}, so the
     * figure is closer to what the server does for clients on other machines.
     */
    private static void registerOverHttp(URL url, String token, List<String> usernames) {
        try {
            HttpURLConnection con = (HttpURLConnection) url.openConnection();
            con.setRequestMethod("POST");
            con.setDoOutput(true);
            con.setRequestProperty("Content-Type", "application/json");
            con.setRequestProperty("Authorization", "Bearer " + token);
            List<String> users = new ArrayList<>();
            for (String username : usernames) {
                users.add("{\"username\":\"" + username + "\",\"password\":\"password-" + username + "\",\"nickname\":\"n\"}");
            }
            String json = users.size() == 1 ? users.get(0) : "[" + String.join(",", users) + "]";
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            con.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = con.getOutputStream()) {
                out.write(body);
            }
            int status = con.getResponseCode();
            try (InputStream in = status == 200 ? con.getInputStream() : con.getErrorStream()) {
                String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (status != 200) {
                    throw new IllegalStateException("Registration failed: " + status + " " + answer);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> usernames(String prefix, int first, int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(prefix + (first + i));
        }
        return names;
    }

    private static void get(URL url, String token) {
        try {
            HttpURLConnection con = (HttpURLConnection) url.openConnection();
            con.setRequestProperty("Authorization", "Bearer " + token);
            try (InputStream in = con.getInputStream()) {
                in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs one slice ({@code tasks} calls of {@code slice}) and adds the process CPU time it took to {@code cpu[processSlot]} and the
     * client threads' CPU time to {@code cpu[clientSlot]} (unless -1); returns the wall time.
     */
    private static long measured(ExecutorService pool, int tasks, IntConsumer slice, List<Thread> clients, long[] cpu,
                                 int processSlot, int clientSlot) throws Exception {
        long process = processCpu();
        long client = threadsCpu(clients);
        long wall = run(pool, tasks, slice);
        cpu[processSlot] += processCpu() - process;
        if (clientSlot >= 0) {
            cpu[clientSlot] += threadsCpu(clients) - client;
        }
        return wall;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long threadsCpu(List<Thread> threads) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : threads) {
            sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
        }
        return sum;
    }

    /** Runs {@code task(0..n-1)} on the {@value #CLIENTS} threads of {@code pool}; returns the nanoseconds taken. */
    private static long run(ExecutorService pool, int n, IntConsumer task) throws Exception {
        List<Callable<Void>> workers = new ArrayList<>();
        for (int w = 0; w < CLIENTS; w++) {
            int first = w;
            workers.add(() -> {
                for (int i = first; i < n; i += CLIENTS) {
                    task.accept(i);
                }
                return null;
            });
        }
        long start = System.nanoTime();
        for (Future<Void> f : pool.invokeAll(workers)) {
            f.get();
        }
        return System.nanoTime() - start;
    }
}
