package io.imcloud.attachments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

import static io.imcloud.attachments.AudioFixtures.adtsFrames;
import static io.imcloud.attachments.AudioFixtures.amrFrame;
import static io.imcloud.attachments.AudioFixtures.box;
import static io.imcloud.attachments.AudioFixtures.ftyp;
import static io.imcloud.attachments.AudioFixtures.id3v2Tag;
import static io.imcloud.attachments.AudioFixtures.largeBoxHeader;
import static io.imcloud.attachments.AudioFixtures.mp3Frame;
import static io.imcloud.attachments.AudioFixtures.mp3Frames;
import static io.imcloud.attachments.AudioFixtures.mvhd;
import static io.imcloud.attachments.AudioFixtures.oggPage;
import static io.imcloud.attachments.AudioFixtures.opusHead;
import static io.imcloud.attachments.AudioFixtures.riffChunk;
import static io.imcloud.attachments.AudioFixtures.track;
import static io.imcloud.attachments.AudioFixtures.vorbisIdentification;
import static io.imcloud.attachments.AudioFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Files that are not audio, or damaged past reading a duration: empty, never an exception, never a hang. */
@Timeout(10)
class AudioProbeRejectionTest {

    private static final byte[] AUDIO_MOOV = box("moov", mvhd(0, 1000, 5000), track("soun", 44100, 44100L * 5));

    @TempDir
    Path dir;

    @Test
    void emptyFile() throws IOException {
        assertNotAudio(new byte[0]);
    }

    @Test
    void randomBytes() throws IOException {
        byte[] bytes = new byte[64 * 1024];
        new Random(42).nextBytes(bytes);
        assertNotAudio(bytes);
    }

    @Test
    void text() throws IOException {
        assertNotAudio("This is a text file, not a voice message.\n".repeat(100).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void headersWithoutFrames() throws IOException {
        assertNotAudio(ascii("#!AMR\n"));
        assertNotAudio(ascii("#!AMR-WB\n"));
        assertNotAudio(id3v2Tag());
        byte[] fmt = riffChunk("fmt ", new byte[] {1, 0, 1, 0, 0x40, 0x1F, 0, 0, (byte) 0x80, 0x3E, 0, 0, 2, 0, 16, 0});
        assertNotAudio(concat(ascii("RIFF"), new byte[] {28, 0, 0, 0}, ascii("WAVE"), fmt, riffChunk("data", new byte[0])));
        int serial = 7;
        assertNotAudio(concat(oggPage(2, 0, serial, 0, opusHead(312)), oggPage(0, 0, serial, 1, ascii("OpusTags"))));
        assertNotAudio(concat(ftyp("M4A ", "isom"), box("moov", mvhd(0, 1000, 5000)), box("mdat", new byte[10])));
    }

    @Test
    void truncatedHeaders() throws IOException {
        for (String name : new String[] {"wav", "amr", "ogg", "m4a", "aac", "mp3"}) {
            Path whole = dir.resolve("whole." + name);
            switch (name) {
                case "wav" -> AudioFixtures.wav(whole, 100);
                case "amr" -> AudioFixtures.amrNb(whole, 5);
                case "ogg" -> AudioFixtures.oggOpus(whole, 100);
                case "m4a" -> Files.write(whole, concat(ftyp("M4A "), AUDIO_MOOV));
                case "aac" -> AudioFixtures.adts(whole, 5, 8000);
                default -> AudioFixtures.mp3Cbr(whole, 5);
            }
            byte[] bytes = Files.readAllBytes(whole);
            // Cut before the end of the first frame (AMR-NB mode 0: 6 + 13 bytes) or of the header
            for (int length : new int[] {3, 7, 18}) {
                assertNotAudio(Arrays.copyOf(bytes, length));
            }
        }
    }

    @Test
    void amrWithAFrameTypeOutsideTheStorageFormat() throws IOException {
        assertNotAudio(concat(ascii("#!AMR\n"), amrFrame(7, 31), amrFrame(12, 31), amrFrame(7, 31)));
    }

    @Test
    void wavWithoutByteRate() throws IOException {
        byte[] fmt = riffChunk("fmt ", new byte[] {1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0, 0, 0, 0, 2, 0, 16, 0});
        assertNotAudio(concat(ascii("RIFF"), new byte[] {0, 0, 0, 0}, ascii("WAVE"), fmt, riffChunk("data", new byte[800])));
    }

    @Test
    void mp4WithAVideoTrack() throws IOException {
        assertNotAudio(concat(ftyp("mp42", "isom"),
                box("moov", mvhd(0, 1000, 5000), track("soun", 44100, 44100L * 5), track("vide", 90000, 90000L * 5))));
    }

    @Test
    void mp4WithoutAnAudioTrack() throws IOException {
        assertNotAudio(concat(ftyp("mp42", "isom"), box("moov", mvhd(0, 1000, 5000), track("text", 1000, 5000))));
    }

    @Test
    void mp4OfAVideoBrand() throws IOException {
        assertNotAudio(concat(ftyp("M4V ", "M4V "), AUDIO_MOOV));
    }

    @Test
    void mp4BoxSizesBeyondTheFile() throws IOException {
        // 2^62 bytes of media data, then a movie that cannot be reached
        assertNotAudio(concat(ftyp("M4A "), largeBoxHeader("mdat", 1L << 62), AUDIO_MOOV));
        // a size beyond 2^63, negative as a long
        assertNotAudio(concat(ftyp("M4A "), largeBoxHeader("mdat", -16), AUDIO_MOOV));
        // a movie box of 2^62 bytes around a valid movie
        assertNotAudio(concat(ftyp("M4A "), largeBoxHeader("moov", 1L << 62),
                Arrays.copyOfRange(AUDIO_MOOV, 8, AUDIO_MOOV.length)));
        // a 32-bit size one byte too long for the file
        byte[] moov = AUDIO_MOOV.clone();
        moov[3]++;
        assertNotAudio(concat(ftyp("M4A "), moov));
    }

    @Test
    void mp4BoxSmallerThanItsHeader() throws IOException {
        byte[] moov = AUDIO_MOOV.clone();
        moov[0] = moov[1] = moov[2] = 0;
        moov[3] = 4;
        assertNotAudio(concat(ftyp("M4A "), moov));
    }

    @Test
    void oggOfOtherCodecs() throws IOException {
        assertNotAudio(oggPage(2, 0, 1, 0, ascii("Speex   1.2 and the rest of its header")));
        assertNotAudio(concat(oggPage(2, 0, 1, 0, vorbisIdentification(0)), oggPage(4, 48000, 1, 1, new byte[20])));
    }

    @Test
    void oggWithAVideoStream() throws IOException {
        byte[] theora = concat(new byte[] {(byte) 0x80}, ascii("theora"), new byte[35]);
        assertNotAudio(concat(oggPage(2, 0, 1, 0, opusHead(312)), oggPage(2, 0, 2, 0, theora),
                oggPage(4, 48312, 1, 1, new byte[] {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE})));
    }

    @Test
    void oggWhoseLastPageIsCutShort() throws IOException {
        byte[] audio = oggPage(4, 48312, 1, 1, new byte[] {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE});
        assertNotAudio(concat(oggPage(2, 0, 1, 0, opusHead(312)), Arrays.copyOf(audio, audio.length - 1)));
    }

    @Test
    void adtsFramesOfLengthZero() throws IOException {
        byte[] frames = adtsFrames(10, 44100);
        for (int i = 0; i < frames.length; i += 27) { // each frame 7 + 20 bytes: length field cleared
            frames[i + 3] &= (byte) 0xFC;
            frames[i + 4] = 0;
            frames[i + 5] &= 0x1F;
        }
        assertNotAudio(frames);
    }

    @Test
    void oneMp3HeaderThenGarbage() throws IOException {
        byte[] garbage = "not an mp3 frame; ".repeat(100).getBytes(StandardCharsets.US_ASCII);
        assertNotAudio(concat(mp3Frame(44100, false, false), garbage));
        assertNotAudio(concat(id3v2Tag(), mp3Frames(2, 44100, false), garbage));
    }

    @Test
    void mp3FramesOfChangingSampleRates() throws IOException {
        assertNotAudio(concat(mp3Frame(44100, false, false), mp3Frame(48000, false, false), mp3Frame(32000, false, false),
                ascii("garbage")));
    }

    @Test
    void id3TagLongerThanTheFile() throws IOException {
        byte[] tag = id3v2Tag();
        tag[6] = tag[7] = tag[8] = tag[9] = 0x7F;
        assertNotAudio(concat(tag, mp3Frames(5, 44100, false)));
    }

    private void assertNotAudio(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("file"), bytes);
        assertEquals(Optional.empty(), AudioProbe.probe(file), () -> bytes.length + " bytes starting " + new String(
                Arrays.copyOf(bytes, Math.min(16, bytes.length)), StandardCharsets.ISO_8859_1));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
