package io.imcloud.attachments;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a stored file is, from its bytes only: audio with its duration ({@link AudioProbe}), a raster image with its
 * dimensions ({@link ImageProbe}), or a plain file whose type is named for a few unambiguous signatures and is
 * {@code application/octet-stream} otherwise. A client's file name or claimed type is never consulted.
 */
final class MediaProbe {

    static final String OCTET_STREAM = "application/octet-stream";

    private MediaProbe() {
    }

    /** The kind, type and media facts of {@code file}. */
    static Media probe(Path file) throws IOException {
        Optional<AudioInfo> audio = AudioProbe.probe(file);
        if (audio.isPresent()) {
            return new Media(FileKind.AUDIO, audio.get().contentType(), audio.get().durationMillis(), 0, 0);
        }
        Optional<ImageProbe.ImageInfo> image = ImageProbe.probe(file);
        if (image.isPresent()) {
            return new Media(FileKind.IMAGE, image.get().contentType(), 0, image.get().width(), image.get().height());
        }
        return new Media(FileKind.FILE, plainType(file), 0, 0, 0);
    }

    private static String plainType(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(12);
        }
        if (startsWith(head, "%PDF-")) {
            return "application/pdf";
        }
        if (startsWith(head, "PK\u0003\u0004")) {
            return "application/zip";
        }
        if (head.length >= 12 && Arrays.equals(head, 4, 8, "ftyp".getBytes(StandardCharsets.US_ASCII), 0, 4)) {
            // an ISO media file AudioProbe did not take as audio: a video or a movie with pictures
            return "video/mp4";
        }
        return OCTET_STREAM;
    }

    private static boolean startsWith(byte[] head, String signature) {
        byte[] s = signature.getBytes(StandardCharsets.ISO_8859_1);
        return head.length >= s.length && Arrays.equals(head, 0, s.length, s, 0, s.length);
    }

    /** What the bytes say. */
    record Media(FileKind kind, String contentType, long durationMillis, int width, int height) {
    }
}
