package io.imcloud.rest;

import io.imcloud.i18n.ErrorText;
import io.imcloud.i18n.Localized;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578) as a stream of parts, each part's content itself a stream that
 * ends at the next delimiter: nothing is held in memory beyond one buffer, whatever the size. Written for chat file
 * uploads, where the parser's speed bounds the upload's: a general-purpose parser that hands out 4 KiB per read
 * reached a third of a plain disk copy; this one scans a large buffer for the delimiter's first byte and compares
 * the rest only there.
 * <p>
 * Limits: a part's headers at most {@code maxHeaderBytes}, at most {@code maxParts} parts; a body that breaks the
 * format (no delimiter, headers without end, a truncated part) fails with {@link MalformedException}.
 */
final class MultipartReader {

    /** The body breaks the multipart format or a limit: an I/O failure of the body, described for its sender. */
    static final class MalformedException extends IOException {

        private final transient Localized description;

        MalformedException(ErrorText text, Object... arguments) {
            this(Localized.of(text, arguments));
        }

        private MalformedException(Localized description) {
            super(description.toString());
            this.description = description;
        }

        /** What is wrong with the body, in any language. */
        Localized description() {
            return description;
        }
    }

    /** One part: its headers' values and its content, readable until the next delimiter. */
    record Part(String name, String fileName, String contentType, InputStream content) {

        /** True for a plain form field (no file name). */
        boolean isFormField() {
            return fileName == null;
        }
    }

    private static final int DEFAULT_BUFFER = 256 * 1024;
    private static final byte CR = '\r';
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

    private final InputStream in;
    /** CRLF "--" boundary: what ends every part's content. */
    private final byte[] delimiter;
    private final byte[] buffer;
    private final int maxHeaderBytes;
    private final int maxParts;
    private int pos;
    private int limit;
    private boolean eof;
    private int parts;
    private boolean finished;
    private ContentStream current;

    /**
     * @param boundary the {@code boundary} parameter of the request's content type
     */
    MultipartReader(InputStream in, String boundary, int maxHeaderBytes, int maxParts) {
        this(in, boundary, maxHeaderBytes, maxParts, DEFAULT_BUFFER);
    }

    /** With a buffer of {@code bufferSize} bytes (tests use small ones to split delimiters across reads). */
    MultipartReader(InputStream in, String boundary, int maxHeaderBytes, int maxParts, int bufferSize) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.buffer = new byte[Math.max(bufferSize, delimiter.length + maxHeaderBytes + 4)];
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxParts = maxParts;
        // The first delimiter has no CRLF before it: pretend there was one, so that every delimiter looks alike.
        buffer[0] = '\r';
        buffer[1] = '\n';
        limit = 2;
    }

    /**
     * The boundary named by a {@code Content-Type} header, or null when it is not {@code multipart/form-data} with
     * a boundary of 1-70 characters.
     */
    static String boundaryOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] pieces = contentType.split(";");
        if (!pieces[0].trim().equalsIgnoreCase("multipart/form-data")) {
            return null;
        }
        Map<String, String> params = parameters(contentType.substring(pieces[0].length()));
        String boundary = params.get("boundary");
        return boundary != null && !boundary.isEmpty() && boundary.length() <= 70 ? boundary : null;
    }

    /** The next part, or null after the last one; the previous part's content is skipped if it was not read. */
    Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current != null) {
            current.skipRest();
        } else if (!skipTo(delimiter)) {
            throw new MalformedException(ErrorText.MULTIPART_NO_DELIMITER);
        }
        // after a delimiter: "--" ends the body, CRLF starts a part (transport padding before it is allowed)
        if (!fill(2)) {
            throw new MalformedException(ErrorText.MULTIPART_ENDS_AFTER_DELIMITER);
        }
        if (buffer[pos] == '-' && buffer[pos + 1] == '-') {
            finished = true;
            return null;
        }
        Map<String, String> headers = readHeaders();
        if (++parts > maxParts) {
            throw new MalformedException(ErrorText.MULTIPART_TOO_MANY_PARTS, maxParts);
        }
        Map<String, String> disposition = parameters(headers.getOrDefault("content-disposition", ""));
        current = new ContentStream();
        return new Part(disposition.get("name"), disposition.get("filename"), headers.get("content-type"), current);
    }

    /** Reads the rest of the delimiter line and the part's header lines up to the empty line. */
    private Map<String, String> readHeaders() throws IOException {
        int start = pos;
        int end;
        while ((end = indexOf(HEADERS_END, start)) < 0) {
            if (limit - pos > maxHeaderBytes) {
                throw new MalformedException(ErrorText.MULTIPART_HEADERS_TOO_LONG, maxHeaderBytes);
            }
            int kept = limit - pos;
            if (!fill(kept + 1)) {
                throw new MalformedException(ErrorText.MULTIPART_ENDS_IN_HEADERS);
            }
            start = pos + Math.max(0, kept - 3);
        }
        if (end - pos > maxHeaderBytes) {
            throw new MalformedException(ErrorText.MULTIPART_HEADERS_TOO_LONG, maxHeaderBytes);
        }
        String text = new String(buffer, pos, end - pos, StandardCharsets.UTF_8);
        pos = end + 4;
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = text.split("\r\n", -1);
        // lines[0] is what followed the delimiter on its line: transport padding only
        if (!lines[0].isBlank()) {
            throw new MalformedException(ErrorText.MULTIPART_TEXT_AFTER_DELIMITER);
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** Skips everything up to and including the next {@code pattern}; false when the body ends first. */
    private boolean skipTo(byte[] pattern) throws IOException {
        while (true) {
            int at = indexOf(pattern, pos);
            if (at >= 0) {
                pos = at + pattern.length;
                return true;
            }
            pos = Math.max(pos, limit - pattern.length + 1);
            if (!fill(limit - pos + 1)) {
                return false;
            }
        }
    }

    /** The first index in {@code [from, to)} holding CR, or -1. */
    private static int nextCr(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == CR) {
                return i;
            }
        }
        return -1;
    }

    /** The first index from {@code from} where {@code pattern} starts within the buffered bytes, or -1. */
    private int indexOf(byte[] pattern, int from) {
        byte first = pattern[0];
        int last = limit - pattern.length;
        for (int i = from; i <= last; i++) {
            if (buffer[i] == first && Arrays.equals(buffer, i + 1, i + pattern.length, pattern, 1, pattern.length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Makes at least {@code wanted} bytes available from {@code pos} (moving what is left to the front and reading
     * more); false when the body ends before.
     */
    private boolean fill(int wanted) throws IOException {
        if (limit - pos >= wanted) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        while (limit < wanted && !eof) {
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
        }
        return limit - pos >= wanted;
    }

    /** A part's content: the bytes up to the next delimiter, which it leaves for {@link #next()}. */
    private final class ContentStream extends InputStream {

        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int off, int len) throws IOException {
            if (ended || current != this) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int safe = safeBytes(len);
                if (safe > 0) {
                    int n = Math.min(len, safe);
                    System.arraycopy(buffer, pos, target, off, n);
                    pos += n;
                    return n;
                }
                if (startsWithDelimiter()) {
                    pos += delimiter.length;
                    ended = true;
                    return -1;
                }
                if (!fill(delimiter.length)) {
                    throw new MalformedException(ErrorText.MULTIPART_ENDS_IN_PART);
                }
            }
        }

        /**
         * How many of the next {@code wanted} buffered bytes surely belong to the content: those before a delimiter
         * that starts among them, or before bytes at the end of the buffer that could begin one.
         */
        private int safeBytes(int wanted) {
            // locals: the scan is the parser's hot loop, and the JIT keeps them in registers
            byte[] buf = buffer;
            byte[] delim = delimiter;
            int from = pos;
            int filled = limit;
            int end = (int) Math.min(filled, (long) from + wanted + delim.length - 1);
            for (int i = nextCr(buf, from, end - delim.length + 1); i >= 0; i = nextCr(buf, i + 1, end - delim.length + 1)) {
                if (Arrays.equals(buf, i + 1, i + delim.length, delim, 1, delim.length)) {
                    return i - from;
                }
            }
            if (end < filled) {
                return wanted;
            }
            for (int i = nextCr(buf, Math.max(from, filled - delim.length + 1), filled); i >= 0; i = nextCr(buf, i + 1, filled)) {
                if (Arrays.equals(buf, i + 1, filled, delim, 1, filled - i)) {
                    return i - from;
                }
            }
            return filled - from;
        }

        private boolean startsWithDelimiter() {
            return limit - pos >= delimiter.length
                    && Arrays.equals(buffer, pos, pos + delimiter.length, delimiter, 0, delimiter.length);
        }

        void skipRest() throws IOException {
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // drop it
            }
        }
    }

    /** The {@code ;}-separated {@code key=value} parameters of a header value, keys lower case, quotes removed. */
    static Map<String, String> parameters(String value) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            int semicolon = value.indexOf(';', i);
            int eq = value.indexOf('=', i);
            if (eq < 0 || (semicolon >= 0 && semicolon < eq)) {
                i = semicolon < 0 ? n : semicolon + 1;
                continue;
            }
            String key = value.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            int j = eq + 1;
            while (j < n && value.charAt(j) == ' ') {
                j++;
            }
            StringBuilder v = new StringBuilder();
            if (j < n && value.charAt(j) == '"') {
                j++;
                while (j < n && value.charAt(j) != '"') {
                    char c = value.charAt(j);
                    // a browser escapes only the quote; a lone backslash (a Windows path) stays as it is
                    if (c == '\\' && j + 1 < n && value.charAt(j + 1) == '"') {
                        c = '"';
                        j++;
                    }
                    v.append(c);
                    j++;
                }
                int next = value.indexOf(';', j);
                i = next < 0 ? n : next + 1;
            } else {
                int end = value.indexOf(';', j);
                v.append(value, j, end < 0 ? n : end);
                i = end < 0 ? n : end + 1;
            }
            params.putIfAbsent(key, v.toString().trim());
        }
        return params;
    }
}
