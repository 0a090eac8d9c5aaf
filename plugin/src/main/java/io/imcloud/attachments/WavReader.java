package io.imcloud.attachments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

import static io.imcloud.attachments.FileWindow.fourCC;

/** RIFF/WAVE (not RF64): a "fmt " chunk giving the byte rate (of any format tag) and a "data" chunk holding the samples. */
final class WavReader {

    private static final int FMT = fourCC("fmt ");
    private static final int DATA = fourCC("data");
    private static final int FMT_BYTES = 16;

    private WavReader() {
    }

    static Optional<AudioInfo> read(FileWindow in) throws IOException {
        if (!in.startsWith(0, "RIFF") || !in.startsWith(8, "WAVE")) {
            return Optional.empty();
        }
        long byteRate = 0;
        long dataBytes = -1;
        long position = 12;
        ByteBuffer header;
        while ((byteRate == 0 || dataBytes < 0) && (header = in.get(position, 8)) != null) {
            int id = header.getInt(0);
            long size = Integer.toUnsignedLong(header.order(ByteOrder.LITTLE_ENDIAN).getInt(4));
            long body = position + 8;
            if (id == FMT) {
                byteRate = byteRate(in, body, size);
            } else if (id == DATA) {
                // A recorder that stopped early leaves the size it meant to write.
                dataBytes = Math.min(size, in.size() - body);
            }
            position = body + size + (size & 1); // chunks are padded to an even length
        }
        return Durations.info("wav", "audio/wav", dataBytes, byteRate);
    }

    /** The byte rate of the fmt chunk, or 0 when the chunk is too short or names no channel or sample rate. */
    private static long byteRate(FileWindow in, long body, long size) throws IOException {
        ByteBuffer fmt = size < FMT_BYTES ? null : in.get(body, FMT_BYTES);
        if (fmt == null) {
            return 0;
        }
        fmt.order(ByteOrder.LITTLE_ENDIAN);
        int channels = Short.toUnsignedInt(fmt.getShort(2));
        long sampleRate = Integer.toUnsignedLong(fmt.getInt(4));
        return channels > 0 && sampleRate > 0 ? Integer.toUnsignedLong(fmt.getInt(8)) : 0;
    }
}
