package io.imcloud.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.ee8.servlet.ServletContextHandler;
import org.eclipse.jetty.ee8.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

import javax.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Hosts a servlet on an embedded Jetty 12 {@code ee8} (the Jetty of Openfire 5.x) on a free
 * loopback port under context {@code /imcloud}, mapped to {@code /*} as the plugin maps it, and
 * talks to it over real HTTP with {@link HttpClient}.
 */
public final class RestHarness implements AutoCloseable {

    /** The context path the plugin uses by default. */
    public static final String CONTEXT = "/imcloud";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    private RestHarness(Server server, URI base) {
        this.server = server;
        this.base = base;
    }

    /** Starts Jetty on 127.0.0.1 with {@code servlet} at {@code /imcloud/*}. */
    public static RestHarness start(HttpServlet servlet) {
        return start(servlet, "127.0.0.1");
    }

    /** Starts Jetty listening on {@code bindHost} (e.g. 0.0.0.0 to test non-loopback callers); requests still go to 127.0.0.1. */
    public static RestHarness start(HttpServlet servlet, String bindHost) {
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath(CONTEXT);
        context.addServlet(new ServletHolder(servlet), "/*");
        Server server = TestJetty.start(bindHost, context.get());
        return new RestHarness(server, URI.create("http://127.0.0.1:" + TestJetty.port(server) + CONTEXT));
    }

    /** The absolute URI of {@code path} (which starts with {@code /}, below the context). */
    public URI uri(String path) {
        return URI.create(base + path);
    }

    /** The URI of {@code path} reached through another local address (IPv4 literal) of this host. */
    public URI uriVia(String address, String path) {
        return URI.create("http://" + address + ":" + base.getPort() + CONTEXT + path);
    }

    /** GET with an optional bearer token. */
    public Response get(String path, String bearer) {
        return send(request(path, bearer).GET());
    }

    /** DELETE with an optional bearer token. */
    public Response delete(String path, String bearer) {
        return send(request(path, bearer).DELETE());
    }

    /** POST of {@code json} (a String as it is, anything else serialised by Jackson) as application/json. */
    public Response post(String path, String bearer, Object json) {
        return send(jsonRequest(path, bearer).POST(body(json)));
    }

    /** PUT of {@code json} as application/json. */
    public Response put(String path, String bearer, Object json) {
        return send(jsonRequest(path, bearer).PUT(body(json)));
    }

    /** A request builder for {@code path} with {@code Authorization: Bearer} when {@code bearer} is not null. */
    public HttpRequest.Builder request(String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    /** The value of an {@code Authorization: Basic} header for {@code user} and {@code password}. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends any request, e.g. one built with {@link #request} and custom headers. */
    public Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r = client.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a request and keeps the body as bytes (file downloads). */
    public BytesResponse sendForBytes(HttpRequest.Builder builder) {
        try {
            HttpResponse<byte[]> r = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new BytesResponse(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder jsonRequest(String path, String bearer) {
        return request(path, bearer).header("Content-Type", "application/json");
    }

    private static HttpRequest.BodyPublisher body(Object json) {
        try {
            String text = json instanceof String s ? s : JSON.writeValueAsString(json);
            return HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops Jetty. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop Jetty", e);
        }
    }

    /** An HTTP answer with a binary body. */
    public record BytesResponse(int status, HttpHeaders headers, byte[] body) {

        /** A header's first value, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " (" + body.length + " bytes) " + headers.map();
        }
    }

    /** An HTTP answer: status, headers and the body, parsed as JSON on demand. */
    public record Response(int status, HttpHeaders headers, String body) {

        /** The body as JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("Not JSON (" + status + "): " + body, e);
            }
        }

        /** The {@code error} code of an error answer. */
        public String error() {
            return json().path("error").asText(null);
        }

        /** A header's first value, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
