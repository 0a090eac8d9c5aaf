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
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * REST user registrations per second over real HTTP (8 concurrent keep-alive clients, one user
 * per request, app token) against the limit measured in the same run: the same SCRAM-SHA-1 hashing plus one
 * INSERT ({@link ScramUserDirectory#create}) on 8 threads, without HTTP, tokens or our own row.
 * Each round measures both, back to back and in alternating order, so that the load of a shared
 * machine hits both alike; the figures printed are the medians over the rounds (rates and ratio).
 * Target: ratio at least 0.8.
 * <p>
 * {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.RegistrationBenchmark}
 * <br>System properties: {@code bench.users} per round and side (default 400), {@code bench.rounds} (7),
 * {@code bench.db} (hsqldb; postgresql or mariadb with the IMCLOUD_TEST_*_URL variables set).
 */
public final class RegistrationBenchmark {

    private static final int CLIENTS = 8;
    private static final int WARM_UP_GETS = 15_000;

    private RegistrationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // HttpURLConnection keeps only 5 idle connections per server by default: make room for every client.
        System.setProperty("http.maxConnections", Integer.toString(CLIENTS * 2));
        int users = Integer.getInteger("bench.users", 400);
        int rounds = Integer.getInteger("bench.rounds", 7);
        DatabaseType type = DatabaseType.fromName(System.getProperty("bench.db", "hsqldb"));
        try (TestDatabase db = TestDatabase.create(type); RestHarnessStack stack = RestHarnessStack.start(db)) {
            // Rate limits out of the way: this measures throughput, not the flood guard.
            stack.settings.set(new RestSettings(64 * 1024, 3600, 86_400, 1e9, 1_000_000_000, 1e9, 1_000_000_000, false));
            AppCredentials app = stack.createApp("bench", "reg", false);
            String token = stack.appToken(app);
            URL url = stack.http.uri("/bench/reg/users").toURL();
            ScramUserDirectory raw = stack.directory;

            // Warm-up until the JIT has compiled the HTTP, JSON and JDBC paths (that takes some
            // ten thousand requests; cheap GETs get there without hashing), then both sides.
            runRound(users / 2, i -> raw.create("warm#raw_u" + i, "password-" + i, "n"));
            runRound(users, i -> registerOverHttp(url, token, "warm" + i));
            URL someUser = stack.http.uri("/bench/reg/users/warm0").toURL();
            runRound(WARM_UP_GETS, i -> get(someUser, token));

            double[] rawRates = new double[rounds];
            double[] restRates = new double[rounds];
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                String prefix = "r" + r + "u";
                String node = "raw#r" + r + "_u";
                if (r % 2 == 0) {
                    rawRates[r] = runRound(users, i -> raw.create(node + i, "password-" + i, "n"));
                    restRates[r] = runRound(users, i -> registerOverHttp(url, token, prefix + i));
                } else {
                    restRates[r] = runRound(users, i -> registerOverHttp(url, token, prefix + i));
                    rawRates[r] = runRound(users, i -> raw.create(node + i, "password-" + i, "n"));
                }
                ratios[r] = restRates[r] / rawRates[r];
                System.out.printf(Locale.ROOT, "round %d: raw SCRAM+insert %.0f/s, REST %.0f/s, ratio %.2f%n",
                        r + 1, rawRates[r], restRates[r], ratios[r]);
            }
            long registered = db.count("ofImUser");
            if (registered != (long) users + (long) users * rounds) {
                throw new IllegalStateException("Expected every REST registration to exist, found " + registered);
            }
            System.out.printf(Locale.ROOT, "RegistrationBenchmark (%s, %d clients, %d users per round and side, median of %d rounds):%n",
                    type.scriptName(), CLIENTS, users, rounds);
            System.out.printf(Locale.ROOT, "  limit: SCRAM-SHA-1 (4096 it.) + one INSERT, no HTTP: %.0f users/s%n", median(rawRates));
            System.out.printf(Locale.ROOT, "  REST POST /{org}/{app}/users over HTTP:             %.0f users/s%n", median(restRates));
            System.out.printf(Locale.ROOT, "  ratio %.2f (target >= 0.80)%n", median(ratios));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * One registration with {@link HttpURLConnection} (blocking, keep-alive): the clients share the
     * server's two cores here, and this client costs far less CPU than {@code java.net.http}, so the
     * figure is closer to what the server does for clients on other machines.
     */
    private static void registerOverHttp(URL url, String token, String username) {
        try {
            HttpURLConnection con = (HttpURLConnection) url.openConnection();
            con.setRequestMethod("POST");
            con.setDoOutput(true);
            con.setRequestProperty("Content-Type", "application/json");
            con.setRequestProperty("Authorization", "Bearer " + token);
            byte[] body = ("{\"username\":\"" + username + "\",\"password\":\"password-" + username
                    + "\",\"nickname\":\"n\"}").getBytes(StandardCharsets.UTF_8);
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

    /** Runs {@code task(0..n-1)} on {@value #CLIENTS} threads; returns tasks per second. */
    private static double runRound(int n, IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
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
            return n / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }
}
