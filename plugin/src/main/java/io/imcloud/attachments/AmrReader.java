package io.imcloud.attachments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * AMR-NB and AMR-WB in the storage format of RFC 4867 section 5: a magic line, then frames of 20 ms, each led by
 * a TOC byte whose frame type gives the frame's size (3GPP TS 26.101 and 26.201).
 */
final class AmrReader {

    /** Bytes of a frame, TOC byte included, by frame type; 0 for the types a storage file cannot hold. */
    private static final int[] NB_FRAME_BYTES = {13, 14, 16, 18, 20, 21, 27, 32, 6, 0, 0, 0, 0, 0, 0, 1};
    private static final int[] WB_FRAME_BYTES = {18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 0, 0, 0, 0, 1, 1};
    private static final int FRAMES_PER_SECOND = 50;

    private AmrReader() {
    }

    static Optional<AudioInfo> readNb(FileWindow in) throws IOException {
        return read(in, "#!AMR\n", NB_FRAME_BYTES, "amr", "audio/amr");
    }

    static Optional<AudioInfo> readWb(FileWindow in) throws IOException {
        return read(in, "#!AMR-WB\n", WB_FRAME_BYTES, "amr-wb", "audio/amr-wb");
    }

    private static Optional<AudioInfo> read(FileWindow in, String magic, int[] frameBytes, String format, String contentType)
            throws IOException {
        if (!in.startsWith(0, magic)) {
            return Optional.empty();
        }
        long frames = 0;
        long position = magic.length();
        ByteBuffer toc;
        while ((toc = in.get(position, 1)) != null) {
            int length = frameBytes[(toc.get(0) >> 3) & 0x0F];
            if (length == 0) {
                // Without its size no later frame can be found: the file is damaged or not AMR.
                return Optional.empty();
            }
            if (length > in.size() - position) {
                break; // a recording cut off in its last frame keeps the frames before
            }
            frames++;
            position += length;
        }
        return Durations.info(format, contentType, frames, FRAMES_PER_SECOND);
    }
}
