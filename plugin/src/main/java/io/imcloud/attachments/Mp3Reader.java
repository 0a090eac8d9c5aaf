package io.imcloud.attachments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

import static io.imcloud.attachments.FileWindow.fourCC;

/**
 * MPEG-1, 2 and 2.5 Layer III, possibly after ID3v2 tags; the first frame must follow them directly. The frame count
 * of a Xing/Info or VBRI header in the first frame gives the duration; without one the frames are walked and counted.
 * Free-format streams (no bit rate in the header) are not read.
 */
final class Mp3Reader {

    private static final int HEADER_BYTES = 4;
    private static final int XING = fourCC("Xing");
    private static final int INFO = fourCC("Info");
    private static final int VBRI = fourCC("VBRI");
    /** VBRI stands at a fixed place: after the header and 32 bytes, whatever the side information's length. */
    private static final int VBRI_OFFSET = HEADER_BYTES + 32;
    private static final int VERSION_1 = 3;
    private static final int VERSION_RESERVED = 1;
    private static final int LAYER_3 = 1;
    private static final int[] KBPS_V1 = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0};
    private static final int[] KBPS_V2 = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0};
    private static final int[] MPEG1_RATES = {44100, 48000, 32000};

    private Mp3Reader() {
    }

    static Optional<AudioInfo> read(FileWindow in) throws IOException {
        long start = Id3Tags.skipV2(in);
        ByteBuffer header = in.get(start, HEADER_BYTES);
        FrameWalk.Frame first = header == null ? null : frame(header);
        if (first == null) {
            return Optional.empty();
        }
        long declared = declaredFrames(in, start, first);
        // With a declared count, the first frames are walked only to see that this is an MP3 stream at all.
        FrameWalk.Result walk = FrameWalk.walk(in, start, HEADER_BYTES, Mp3Reader::frame,
                declared > 0 ? FrameWalk.MIN_FRAMES : Long.MAX_VALUE);
        if (!walk.trustworthy()) {
            return Optional.empty();
        }
        long samples;
        if (declared > 0) {
            samples = declared * first.samples();
        } else {
            samples = walk.samples() - (declared == 0 ? first.samples() : 0); // an info frame holds no audio
        }
        return Durations.info("mp3", "audio/mpeg", samples, walk.sampleRate());
    }

    /**
     * The frame count of the first frame's Xing/Info or VBRI header; 0 for a header without a count, -1 when the
     * first frame is an audio frame.
     */
    private static long declaredFrames(FileWindow in, long start, FrameWalk.Frame first) throws IOException {
        ByteBuffer header = in.get(start, HEADER_BYTES);
        boolean version1 = ((header.get(1) >> 3) & 0x03) == VERSION_1;
        boolean mono = (header.get(3) & 0xC0) == 0xC0;
        int sideInfo = version1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int xingOffset = HEADER_BYTES + sideInfo;
        ByteBuffer xing = xingOffset + 12 > first.length() ? null : in.get(start + xingOffset, 12);
        if (xing != null && (xing.getInt(0) == XING || xing.getInt(0) == INFO)) {
            boolean counted = (xing.getInt(4) & 0x01) != 0;
            return counted ? Integer.toUnsignedLong(xing.getInt(8)) : 0;
        }
        ByteBuffer vbri = VBRI_OFFSET + 18 > first.length() ? null : in.get(start + VBRI_OFFSET, 18);
        if (vbri != null && vbri.getInt(0) == VBRI) {
            return Integer.toUnsignedLong(vbri.getInt(14));
        }
        return -1;
    }

    /** The frame of a Layer III header with a listed bit rate (free format has none) and sample rate. */
    private static FrameWalk.Frame frame(ByteBuffer h) {
        int b1 = h.get(1) & 0xFF;
        int b2 = h.get(2) & 0xFF;
        if ((h.get(0) & 0xFF) != 0xFF || (b1 & 0xE0) != 0xE0) {
            return null;
        }
        int version = (b1 >> 3) & 0x03;
        int layer = (b1 >> 1) & 0x03;
        int bitrateIndex = b2 >> 4;
        int rateIndex = (b2 >> 2) & 0x03;
        if (version == VERSION_RESERVED || layer != LAYER_3 || rateIndex >= MPEG1_RATES.length) {
            return null;
        }
        boolean version1 = version == VERSION_1;
        int kbps = (version1 ? KBPS_V1 : KBPS_V2)[bitrateIndex];
        if (kbps == 0) {
            return null;
        }
        // MPEG-2 halves the MPEG-1 rates, MPEG-2.5 (version 0) quarters them.
        int sampleRate = MPEG1_RATES[rateIndex] >> (version1 ? 0 : version == 2 ? 1 : 2);
        int samples = version1 ? 1152 : 576;
        int length = samples / 8 * kbps * 1000 / sampleRate + ((b2 >> 1) & 0x01);
        return new FrameWalk.Frame(length, samples, sampleRate, (b1 & 0x1E) << 8 | b2 & 0x0C);
    }
}
