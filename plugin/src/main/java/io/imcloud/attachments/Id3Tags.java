package io.imcloud.attachments;

import java.io.IOException;
import java.nio.ByteBuffer;

/** ID3 tags around MP3 and AAC streams: version 2 tags in front are skipped, a version 1 tag at the end is no audio. */
final class Id3Tags {

    private static final int V2_HEADER = 10;
    private static final int V2_FOOTER = 10;
    private static final int V1_BYTES = 128;

    private Id3Tags() {
    }

    /** Where the audio starts: after the ID3v2 tags at the start of the file (taggers may stack several). */
    static long skipV2(FileWindow in) throws IOException {
        long position = 0;
        ByteBuffer header;
        while ((header = in.get(position, V2_HEADER)) != null && isV2Header(header)) {
            boolean footer = (header.get(5) & 0x10) != 0;
            position += V2_HEADER + syncSafe(header) + (footer ? V2_FOOTER : 0);
        }
        return position;
    }

    /** Whether an ID3v1 tag fills the file from {@code position} to its end. */
    static boolean isV1At(FileWindow in, long position) throws IOException {
        return position == in.size() - V1_BYTES && in.startsWith(position, "TAG");
    }

    private static boolean isV2Header(ByteBuffer header) {
        if (header.get(0) != 'I' || header.get(1) != 'D' || header.get(2) != '3' || header.get(3) == (byte) 0xFF
                || header.get(4) == (byte) 0xFF) {
            return false;
        }
        for (int i = 6; i < V2_HEADER; i++) {
            if ((header.get(i) & 0x80) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The tag's size: four bytes of seven bits each, so that no 0xFF byte can be taken for an MPEG sync. */
    private static int syncSafe(ByteBuffer header) {
        return header.get(6) << 21 | header.get(7) << 14 | header.get(8) << 7 | header.get(9);
    }
}
