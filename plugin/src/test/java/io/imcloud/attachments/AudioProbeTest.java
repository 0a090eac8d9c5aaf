package io.imcloud.attachments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import static io.imcloud.attachments.AudioFixtures.adtsFrame;
import static io.imcloud.attachments.AudioFixtures.box;
import static io.imcloud.attachments.AudioFixtures.boxToEnd;
import static io.imcloud.attachments.AudioFixtures.ftyp;
import static io.imcloud.attachments.AudioFixtures.hdlr;
import static io.imcloud.attachments.AudioFixtures.id3v2Tag;
import static io.imcloud.attachments.AudioFixtures.largeBox;
import static io.imcloud.attachments.AudioFixtures.mdhd;
import static io.imcloud.attachments.AudioFixtures.mp3Frame;
import static io.imcloud.attachments.AudioFixtures.mp3Frames;
import static io.imcloud.attachments.AudioFixtures.mp3XingFrame;
import static io.imcloud.attachments.AudioFixtures.mvhd;
import static io.imcloud.attachments.AudioFixtures.track;
import static io.imcloud.attachments.AudioFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each format, read from files written in the test, to the millisecond the fixtures say. */
class AudioProbeTest {

    @TempDir
    Path dir;

    @Test
    void wavDurationIsDataOverByteRate() throws IOException {
        Path file = dir.resolve("a.wav");
        assertProbed(file, AudioFixtures.wav(file, 1500), "wav", "audio/wav", 1500);
    }

    @Test
    void wavCutShortCountsTheDataItHolds() throws IOException {
        Path file = dir.resolve("cut.wav");
        AudioFixtures.wav(file, 1000);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 8000); // half of the 16,000 bytes the data chunk declares
        }
        assertEquals(Optional.of(new AudioInfo("wav", "audio/wav", 500)), AudioProbe.probe(file));
    }

    @Test
    void amrNbFramesAreTwentyMillisecondsEach() throws IOException {
        Path file = dir.resolve("a.amr");
        assertProbed(file, AudioFixtures.amrNb(file, 53), "amr", "audio/amr", 1060);
    }

    @Test
    void amrWbFramesAreTwentyMillisecondsEach() throws IOException {
        Path file = dir.resolve("wb.amr");
        assertProbed(file, AudioFixtures.amrWb(file, 37), "amr-wb", "audio/amr-wb", 740);
    }

    @Test
    void amrLastFrameCutShortIsNotCounted() throws IOException {
        Path file = dir.resolve("cut.amr");
        write(file, "#!AMR\n".getBytes(), AudioFixtures.amrFrame(7, 31), AudioFixtures.amrFrame(7, 31),
                AudioFixtures.amrFrame(7, 10));
        assertEquals(Optional.of(new AudioInfo("amr", "audio/amr", 40)), AudioProbe.probe(file));
    }

    @Test
    void adtsDurationIsSamplesOverRate() throws IOException {
        Path file = dir.resolve("a.aac");
        assertProbed(file, AudioFixtures.adts(file, 100, 44100), "aac", "audio/aac", 2321);
        Path narrow = dir.resolve("narrow.aac");
        assertProbed(narrow, AudioFixtures.adts(narrow, 25, 16000), "aac", "audio/aac", 1600);
    }

    @Test
    void adtsAfterId3WithSeveralBlocksPerFrame() throws IOException {
        Path file = dir.resolve("blocks.aac");
        byte[] frame = adtsFrame(16000, 4);
        write(file, id3v2Tag(), frame, frame, frame, frame, frame);
        // 5 frames of 4 blocks of 1024 samples at 16 kHz
        assertEquals(Optional.of(new AudioInfo("aac", "audio/aac", 1280)), AudioProbe.probe(file));
    }

    @Test
    void m4aWithMovieAfterMediaData() throws IOException {
        Path file = dir.resolve("a.m4a");
        assertProbed(file, AudioFixtures.m4a(file, 2500), "m4a", "audio/mp4", 2500);
    }

    @Test
    void mp4MovieHeaderVersion1AndLargeSizeMediaData() throws IOException {
        Path file = dir.resolve("v1.mp4");
        write(file, ftyp("mp42", "mp42", "isom"), box("moov", mvhd(1, 600, 600L * 83), track("soun", 48000, 48000L * 83)),
                largeBox("mdat", new byte[100]));
        assertEquals(Optional.of(new AudioInfo("m4a", "audio/mp4", 83000)), AudioProbe.probe(file));
    }

    @Test
    void movieWithoutDurationTakesTheAudioTrack() throws IOException {
        Path file = dir.resolve("mdhd.3gp");
        byte[] text = track("text", 1000, 99_000);
        byte[] sound = boxToEnd("trak", box("mdia", hdlr("soun"), mdhd(1, 8000, 8000L * 12 + 7)));
        write(file, ftyp("3gp4", "3gp4", "3gp5"), box("moov", mvhd(0, 1000, 0), text, sound), box("mdat", new byte[10]));
        assertEquals(Optional.of(new AudioInfo("m4a", "audio/mp4", 12000)), AudioProbe.probe(file));
    }

    @Test
    void oggOpusDurationIsLastGranuleLessPreSkip() throws IOException {
        Path file = dir.resolve("a.opus");
        assertProbed(file, AudioFixtures.oggOpus(file, 3210), "ogg-opus", "audio/ogg", 3210);
    }

    @Test
    void oggVorbisDurationIsLastGranuleOverItsRate() throws IOException {
        Path file = dir.resolve("a.ogg");
        assertProbed(file, AudioFixtures.oggVorbis(file, 2000, 22050), "ogg-vorbis", "audio/ogg", 2000);
        Path odd = dir.resolve("odd.ogg");
        // 54,419 samples at 44.1 kHz: 1233.99 ms
        assertProbed(odd, AudioFixtures.oggVorbis(odd, 1234, 44100), "ogg-vorbis", "audio/ogg", 1233);
    }

    @Test
    void mp3WithoutXingIsWalkedFrameByFrame() throws IOException {
        Path file = dir.resolve("cbr.mp3");
        // 100 frames of 1152 samples at 44.1 kHz: 2612.24 ms
        assertProbed(file, AudioFixtures.mp3Cbr(file, 100), "mp3", "audio/mpeg", 2612);
    }

    @Test
    void mp3XingFrameCountGivesTheDuration() throws IOException {
        Path file = dir.resolve("xing.mp3");
        // Walking would count the Xing frame too: 201 frames, 5250 ms.
        assertProbed(file, AudioFixtures.mp3Xing(file, 200, 44100, false), "mp3", "audio/mpeg", 5224);
        Path mpeg2 = dir.resolve("xing2.mp3");
        assertProbed(mpeg2, AudioFixtures.mp3Xing(mpeg2, 50, 24000, true), "mp3", "audio/mpeg", 1200);
        Path mpeg25 = dir.resolve("xing25.mp3");
        assertProbed(mpeg25, AudioFixtures.mp3Xing(mpeg25, 10, 8000, true), "mp3", "audio/mpeg", 720);
    }

    @Test
    void mp3XingCountIsTakenAsDeclared() throws IOException {
        Path file = dir.resolve("declared.mp3");
        write(file, mp3XingFrame(48000, false, 1000), mp3Frames(5, 48000, false));
        assertEquals(Optional.of(new AudioInfo("mp3", "audio/mpeg", 24000)), AudioProbe.probe(file));
    }

    @Test
    void mp3VbriFrameCountGivesTheDuration() throws IOException {
        Path file = dir.resolve("vbri.mp3");
        assertProbed(file, AudioFixtures.mp3Vbri(file, 30), "mp3", "audio/mpeg", 720);
    }

    @Test
    void mp3InfoFrameWithoutCountIsNotAudio() throws IOException {
        Path file = dir.resolve("info.mp3");
        write(file, mp3XingFrame(44100, false, -1), mp3Frames(40, 44100, false));
        // 40 frames: 1044.9 ms
        assertEquals(Optional.of(new AudioInfo("mp3", "audio/mpeg", 1044)), AudioProbe.probe(file));
    }

    @Test
    void mp3OfFewerFramesThanNeededInARowWhenTheyFillTheFile() throws IOException {
        Path file = dir.resolve("short.mp3");
        write(file, mp3Frame(48000, false, false));
        assertEquals(Optional.of(new AudioInfo("mp3", "audio/mpeg", 24)), AudioProbe.probe(file));
    }

    @Test
    void mp3ThreeFramesThenJunk() throws IOException {
        Path file = dir.resolve("junk.mp3");
        write(file, mp3Frames(3, 48000, false), "APETAGEX and more".getBytes());
        assertEquals(Optional.of(new AudioInfo("mp3", "audio/mpeg", 72)), AudioProbe.probe(file));
    }

    /** Checks the fixture's own figure as well, since other tests rely on it. */
    private static void assertProbed(Path file, long fixtureMillis, String format, String contentType, long millis)
            throws IOException {
        assertEquals(millis, fixtureMillis, "the fixture's duration");
        assertEquals(Optional.of(new AudioInfo(format, contentType, millis)), AudioProbe.probe(file));
    }
}
