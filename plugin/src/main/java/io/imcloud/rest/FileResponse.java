package io.imcloud.rest;

import org.apache.commons.io.IOUtils;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a stored, never-changing file: {@code ETag} and {@code Last-Modified} with their conditional requests
 * ({@code If-None-Match}, {@code If-Modified-Since}, {@code If-Range}), one byte range ({@code Range}, which players
 * use to seek; several ranges get the whole file, as RFC 9110 allows), {@code HEAD}, and headers that stop a browser
 * from running what it downloads: {@code X-Content-Type-Options: nosniff}, a sandboxing content security policy, and
 * {@code Content-Disposition: attachment} for anything that is not audio or a raster image.
 */
final class FileResponse {

    private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");
    private static final Pattern INLINE_TYPES = Pattern.compile("audio/[a-z0-9.+-]+|image/(jpeg|png|gif|bmp)");

    /**
     * What to send.
     *
     * @param path         the bytes
     * @param size         their length
     * @param contentType  from the bytes, never from a client
     * @param etag         a strong entity tag, quoted
     * @param lastModified epoch milliseconds
     * @param fileName     display name for {@code Content-Disposition}, or null
     * @param restricted   whether the file needs a secret (then no shared cache may keep it)
     */
    record Content(Path path, long size, String contentType, String etag, long lastModified, String fileName,
                   boolean restricted) {
    }

    private FileResponse() {
    }

    /** Answers {@code request} with {@code content}, honouring its conditions and range. */
    static void send(HttpServletRequest request, HttpServletResponse response, Content content) throws IOException {
        response.setHeader("ETag", content.etag());
        response.setDateHeader("Last-Modified", content.lastModified());
        response.setHeader("Accept-Ranges", "bytes");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
        response.setHeader("Cache-Control", content.restricted() ? "private, max-age=86400" : "public, max-age=86400");
        // one URL, the image or its thumbnail by a header; a restricted file only with its secret or the app's token
        response.addHeader("Vary", content.restricted() ? "thumbnail, share-secret, Authorization" : "thumbnail");
        response.setHeader("Content-Disposition", disposition(content));
        if (notModified(request, content)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setContentType(content.contentType());
        long start = 0;
        long length = content.size();
        // RFC 9110 defines Range for GET only: a HEAD is told of the whole file
        String range = "GET".equals(request.getMethod()) ? request.getHeader("Range") : null;
        if (range != null && rangeApplies(request, content)) {
            long[] span = span(range, content.size());
            if (span == null) {
                response.setStatus(HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE);
                response.setHeader("Content-Range", "bytes */" + content.size());
                response.setContentLength(0);
                return;
            }
            if (span.length == 2) {
                start = span[0];
                length = span[1] - span[0] + 1;
                response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
                response.setHeader("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + content.size());
            }
        }
        response.setContentLengthLong(length);
        if ("HEAD".equals(request.getMethod())) {
            return;
        }
        try (FileChannel channel = FileChannel.open(content.path())) {
            channel.position(start);
            InputStream in = Channels.newInputStream(channel);
            OutputStream out = response.getOutputStream();
            IOUtils.copyLarge(in, out, 0, length, new byte[64 * 1024]);
        }
    }

    private static boolean notModified(HttpServletRequest request, Content content) {
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null) {
            return matches(ifNoneMatch, content.etag());
        }
        long since = dateHeader(request, "If-Modified-Since");
        // HTTP dates have whole seconds
        return since >= 0 && content.lastModified() / 1000 <= since / 1000;
    }

    /** A range is served unless {@code If-Range} names another version (a tag or a date that does not match). */
    private static boolean rangeApplies(HttpServletRequest request, Content content) {
        String ifRange = request.getHeader("If-Range");
        if (ifRange == null) {
            return true;
        }
        if (ifRange.startsWith("\"") || ifRange.startsWith("W/")) {
            return ifRange.equals(content.etag());
        }
        long date = dateHeader(request, "If-Range");
        return date >= 0 && content.lastModified() / 1000 == date / 1000;
    }

    private static long dateHeader(HttpServletRequest request, String name) {
        try {
            return request.getDateHeader(name);
        } catch (IllegalArgumentException notADate) {
            return -1;
        }
    }

    private static boolean matches(String tags, String etag) {
        for (String tag : tags.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first and last byte of a single range; an empty array for a header we do not apply (several ranges,
     * another unit: the whole file is sent); null when the range cannot be satisfied.
     */
    private static long[] span(String header, long size) {
        Matcher m = SINGLE_RANGE.matcher(header.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return new long[0];
        }
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            return suffix == 0 || size == 0 ? null : new long[] {Math.max(0, size - suffix), size - 1};
        }
        long first = Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        if (first >= size || last < first) {
            return null;
        }
        return new long[] {first, last};
    }

    /** Inline only for types a browser shows without running anything; the name as RFC 6266 carries it. */
    static String disposition(Content content) {
        String type = INLINE_TYPES.matcher(content.contentType()).matches() ? "inline" : "attachment";
        if (content.fileName() == null) {
            return type;
        }
        StringBuilder ascii = new StringBuilder();
        content.fileName().codePoints().forEach(cp ->
                ascii.append(cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' && cp != ';' ? (char) cp : '_'));
        String encoded = URLEncoder.encode(content.fileName(), StandardCharsets.UTF_8).replace("+", "%20");
        return type + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
