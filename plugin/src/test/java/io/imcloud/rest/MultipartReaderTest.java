package io.imcloud.rest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming multipart parser, with buffers small enough to split delimiters and headers across reads. */
class MultipartReaderTest {

    private static final String BOUNDARY = "----b0und4ry";

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /**
     * Content made to look like delimiters without being one (a sender picks a boundary its content does not hold):
     * CR LF with part of the boundary, "--boundary" without CR LF, a delimiter short of its last character.
     */
    private static byte[] trickyContent() {
        byte[] noise = new byte[5000];
        new Random(3).nextBytes(noise);
        return concat(body("\r\n--" + BOUNDARY.substring(0, 5) + "x\r\n-" + BOUNDARY + "x"), noise,
                body("--" + BOUNDARY + "\r\n-"), noise, body("\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64, 4096})
    void readsFieldsAndFilesWhateverTheChunkingAndBufferSize(int chunk) throws Exception {
        byte[] content = trickyContent();
        byte[] multipart = concat(body("preamble to ignore\r\n--" + BOUNDARY + "\r\n"
                        + "Content-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
                        + "--" + BOUNDARY + "  \r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\dir\\a \\\"b\\\" 文件.amr\"\r\n"
                        + "Content-Type: audio/amr\r\n\r\n"), content,
                body("\r\n--" + BOUNDARY + "--\r\nepilogue"));
        for (int buffer : new int[] {64, 300, 256 * 1024}) {
            MultipartReader reader = new MultipartReader(trickle(multipart, chunk), BOUNDARY, 1024, 8, buffer);
            MultipartReader.Part note = reader.next();
            assertEquals("note", note.name());
            assertTrue(note.isFormField());
            MultipartReader.Part file = reader.next();
            assertEquals("file", file.name());
            assertEquals("C:\\dir\\a \"b\" 文件.amr", file.fileName());
            assertEquals("audio/amr", file.contentType());
            assertArrayEquals(content, readAll(file.content(), chunk), "buffer " + buffer + ", chunk " + chunk);
            assertNull(reader.next());
            assertNull(reader.next());
        }
    }

    @Test
    void anUnreadPartIsSkippedAndAnEmptyPartIsEmpty() throws Exception {
        byte[] multipart = body("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nskip me\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"b\"; filename=\"e\"\r\n\r\n\r\n"
                + "--" + BOUNDARY + "--");
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(multipart), BOUNDARY, 1024, 8, 64);
        assertEquals("a", reader.next().name());
        MultipartReader.Part empty = reader.next();
        assertEquals("b", empty.name());
        assertEquals(-1, empty.content().read());
        assertNull(reader.next());
    }

    @Test
    void brokenBodiesAndExceededLimitsFail() {
        String part = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n";
        List<byte[]> broken = new ArrayList<>(List.of(
                body("no delimiter at all"),
                body(part + "content without an end"),
                body("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"\r\n"),
                body("--" + BOUNDARY + "garbage\r\n\r\nx\r\n--" + BOUNDARY + "--"),
                body("--" + BOUNDARY + "\r\nX-Long: " + "h".repeat(2000) + "\r\n\r\nx\r\n--" + BOUNDARY + "--")));
        for (byte[] b : broken) {
            assertThrows(MultipartReader.MalformedException.class, () -> {
                MultipartReader reader = new MultipartReader(new ByteArrayInputStream(b), BOUNDARY, 1024, 8, 128);
                MultipartReader.Part p;
                while ((p = reader.next()) != null) {
                    p.content().readAllBytes();
                }
            }, new String(b, StandardCharsets.UTF_8));
        }
        byte[] many = body((part + "x\r\n").repeat(9) + "--" + BOUNDARY + "--");
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(many), BOUNDARY, 1024, 8, 128);
        assertThrows(MultipartReader.MalformedException.class, () -> {
            while (reader.next() != null) {
                // the ninth part is refused
            }
        });
    }

    @Test
    void theBoundaryComesFromTheContentType() {
        assertEquals("abc", MultipartReader.boundaryOf("multipart/form-data; boundary=abc"));
        assertEquals("a b;c", MultipartReader.boundaryOf("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\""));
        assertNull(MultipartReader.boundaryOf("multipart/mixed; boundary=abc"));
        assertNull(MultipartReader.boundaryOf("application/json"));
        assertNull(MultipartReader.boundaryOf("multipart/form-data"));
        assertNull(MultipartReader.boundaryOf("multipart/form-data; boundary=" + "x".repeat(71)));
        assertNull(MultipartReader.boundaryOf(null));
    }

    private static InputStream trickle(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static byte[] readAll(InputStream in, int chunk) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[Math.max(1, chunk)];
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
