package io.imcloud.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Real HTTP to a running Openfire's HTTP-bind port, where imcloud's REST API answers under {@code /imcloud}. */
public final class RestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /** A client for {@code http://127.0.0.1:{port}}. */
    public RestClient(int port) {
        this("127.0.0.1", port);
    }

    /** A client for {@code http://{address}:{port}} (a cluster node listening on an address of its own). */
    public RestClient(String address, int port) {
        this.base = "http://" + address + ":" + port;
    }

    /** One answer: the HTTP status and the body read as JSON (null when it is not JSON). */
    public record Answer(int status, JsonNode json, String body) {
        /** The answer's JSON, after checking that the status is {@code expected}. */
        public JsonNode expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + body);
            }
            return json;
        }
    }

    /** {@code method path} with a JSON body (or none) and a bearer token (or none). */
    public Answer call(String method, String path, String bearerToken, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(method, path, body);
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return send(request);
    }

    /** A multipart upload of {@code bytes} as the file part {@code file} named {@code fileName}, with a bearer token. */
    public Answer upload(String path, String bearerToken, String fileName, byte[] bytes) throws IOException, InterruptedException {
        String boundary = "----imcloud-it-" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + bearerToken)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofByteArray(bytes), HttpRequest.BodyPublishers.ofByteArray(tail)));
        return send(request);
    }

    /** {@code method path} with HTTP Basic credentials, as the management API wants them. */
    public Answer callAsAdmin(String method, String path, String user, String password, Object body)
            throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return send(request(method, path, body).header("Authorization", "Basic " + basic));
    }

    private HttpRequest.Builder request(String method, String path, Object body) throws IOException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, publisher);
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        return builder;
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException notJson) {
            json = null;
        }
        return new Answer(response.statusCode(), json, response.body());
    }
}
