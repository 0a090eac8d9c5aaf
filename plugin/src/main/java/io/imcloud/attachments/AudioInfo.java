package io.imcloud.attachments;

/**
 * The audio format and duration of a file, read from its bytes (never from a name or a client's claim).
 *
 * @param format         the format's id: {@code amr}, {@code amr-wb}, {@code aac}, {@code m4a}, {@code ogg-opus},
 *                       {@code ogg-vorbis}, {@code mp3} or {@code wav}
 * @param contentType    the format's media type, e.g. {@code audio/mpeg}
 * @param durationMillis the duration in whole milliseconds, rounded down; at least 1
 */
public record AudioInfo(String format, String contentType, long durationMillis) {
}
