package io.imcloud.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * An app back-end's callback receiver: a real HTTP server (the JDK's) on a free port of 127.0.0.1 that records every
 * request and answers with the status {@link #answer} chooses for the n-th request (0-based), or never answers
 * ({@link #HANG}) until it is closed.
 */
public final class CallbackReceiver implements AutoCloseable {

    /** The answer "keep the connection open and say nothing". */
    public static final int HANG = -1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger seen = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile IntUnaryOperator answer;

    private CallbackReceiver(IntUnaryOperator answer) {
        this.answer = answer;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A receiver answering request n with {@code answer.applyAsInt(n)}: a status, or {@link #HANG}. */
    public static CallbackReceiver start(IntUnaryOperator answer) {
        return new CallbackReceiver(answer);
    }

    /** A receiver answering every request with {@code status}. */
    public static CallbackReceiver answering(int status) {
        return start(n -> status);
    }

    /** Answers from now on as {@code newAnswer} says. */
    public void answer(IntUnaryOperator newAnswer) {
        this.answer = newAnswer;
    }

    /** The URL to set as an app's callback URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/callbacks/offline";
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests answered with a 2xx status. */
    public List<Request> accepted() {
        return requests.stream().filter(r -> r.status() >= 200 && r.status() < 300).toList();
    }

    /** Waits up to {@code timeout} until {@code condition} holds for the requests; false when it still does not. */
    public boolean await(Predicate<List<Request>> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(List.copyOf(requests))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        int n = seen.getAndIncrement();
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = answer.applyAsInt(n);
            Map<String, List<String>> headers = Map.copyOf(exchange.getRequestHeaders());
            if (status == HANG) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body, HANG, arrived));
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body, status, arrived));
            exchange.sendResponseHeaders(status, -1);
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One request as received, the status it was answered with ({@link #HANG} for none), and when it arrived ({@link System#nanoTime()}). */
    public record Request(String method, String path, Map<String, List<String>> headers, byte[] body, int status, long arrivedNanos) {

        /** A header's first value (any letter case), or null. */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }

        /** The body as JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The callback's id. */
        public String callId() {
            return json().path("callId").asText();
        }
    }
}
