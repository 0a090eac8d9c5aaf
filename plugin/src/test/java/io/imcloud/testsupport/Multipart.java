package io.imcloud.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/** A {@code multipart/form-data} request body, built the way browsers and the Easemob SDKs send a file. */
public final class Multipart {

    private final String boundary = "----imcloud" + UUID.randomUUID();
    private final StringBuilder fields = new StringBuilder();

    /** Adds a plain form field before the file part. */
    public Multipart field(String name, String value) {
        fields.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(name)
                .append("\"\r\n\r\n").append(value).append("\r\n");
        return this;
    }

    /** The value of {@code Content-Type} for this body. */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The body with one file part named {@code part} holding {@code bytes}. */
    public HttpRequest.BodyPublisher file(String part, String fileName, String type, byte[] bytes) {
        return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head(part, fileName, type)),
                HttpRequest.BodyPublishers.ofByteArray(bytes), HttpRequest.BodyPublishers.ofByteArray(tail()));
    }

    /** The body with one file part named {@code part} streamed from {@code file}. */
    public HttpRequest.BodyPublisher file(String part, String fileName, String type, Path file) {
        try {
            return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head(part, fileName, type)),
                    HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofByteArray(tail()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body with form fields only. */
    public HttpRequest.BodyPublisher noFile() {
        return HttpRequest.BodyPublishers.ofByteArray((fields + "--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes before a file part's content (with the form fields), for bodies streamed in pieces. */
    public byte[] head(String part, String fileName, String type) {
        return (fields + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part + "\"; filename=\""
                + fileName + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes after a file part's content. */
    public byte[] tail() {
        return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
