package io.imcloud.attachments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/** AAC in ADTS frames (ISO/IEC 13818-7, 14496-3 annex 1.A), possibly after ID3v2 tags that the first frame follows directly. */
final class AdtsReader {

    private static final int HEADER_BYTES = 7;
    private static final int CRC_BYTES = 2;
    private static final int SAMPLES_PER_BLOCK = 1024;
    private static final int[] SAMPLE_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
            8000, 7350};

    private AdtsReader() {
    }

    static Optional<AudioInfo> read(FileWindow in) throws IOException {
        FrameWalk.Result walk = FrameWalk.walk(in, Id3Tags.skipV2(in), HEADER_BYTES, AdtsReader::frame, Long.MAX_VALUE);
        return walk.trustworthy() ? Durations.info("aac", "audio/aac", walk.samples(), walk.sampleRate()) : Optional.empty();
    }

    /** The frame of an ADTS header: syncword 0xFFF, layer 0, a listed sample rate, a length beyond the header. */
    private static FrameWalk.Frame frame(ByteBuffer h) {
        int b1 = h.get(1) & 0xFF;
        int b2 = h.get(2) & 0xFF;
        int b3 = h.get(3) & 0xFF;
        if ((h.get(0) & 0xFF) != 0xFF || (b1 & 0xF6) != 0xF0) {
            return null;
        }
        int rateIndex = (b2 >> 2) & 0x0F;
        int headerBytes = (b1 & 0x01) != 0 ? HEADER_BYTES : HEADER_BYTES + CRC_BYTES;
        int length = (b3 & 0x03) << 11 | (h.get(4) & 0xFF) << 3 | (h.get(5) & 0xFF) >> 5;
        if (rateIndex >= SAMPLE_RATES.length || length <= headerBytes) {
            return null;
        }
        int blocks = (h.get(6) & 0x03) + 1;
        // MPEG version, profile, sample rate and channels (the private bit may change).
        int stream = (b1 & 0x08) << 16 | (b2 & 0xFD) << 8 | b3 & 0xC0;
        return new FrameWalk.Frame(length, blocks * SAMPLES_PER_BLOCK, SAMPLE_RATES[rateIndex], stream);
    }
}
