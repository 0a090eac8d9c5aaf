package io.imcloud.attachments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;

import static io.imcloud.attachments.FileWindow.fourCC;

/**
 * ISO base media files (MP4, M4A, 3GP) with an audio track and no video track. The duration is the movie header's,
 * else (a movie header without one) the longest audio track's media header's. A fragmented file, whose headers leave
 * the duration to the fragments, is not read.
 */
final class Mp4Reader {

    private static final int FTYP = fourCC("ftyp");
    private static final int MOOV = fourCC("moov");
    private static final int MVHD = fourCC("mvhd");
    private static final int TRAK = fourCC("trak");
    private static final int MDIA = fourCC("mdia");
    private static final int MDHD = fourCC("mdhd");
    private static final int HDLR = fourCC("hdlr");
    private static final int SOUN = fourCC("soun");
    private static final int VIDE = fourCC("vide");
    private static final Set<Integer> AUDIO_BRANDS = Set.of(fourCC("M4A "), fourCC("M4B "), fourCC("M4P "), fourCC("F4A "),
            fourCC("mp41"), fourCC("mp42"), fourCC("isom"), fourCC("iso2"), fourCC("iso3"), fourCC("iso4"), fourCC("iso5"),
            fourCC("iso6"));
    /** 3GPP brands name their release in the last character: 3gp4 ... 3gp9, 3g2a ... */
    private static final Set<Integer> AUDIO_BRAND_FAMILIES = Set.of(fourCC("3gp ") >>> 8, fourCC("3g2 ") >>> 8);
    /** A version 0 header's duration when the writer did not know it. */
    private static final long UNKNOWN_DURATION_V0 = 0xFFFFFFFFL;

    private Mp4Reader() {
    }

    /** A box's type and where its body starts and it ends, within its container and so within the file. */
    private record Box(int type, long body, long end) {

        /** The box at {@code position}, or null when there is none, or its size leaves {@code containerEnd}. */
        static Box at(FileWindow in, long position, long containerEnd) throws IOException {
            ByteBuffer header = containerEnd - position < 8 ? null : in.get(position, 8);
            if (header == null) {
                return null;
            }
            long size = Integer.toUnsignedLong(header.getInt(0));
            int type = header.getInt(4);
            long headerBytes = 8;
            if (size == 1) {
                ByteBuffer large = containerEnd - position < 16 ? null : in.get(position + 8, 8);
                if (large == null) {
                    return null;
                }
                size = large.getLong(0); // negative when beyond 2^63: refused below with the rest
                headerBytes = 16;
            } else if (size == 0) {
                size = containerEnd - position;
            }
            if (size < headerBytes || size > containerEnd - position) {
                return null;
            }
            return new Box(type, position + headerBytes, position + size);
        }

        /** The first box inside this one. */
        Box child(FileWindow in) throws IOException {
            return at(in, body, end);
        }

        /** The box after this one in {@code container}. */
        Box next(FileWindow in, long containerEnd) throws IOException {
            return at(in, end, containerEnd);
        }
    }

    static Optional<AudioInfo> read(FileWindow in) throws IOException {
        Box ftyp = Box.at(in, 0, in.size());
        if (ftyp == null || ftyp.type() != FTYP || !hasAudioBrand(in, ftyp)) {
            return Optional.empty();
        }
        // The movie box may come after the media data (recorders write it last): boxes are skipped by their sizes.
        for (Box box = ftyp.next(in, in.size()); box != null; box = box.next(in, in.size())) {
            if (box.type() == MOOV) {
                return movie(in, box);
            }
        }
        return Optional.empty();
    }

    private static boolean hasAudioBrand(FileWindow in, Box ftyp) throws IOException {
        // The major brand, a minor version, then the compatible brands.
        if (ftyp.end() - ftyp.body() >= 4 && isAudioBrand(in.get(ftyp.body(), 4).getInt(0))) {
            return true;
        }
        for (long position = ftyp.body() + 8; position + 4 <= ftyp.end(); position += 4) {
            if (isAudioBrand(in.get(position, 4).getInt(0))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAudioBrand(int brand) {
        return AUDIO_BRANDS.contains(brand) || AUDIO_BRAND_FAMILIES.contains(brand >>> 8);
    }

    private static Optional<AudioInfo> movie(FileWindow in, Box moov) throws IOException {
        long movieMillis = -1;
        long audioMillis = -1;
        boolean audio = false;
        for (Box box = moov.child(in); box != null; box = box.next(in, moov.end())) {
            if (box.type() == MVHD) {
                movieMillis = headerMillis(in, box);
            } else if (box.type() == TRAK) {
                Box mdia = child(in, box, MDIA);
                int handler = mdia == null ? 0 : handlerType(in, mdia);
                if (handler == VIDE) {
                    return Optional.empty();
                }
                if (handler == SOUN) {
                    audio = true;
                    Box mdhd = child(in, mdia, MDHD);
                    audioMillis = Math.max(audioMillis, mdhd == null ? -1 : headerMillis(in, mdhd));
                }
            }
        }
        long millis = movieMillis > 0 ? movieMillis : audioMillis;
        return audio && millis > 0 ? Optional.of(new AudioInfo("m4a", "audio/mp4", millis)) : Optional.empty();
    }

    /** The first box of {@code type} inside {@code container}, or null. */
    private static Box child(FileWindow in, Box container, int type) throws IOException {
        for (Box box = container.child(in); box != null; box = box.next(in, container.end())) {
            if (box.type() == type) {
                return box;
            }
        }
        return null;
    }

    /** The handler type of a track's media box ("soun", "vide"...), 0 when it has none. */
    private static int handlerType(FileWindow in, Box mdia) throws IOException {
        Box hdlr = child(in, mdia, HDLR);
        // After version, flags and a pre_defined field.
        return hdlr == null || hdlr.end() - hdlr.body() < 12 ? 0 : in.get(hdlr.body() + 8, 4).getInt(0);
    }

    /** The duration of a movie (mvhd) or media (mdhd) header, which share their first fields; -1 when unknown. */
    private static long headerMillis(FileWindow in, Box header) throws IOException {
        // After version and flags: creation and modification times, timescale, duration; 64-bit times in version 1.
        long bytes = header.end() - header.body();
        boolean wide = bytes > 0 && in.get(header.body(), 1).get(0) == 1;
        int length = wide ? 32 : 20;
        if (bytes < length) {
            return -1;
        }
        ByteBuffer fields = in.get(header.body(), length);
        long timescale = Integer.toUnsignedLong(fields.getInt(wide ? 20 : 12));
        long duration = wide ? fields.getLong(24) : Integer.toUnsignedLong(fields.getInt(16));
        return !wide && duration == UNKNOWN_DURATION_V0 ? -1 : Durations.millis(duration, timescale);
    }
}
