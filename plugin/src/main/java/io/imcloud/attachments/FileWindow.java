package io.imcloud.attachments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads a file at any position through one small buffer, so that probing takes the same little memory whatever
 * the file's size, and a walk from start to end reads each byte once.
 */
final class FileWindow {

    /** Far more than the longest read of any reader (an Ogg segment table: 255 bytes), so that walks read ahead. */
    private static final int CAPACITY = 32 * 1024;

    private final FileChannel channel;
    private final long size;
    private final ByteBuffer window = ByteBuffer.allocate(CAPACITY).limit(0);
    private long start;

    FileWindow(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    /** The four ASCII characters of a box type, chunk id or magic number as a big-endian int. */
    static int fourCC(String chars) {
        byte[] b = chars.getBytes(StandardCharsets.ISO_8859_1);
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    long size() {
        return size;
    }

    /**
     * The {@code length} bytes at {@code position} as a big-endian buffer that stays valid until the next call, or
     * null when the file ends before them. {@code length} is at most a few hundred.
     *
     * @throws IOException also when the file got shorter since it was opened
     */
    ByteBuffer get(long position, int length) throws IOException {
        if (position < 0 || length > size - position) {
            return null;
        }
        if (position < start || position + length > start + window.limit()) {
            fill(position);
            if (position + length > start + window.limit()) {
                throw new IOException("The file got shorter while it was read");
            }
        }
        return window.slice((int) (position - start), length);
    }

    /** Whether the bytes at {@code position} are the ASCII characters of {@code magic}. */
    boolean startsWith(long position, String magic) throws IOException {
        ByteBuffer bytes = get(position, magic.length());
        if (bytes == null) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (bytes.get(i) != (byte) magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void fill(long position) throws IOException {
        window.clear();
        int read;
        do {
            read = channel.read(window, position + window.position());
        } while (read > 0 && window.hasRemaining());
        window.flip();
        start = position;
    }
}
