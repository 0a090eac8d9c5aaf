package io.imcloud.attachments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

import static io.imcloud.attachments.FileWindow.fourCC;

/**
 * Ogg files (RFC 3533) whose first logical stream is Opus (RFC 7845) or Vorbis. Pages are walked from the start by
 * their headers, their bodies skipped (their CRCs are not checked), up to the end or to the first page that is cut
 * short or damaged. The duration is the granule position of the last page of that stream walked, less Opus's
 * pre-skip, in samples of the stream's rate; only the first stream counts, even when others of audio follow it.
 */
final class OggReader {

    private static final int CAPTURE = fourCC("OggS");
    private static final int PAGE_HEADER_BYTES = 27;
    private static final int BEGINNING_OF_STREAM = 0x02;
    private static final int OPUS_HEAD_BYTES = 19;
    private static final int OPUS_RATE = 48000;
    private static final int VORBIS_ID_BYTES = 30;

    private OggReader() {
    }

    /** A page's header fields and where its body starts and it ends (within the file). */
    private record Page(int flags, long granule, int serial, long body, long end) {

        /** The page at {@code position}, or null when there is none or it is cut short. */
        static Page at(FileWindow in, long position) throws IOException {
            ByteBuffer header = in.get(position, PAGE_HEADER_BYTES);
            if (header == null || header.getInt(0) != CAPTURE || header.get(4) != 0) {
                return null;
            }
            header.order(ByteOrder.LITTLE_ENDIAN);
            int flags = header.get(5);
            long granule = header.getLong(6);
            int serial = header.getInt(14);
            int segments = header.get(26) & 0xFF;
            ByteBuffer lacing = in.get(position + PAGE_HEADER_BYTES, segments);
            if (lacing == null) {
                return null;
            }
            long bodyBytes = 0;
            for (int i = 0; i < segments; i++) {
                bodyBytes += lacing.get(i) & 0xFF;
            }
            long body = position + PAGE_HEADER_BYTES + segments;
            return bodyBytes > in.size() - body ? null : new Page(flags, granule, serial, body, body + bodyBytes);
        }

        boolean beginsStream() {
            return (flags & BEGINNING_OF_STREAM) != 0;
        }
    }

    /** What the identification header of a stream tells: the format, samples to drop at the start, samples per second. */
    private record Stream(String format, int preSkip, long sampleRate) {
    }

    static Optional<AudioInfo> read(FileWindow in) throws IOException {
        Page first = Page.at(in, 0);
        Stream stream = first == null || !first.beginsStream() ? null : identify(in, first);
        if (stream == null) {
            return Optional.empty();
        }
        long lastGranule = -1;
        for (Page page = first; page != null; page = Page.at(in, page.end())) {
            if (page.serial() == first.serial()) {
                // -1 marks a page on which no packet ends; other negative values are damage, and end nothing either.
                lastGranule = page.granule() >= 0 ? page.granule() : lastGranule;
            } else if (page.beginsStream() && identify(in, page) == null) {
                return Optional.empty(); // a stream that is no audio, such as Theora video
            }
        }
        return lastGranule < 0 ? Optional.empty()
                : Durations.info(stream.format(), "audio/ogg", lastGranule - stream.preSkip(), stream.sampleRate());
    }

    /** The stream whose identification header opens {@code page}, or null when it is neither Opus nor Vorbis. */
    private static Stream identify(FileWindow in, Page page) throws IOException {
        long bodyBytes = page.end() - page.body();
        if (bodyBytes >= OPUS_HEAD_BYTES && in.startsWith(page.body(), "OpusHead")) {
            ByteBuffer head = in.get(page.body(), OPUS_HEAD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            // The major version (high nibble) is 0 for every version a reader of version 1 understands.
            boolean understood = (head.get(8) & 0xF0) == 0 && head.get(9) != 0;
            return understood ? new Stream("ogg-opus", Short.toUnsignedInt(head.getShort(10)), OPUS_RATE) : null;
        }
        if (bodyBytes >= VORBIS_ID_BYTES && in.startsWith(page.body(), "\u0001vorbis")) {
            ByteBuffer id = in.get(page.body(), VORBIS_ID_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            long rate = Integer.toUnsignedLong(id.getInt(12));
            boolean valid = id.getInt(7) == 0 && id.get(11) != 0 && rate > 0 && (id.get(29) & 0x01) != 0;
            return valid ? new Stream("ogg-vorbis", 0, rate) : null;
        }
        return null;
    }
}
