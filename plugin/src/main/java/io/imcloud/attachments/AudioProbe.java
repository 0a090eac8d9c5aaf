package io.imcloud.attachments;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Tells the format and duration of an audio file from its bytes: AMR-NB and AMR-WB (storage format), AAC in ADTS,
 * MP4/M4A audio, Ogg Opus, Ogg Vorbis, MP3 and WAV.
 *
 * <p>Files of any size are read through one small buffer, in time linear in their size at most; sizes read from a
 * file are never trusted beyond the file's end, so that damaged or hostile files come out as not audio rather than as
 * errors. A duration is rounded down to whole milliseconds. Durations that a container declares (an MP4 movie header,
 * an Ogg granule position, an MP3 Xing or VBRI frame count) are taken as declared, not checked against the media
 * data.
 */
public final class AudioProbe {

    /** Reads one format; empty when the file is not of it. */
    @FunctionalInterface
    private interface FormatReader {
        Optional<AudioInfo> read(FileWindow in) throws IOException;
    }

    /** Formats with a magic number first; ADTS and MP3 have only frame syncs, and ADTS's is the stricter. */
    private static final List<FormatReader> READERS = List.of(AmrReader::readNb, AmrReader::readWb, WavReader::read,
            OggReader::read, Mp4Reader::read, AdtsReader::read, Mp3Reader::read);

    private AudioProbe() {
    }

    /**
     * The audio format of the file, or empty when its bytes are not one of the supported formats (or are damaged
     * beyond reading a duration).
     *
     * @throws IOException when the file cannot be read
     */
    public static Optional<AudioInfo> probe(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileWindow in = new FileWindow(channel);
            for (FormatReader reader : READERS) {
                Optional<AudioInfo> info = reader.read(in);
                if (info.isPresent()) {
                    return info;
                }
            }
            return Optional.empty();
        }
    }
}
