package io.imcloud.attachments;

/**
 * Server-wide limits of attachments, one immutable snapshot (apps have their own quotas, {@code FilePolicy}).
 *
 * @param maxFileBytes       largest file accepted
 * @param thumbnailEdge      longer side of a thumbnail, in pixels
 * @param thumbnailMaxPixels images with more pixels than this get no thumbnail (they are never decoded)
 */
public record AttachmentLimits(long maxFileBytes, int thumbnailEdge, long thumbnailMaxPixels) {

    /** Upper bound of {@code maxFileBytes} (2 GiB). */
    public static final long MAX_FILE_LIMIT = 2L * 1024 * 1024 * 1024;

    public AttachmentLimits {
        if (maxFileBytes < 1 || maxFileBytes > MAX_FILE_LIMIT) {
            throw new IllegalArgumentException("maxFileBytes must be 1.." + MAX_FILE_LIMIT);
        }
        if (thumbnailEdge < 16 || thumbnailEdge > 1024) {
            throw new IllegalArgumentException("thumbnailEdge must be 16..1024");
        }
        if (thumbnailMaxPixels < 1 || thumbnailMaxPixels > 200_000_000L) {
            throw new IllegalArgumentException("thumbnailMaxPixels must be 1..200000000");
        }
    }

    /** 10 MiB files (Easemob's limit), thumbnails of 170 pixels (Easemob's) from images of up to 40 megapixels. */
    public static AttachmentLimits defaults() {
        return new AttachmentLimits(10L * 1024 * 1024, 170, 40_000_000L);
    }
}
