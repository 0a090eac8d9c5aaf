package io.imcloud.attachments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Function;

/** Walks frames that follow one another with nothing between (MP3, ADTS), each header giving its frame's length. */
final class FrameWalk {

    /** Frames in a row that make a stream believable: one header can match by chance in any file, three hardly. */
    static final int MIN_FRAMES = 3;

    /**
     * A frame's header.
     *
     * @param length     the frame's bytes, header included; positive
     * @param samples    the samples it decodes to
     * @param sampleRate samples per second
     * @param stream     the header's bits that stay the same from frame to frame within one stream
     */
    record Frame(int length, int samples, int sampleRate, int stream) {
    }

    /**
     * The frames walked.
     *
     * @param samples     their samples
     * @param sampleRate  the first frame's sample rate (all of them have it), 0 when there was none
     * @param trustworthy true when there were {@link #MIN_FRAMES} of them, or fewer filling the whole file
     */
    record Result(long samples, int sampleRate, boolean trustworthy) {
    }

    private FrameWalk() {
    }

    /**
     * Walks from {@code start} while {@code parser} recognises a header of the first frame's stream and the frame is
     * whole, at most {@code maxFrames} frames; the parser returns null for bytes that are no header.
     */
    static Result walk(FileWindow in, long start, int headerBytes, Function<ByteBuffer, Frame> parser, long maxFrames)
            throws IOException {
        long position = start;
        long frames = 0;
        long samples = 0;
        Frame first = null;
        while (frames < maxFrames) {
            ByteBuffer header = in.get(position, headerBytes);
            Frame frame = header == null ? null : parser.apply(header);
            if (frame == null || frame.length() > in.size() - position || first != null && frame.stream() != first.stream()) {
                break;
            }
            if (first == null) {
                first = frame;
            }
            frames++;
            samples += frame.samples();
            position += frame.length();
        }
        boolean filledFile = frames > 0 && (position == in.size() || Id3Tags.isV1At(in, position));
        return new Result(samples, first == null ? 0 : first.sampleRate(), frames >= MIN_FRAMES || filledFile);
    }
}
