package io.imcloud.attachments;

import io.imcloud.tenancy.AppKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One stored attachment as {@code ofImFile} keeps it. The file's bytes never change, so its uuid is also its
 * entity tag.
 *
 * @param uuid           server-made id, the file's name on disk and in URLs
 * @param app            the app that owns it
 * @param owner          the uploading user's username, null for the app's back-end
 * @param kind           audio, image or any other file, from the bytes
 * @param contentType    the media type read from the bytes ({@code application/octet-stream} when unknown)
 * @param size           bytes
 * @param displayName    the client's file name, cleaned: display text only, never a path
 * @param secretHash     SHA-256 (hex) of the share-secret a download needs, null for an open file
 * @param durationMillis for audio, else 0
 * @param width          for images, else 0
 * @param height         for images, else 0
 * @param created        epoch milliseconds
 */
public record StoredFile(String uuid, AppKey app, String owner, FileKind kind, String contentType, long size,
                         String displayName, String secretHash, long durationMillis, int width, int height, long created) {

    private static final Pattern UUID_SHAPE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Whether downloads need the share-secret. */
    public boolean restricted() {
        return secretHash != null;
    }

    /** Whether {@code secret} is this file's share-secret, compared in constant time; an open file accepts anything. */
    public boolean acceptsSecret(String secret) {
        if (secretHash == null) {
            return true;
        }
        return secret != null && MessageDigest.isEqual(HexFormat.of().parseHex(secretHash), sha256(secret));
    }

    /** The duration in whole seconds, rounded to the nearest, at least 1 for any audio (Easemob's {@code length}). */
    public long lengthSeconds() {
        return kind == FileKind.AUDIO ? Math.max(1, (durationMillis + 500) / 1000) : 0;
    }

    /** Whether {@code text} has the shape of a file id: anything else is refused before it comes near a path. */
    public static boolean isUuid(String text) {
        return text != null && UUID_SHAPE.matcher(text).matches();
    }

    /** SHA-256 (hex) of a share-secret, as stored. */
    static String hashSecret(String secret) {
        return HexFormat.of().formatHex(sha256(secret));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
