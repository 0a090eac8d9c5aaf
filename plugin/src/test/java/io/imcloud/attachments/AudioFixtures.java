package io.imcloud.attachments;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Audio files of every format {@link AudioProbe} reads, written byte by byte after the formats' specifications.
 * Each file writer returns the duration the file should be probed at, in whole milliseconds rounded down. The parts
 * (frames, boxes, pages, tags) are public too, so that tests can put together unusual or damaged files.
 *
 * <p>WAV, AMR and MP3 files decode to silence (AMR: to whatever all-zero speech bits give); the AAC, Ogg and MP4
 * files are right in structure only, their payloads are not decodable audio.
 */
public final class AudioFixtures {

    private static final int NO_DATA = 15;
    /** Frame type and speech bytes (TOC byte excluded) of every AMR-NB frame type a storage file may hold. */
    private static final int[][] AMR_NB_FRAMES = {{0, 12}, {1, 13}, {2, 15}, {3, 17}, {4, 19}, {5, 20}, {6, 26}, {7, 31},
            {8, 5}, {NO_DATA, 0}};
    /** The same for AMR-WB: modes 0 to 8, SID, SPEECH_LOST and NO_DATA. */
    private static final int[][] AMR_WB_FRAMES = {{0, 17}, {1, 23}, {2, 32}, {3, 36}, {4, 40}, {5, 46}, {6, 50}, {7, 58},
            {8, 60}, {9, 5}, {14, 0}, {NO_DATA, 0}};
    private static final int[] ADTS_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
            8000, 7350};
    private static final int[] MPEG1_RATES = {44100, 48000, 32000};
    private static final int OGG_BOS = 0x02;
    private static final int OGG_EOS = 0x04;
    private static final int[] OGG_CRC = oggCrcTable();

    private AudioFixtures() {
    }

    /** Writes {@code parts} one after the other to {@code file}. */
    public static void write(Path file, byte[]... parts) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (byte[] part : parts) {
                out.write(part);
            }
        }
    }

    // ---- WAV

    /** 8 kHz 16-bit mono PCM silence, with an odd-sized chunk between fmt and data. */
    public static long wav(Path file, int millis) throws IOException {
        byte[] fmt = new Bytes().u16le(1).u16le(1).u32le(8000).u32le(16000).u16le(2).u16le(16).array();
        byte[] body = new Bytes().ascii("WAVE").bytes(riffChunk("fmt ", fmt)).bytes(riffChunk("JUNK", new byte[7]))
                .bytes(riffChunk("data", new byte[millis * 16])).array();
        write(file, new Bytes().ascii("RIFF").u32le(body.length).bytes(body).array());
        return millis;
    }

    /** A RIFF chunk: id, little-endian size, body and a pad byte when the size is odd. */
    public static byte[] riffChunk(String id, byte[] body) {
        return new Bytes().ascii(id).u32le(body.length).bytes(body).zeros(body.length % 2).array();
    }

    // ---- AMR

    /** {@code frames} AMR-NB frames of every frame type in turn, each 20 ms. */
    public static long amrNb(Path file, int frames) throws IOException {
        return amr(file, "#!AMR\n", AMR_NB_FRAMES, frames);
    }

    /** {@code frames} AMR-WB frames of every frame type in turn, each 20 ms. */
    public static long amrWb(Path file, int frames) throws IOException {
        return amr(file, "#!AMR-WB\n", AMR_WB_FRAMES, frames);
    }

    /** An AMR frame in the storage format: the TOC byte (frame type, quality bit set) and zeroed speech bits. */
    public static byte[] amrFrame(int frameType, int speechBytes) {
        return new Bytes().u8(frameType << 3 | 0x04).zeros(speechBytes).array();
    }

    private static long amr(Path file, String magic, int[][] frameTypes, int frames) throws IOException {
        Bytes out = new Bytes().ascii(magic);
        for (int i = 0; i < frames; i++) {
            // Every type in turn: one wrong size anywhere loses the frames after it.
            int[] type = frameTypes[i % frameTypes.length];
            out.bytes(amrFrame(type[0], type[1]));
        }
        write(file, out.array());
        return frames * 20L;
    }

    // ---- AAC (ADTS)

    /** {@code frames} ADTS frames of AAC-LC mono, one raw data block (1024 samples) each. */
    public static long adts(Path file, int frames, int sampleRate) throws IOException {
        write(file, adtsFrames(frames, sampleRate));
        return frames * 1024L * 1000 / sampleRate;
    }

    /** {@code frames} frames of {@link #adtsFrame(int, int)} with one block each. */
    public static byte[] adtsFrames(int frames, int sampleRate) {
        Bytes out = new Bytes();
        for (int i = 0; i < frames; i++) {
            out.bytes(adtsFrame(sampleRate, 1));
        }
        return out.array();
    }

    /** One ADTS frame (MPEG-4, no CRC, AAC-LC, mono) of {@code blocks} raw data blocks of 1024 samples. */
    public static byte[] adtsFrame(int sampleRate, int blocks) {
        int rateIndex = indexOf(ADTS_RATES, sampleRate);
        int length = 7 + 20 * blocks;
        int profile = 1; // AAC-LC: audio object type 2, stored minus one
        int channels = 1;
        return new Bytes().u8(0xFF).u8(0xF1).u8(profile << 6 | rateIndex << 2 | channels >> 2)
                .u8((channels & 0x03) << 6 | length >> 11).u8(length >> 3).u8((length & 0x07) << 5 | 0x1F)
                .u8(0xFC | (blocks - 1)).bytes(pattern(length - 7)).array();
    }

    // ---- MP3

    /**
     * An ID3v2.3 tag, CBR MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, joint stereo, padded as an encoder pads to
     * keep the bit rate) and an ID3v1 tag.
     */
    public static long mp3Cbr(Path file, int frames) throws IOException {
        write(file, id3v2Tag(), mp3Frames(frames, 44100, false), id3v1Tag());
        return frames * 1152L * 1000 / 44100;
    }

    /**
     * An ID3v2.3 tag, a Xing frame declaring {@code frames} frames, and those frames (MPEG-1 at 128 kbit/s for 32 to
     * 48 kHz, MPEG-2 or 2.5 at 32 kbit/s for lower rates).
     */
    public static long mp3Xing(Path file, int frames, int sampleRate, boolean mono) throws IOException {
        write(file, id3v2Tag(), mp3XingFrame(sampleRate, mono, frames), mp3Frames(frames, sampleRate, mono));
        return frames * mp3SamplesPerFrame(sampleRate) * 1000L / sampleRate;
    }

    /**
     * A VBRI frame declaring {@code frames} frames (and an empty seek table) and those frames, MPEG-1 at 48 kHz stereo
     * (24 ms each).
     */
    public static long mp3Vbri(Path file, int frames) throws IOException {
        byte[] vbri = new Bytes().bytes(mp3Header(48000, false, false)).zeros(32).ascii("VBRI").u16be(1).u16be(576)
                .u16be(75).u32be(frames * 384L).u32be(frames).u16be(0).u16be(1).u16be(2).u16be(0).array();
        write(file, padTo(vbri, mp3FrameLength(48000, false)), mp3Frames(frames, 48000, false));
        return frames * 24L;
    }

    /** {@code frames} silent Layer III frames, padded where an encoder pads to keep the bit rate exact. */
    public static byte[] mp3Frames(int frames, int sampleRate, boolean mono) {
        long slotBytes = mp3SamplesPerFrame(sampleRate) / 8L * mp3Kbps(sampleRate) * 1000;
        long rest = 0;
        Bytes out = new Bytes();
        for (int i = 0; i < frames; i++) {
            rest += slotBytes % sampleRate;
            boolean padding = rest >= sampleRate;
            rest -= padding ? sampleRate : 0;
            out.bytes(mp3Frame(sampleRate, mono, padding));
        }
        return out.array();
    }

    /** A silent Layer III frame: a header and zeroed side information and main data. */
    public static byte[] mp3Frame(int sampleRate, boolean mono, boolean padding) {
        return padTo(mp3Header(sampleRate, mono, padding), mp3FrameLength(sampleRate, padding));
    }

    /** A first frame with a Xing header (an "Info" one without a frame count when {@code frames} is negative). */
    public static byte[] mp3XingFrame(int sampleRate, boolean mono, long frames) {
        boolean mpeg1 = mp3SamplesPerFrame(sampleRate) == 1152;
        int sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        Bytes out = new Bytes().bytes(mp3Header(sampleRate, mono, false)).zeros(sideInfo);
        if (frames < 0) {
            out.ascii("Info").u32be(0);
        } else {
            out.ascii("Xing").u32be(1).u32be(frames);
        }
        return padTo(out.array(), mp3FrameLength(sampleRate, false));
    }

    /** The four bytes of a Layer III frame header without CRC. */
    public static byte[] mp3Header(int sampleRate, boolean mono, boolean padding) {
        int mpeg1Rate = indexOf(MPEG1_RATES, sampleRate) >= 0 ? sampleRate
                : indexOf(MPEG1_RATES, sampleRate * 2) >= 0 ? sampleRate * 2 : sampleRate * 4;
        int version = mpeg1Rate == sampleRate ? 3 : mpeg1Rate == sampleRate * 2 ? 2 : 0;
        int bitrateIndex = version == 3 ? 9 : 4; // 128 kbit/s in the MPEG-1 table, 32 in the MPEG-2 one
        return new Bytes().u8(0xFF).u8(0xE0 | version << 3 | 1 << 1 | 1)
                .u8(bitrateIndex << 4 | indexOf(MPEG1_RATES, mpeg1Rate) << 2 | (padding ? 1 : 0) << 1)
                .u8(mono ? 0xC0 : 0x40).array();
    }

    /** An ID3v2.3 tag with a title and padding, 310 bytes (its size needs the syncsafe encoding's second byte). */
    public static byte[] id3v2Tag() {
        byte[] title = new Bytes().u8(0).ascii("Voice memo").array();
        byte[] body = padTo(new Bytes().ascii("TIT2").u32be(title.length).u16be(0).bytes(title).array(), 300);
        return new Bytes().ascii("ID3").u8(3).u8(0).u8(0).u8(body.length >> 21 & 0x7F).u8(body.length >> 14 & 0x7F)
                .u8(body.length >> 7 & 0x7F).u8(body.length & 0x7F).bytes(body).array();
    }

    /** An ID3v1 tag (128 bytes) with a title. */
    public static byte[] id3v1Tag() {
        return padTo(new Bytes().ascii("TAG").ascii("Voice memo").array(), 128);
    }

    private static int mp3SamplesPerFrame(int sampleRate) {
        return indexOf(MPEG1_RATES, sampleRate) >= 0 ? 1152 : 576;
    }

    private static int mp3Kbps(int sampleRate) {
        return indexOf(MPEG1_RATES, sampleRate) >= 0 ? 128 : 32;
    }

    private static int mp3FrameLength(int sampleRate, boolean padding) {
        return mp3SamplesPerFrame(sampleRate) / 8 * mp3Kbps(sampleRate) * 1000 / sampleRate + (padding ? 1 : 0);
    }

    // ---- MP4

    /**
     * An M4A as recorders write it: ftyp "M4A ", the media data, then the movie (mvhd at timescale 1000, one sound
     * track at 44.1 kHz).
     */
    public static long m4a(Path file, long durationMillis) throws IOException {
        write(file, ftyp("M4A ", "M4A ", "mp42", "isom"), box("mdat", pattern(1024)),
                box("moov", mvhd(0, 1000, durationMillis), track("soun", 44100, durationMillis * 441 / 10)));
        return durationMillis;
    }

    /** A box: 32-bit size, type, body. */
    public static byte[] box(String type, byte[]... body) {
        byte[] content = concat(body);
        return new Bytes().u32be(8 + content.length).ascii(type).bytes(content).array();
    }

    /** A box whose size is in the 64-bit field (size 1). */
    public static byte[] largeBox(String type, byte[]... body) {
        byte[] content = concat(body);
        return new Bytes().bytes(largeBoxHeader(type, 16 + content.length)).bytes(content).array();
    }

    /** The header of a box with a 64-bit size, which may be anything. */
    public static byte[] largeBoxHeader(String type, long size) {
        return new Bytes().u32be(1).ascii(type).u64be(size).array();
    }

    /** A box of size 0, which extends to the end of its container. */
    public static byte[] boxToEnd(String type, byte[]... body) {
        return new Bytes().u32be(0).ascii(type).bytes(concat(body)).array();
    }

    public static byte[] ftyp(String majorBrand, String... compatibleBrands) {
        Bytes body = new Bytes().ascii(majorBrand).u32be(0);
        for (String brand : compatibleBrands) {
            body.ascii(brand);
        }
        return box("ftyp", body.array());
    }

    /** A movie header of version 0 (32-bit times and duration) or 1 (64-bit). */
    public static byte[] mvhd(int version, long timescale, long duration) {
        Bytes body = times(version, timescale, duration).u32be(0x00010000).u16be(0x0100).zeros(10);
        for (long m : new long[] {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000}) {
            body.u32be(m);
        }
        return box("mvhd", body.zeros(24).u32be(2).array());
    }

    /** A media header of version 0 or 1, language "und". */
    public static byte[] mdhd(int version, long timescale, long duration) {
        return box("mdhd", times(version, timescale, duration).u16be(0x55C4).u16be(0).array());
    }

    public static byte[] hdlr(String handlerType) {
        return box("hdlr", new Bytes().u32be(0).u32be(0).ascii(handlerType).zeros(12).ascii("Handler\0").array());
    }

    /** A track of the given handler ("soun", "vide", "text"...) with a version 0 media header. */
    public static byte[] track(String handlerType, long timescale, long duration) {
        return box("trak", box("mdia", mdhd(0, timescale, duration), hdlr(handlerType)));
    }

    /** Version and flags, creation and modification times, timescale and duration, as mvhd and mdhd start. */
    private static Bytes times(int version, long timescale, long duration) {
        Bytes out = new Bytes().u8(version).zeros(3);
        if (version == 1) {
            return out.u64be(3_600_000_000L).u64be(3_600_000_000L).u32be(timescale).u64be(duration);
        }
        return out.u32be(3_600_000_000L).u32be(3_600_000_000L).u32be(timescale).u32be(duration);
    }

    // ---- Ogg

    /**
     * Ogg Opus (pre-skip 312): OpusHead and OpusTags pages, then pages of 50 silent 20 ms packets; the last page's
     * granule position trims the stream to {@code millis} (at least 1).
     */
    public static long oggOpus(Path file, long millis) throws IOException {
        int serial = 0x4F707573;
        int preSkip = 312;
        byte[] opusTags = new Bytes().ascii("OpusTags").u32le(4).ascii("test").u32le(0).array();
        byte[] silence = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE}; // one 20 ms CELT frame of silence
        return oggAudio(file, serial, 960, 50, preSkip, millis * 48, silence,
                oggPage(OGG_BOS, 0, serial, 0, opusHead(preSkip)), oggPage(0, 0, serial, 1, opusTags)) / 48;
    }

    /**
     * Ogg Vorbis: the identification header, the comment and setup headers (the setup one not a real codebook), then
     * pages of 1024-sample packets up to {@code millis} at {@code sampleRate}.
     */
    public static long oggVorbis(Path file, long millis, int sampleRate) throws IOException {
        int serial = 0x566F7262;
        byte[] comment = new Bytes().u8(3).ascii("vorbis").u32le(4).ascii("test").u32le(0).u8(1).array();
        byte[] setup = new Bytes().u8(5).ascii("vorbis").bytes(pattern(40)).array();
        long samples = oggAudio(file, serial, 1024, 16, 0, millis * sampleRate / 1000, pattern(100),
                oggPage(OGG_BOS, 0, serial, 0, vorbisIdentification(sampleRate)), oggPage(0, 0, serial, 1, comment, setup));
        return samples * 1000 / sampleRate;
    }

    /** The Opus identification header: version 1, mono, 48 kHz input, no gain, channel mapping family 0. */
    public static byte[] opusHead(int preSkip) {
        return new Bytes().ascii("OpusHead").u8(1).u8(1).u16le(preSkip).u32le(48000).u16le(0).u8(0).array();
    }

    /** The Vorbis identification header: mono, blocks of 256 and 2048 samples. */
    public static byte[] vorbisIdentification(int sampleRate) {
        return new Bytes().u8(1).ascii("vorbis").u32le(0).u8(1).u32le(sampleRate).u32le(0).u32le(64000).u32le(0)
                .u8(0xB8).u8(1).array();
    }

    /**
     * An Ogg page holding whole packets (255 segments at most), with its CRC. {@code flags}: 2 beginning of stream,
     * 4 end of stream.
     */
    public static byte[] oggPage(int flags, long granule, int serial, int sequence, byte[]... packets) {
        Bytes lacing = new Bytes();
        int segments = 0;
        for (byte[] packet : packets) {
            for (int left = packet.length; left >= 0; left -= 255) {
                lacing.u8(Math.min(left, 255));
                segments++;
                if (left < 255) {
                    break;
                }
            }
        }
        if (segments > 255) {
            throw new IllegalArgumentException("Too many packets for one page: " + segments + " segments");
        }
        byte[] page = new Bytes().ascii("OggS").u8(0).u8(flags).u64le(granule).u32le(serial).u32le(sequence).u32le(0)
                .u8(segments).bytes(lacing.array()).bytes(concat(packets)).array();
        int crc = 0;
        for (byte b : page) {
            crc = crc << 8 ^ OGG_CRC[(crc >>> 24 ^ b) & 0xFF];
        }
        page[22] = (byte) crc;
        page[23] = (byte) (crc >>> 8);
        page[24] = (byte) (crc >>> 16);
        page[25] = (byte) (crc >>> 24);
        return page;
    }

    /**
     * Writes the header pages, then pages of {@code packetsPerPage} packets of {@code samplesPerPacket} each until
     * {@code samples}; granule positions count from {@code preSkip}. Returns {@code samples}.
     */
    private static long oggAudio(Path file, int serial, int samplesPerPacket, int packetsPerPage, int preSkip, long samples,
            byte[] packet, byte[]... headerPages) throws IOException {
        Bytes out = new Bytes().bytes(concat(headerPages));
        long written = 0;
        for (int sequence = headerPages.length; written < samples; sequence++) {
            int packets = (int) Math.min(packetsPerPage, (samples - written + samplesPerPacket - 1) / samplesPerPacket);
            byte[][] page = new byte[packets][];
            Arrays.fill(page, packet);
            written = Math.min(samples, written + (long) packets * samplesPerPacket);
            out.bytes(oggPage(written == samples ? OGG_EOS : 0, preSkip + written, serial, sequence, page));
        }
        write(file, out.array());
        return samples;
    }

    /** The CRC-32 of Ogg: polynomial 0x04C11DB7, not reflected, initial value and final XOR 0. */
    private static int[] oggCrcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                r = (r & 0x80000000) != 0 ? r << 1 ^ 0x04C11DB7 : r << 1;
            }
            table[i] = r;
        }
        return table;
    }

    // ---- bytes

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[]... parts) {
        Bytes out = new Bytes();
        for (byte[] part : parts) {
            out.bytes(part);
        }
        return out.array();
    }

    private static byte[] padTo(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }

    /** Bytes that are not all zero, as payloads (for the formats where zeros would look like padding). */
    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 37 + 11);
        }
        return bytes;
    }

    /** A growing byte array with the integer encodings the formats use. */
    private static final class Bytes {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int value) {
            out.write(value);
            return this;
        }

        Bytes u16be(int value) {
            return u8(value >> 8).u8(value);
        }

        Bytes u32be(long value) {
            return u16be((int) (value >> 16)).u16be((int) value);
        }

        Bytes u64be(long value) {
            return u32be(value >>> 32).u32be(value);
        }

        Bytes u16le(int value) {
            return u8(value).u8(value >> 8);
        }

        Bytes u32le(long value) {
            return u16le((int) value).u16le((int) (value >> 16));
        }

        Bytes u64le(long value) {
            return u32le(value).u32le(value >>> 32);
        }

        Bytes ascii(String text) {
            return bytes(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        Bytes zeros(int count) {
            return bytes(new byte[count]);
        }

        Bytes bytes(byte[] bytes) {
            out.write(bytes, 0, bytes.length);
            return this;
        }

        byte[] array() {
            return out.toByteArray();
        }
    }
}
