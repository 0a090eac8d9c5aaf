package io.imcloud.tenancy;

import io.imcloud.i18n.ErrorText;

/**
 * An app's rules for attachments (chat files and XEP-0363 uploads).
 *
 * @param quotaBytes    most bytes the app's stored files may take together, 0 for no bound
 * @param quotaFiles    most files the app may store, 0 for no bound
 * @param retentionDays files older than this are removed, 0 to keep them
 * @param mediaOnly     whether uploads must be audio or images (anything else is refused)
 */
public record FilePolicy(long quotaBytes, int quotaFiles, int retentionDays, boolean mediaOnly) {

    /** What a new app gets: 10 GiB and 100,000 files, kept for ever, any type. */
    public static final FilePolicy DEFAULT = new FilePolicy(10L * 1024 * 1024 * 1024, 100_000, 0, false);
    /** The largest byte quota an app can be given (1 PiB). */
    public static final long MAX_QUOTA_BYTES = 1L << 50;
    /** The largest file-count quota an app can be given. */
    public static final int MAX_QUOTA_FILES = 1_000_000_000;

    /** @throws AppException for a quota or retention out of its range */
    public FilePolicy {
        if (quotaBytes < 0 || quotaBytes > MAX_QUOTA_BYTES) {
            throw new AppException(ErrorText.FILE_QUOTA_BYTES_RANGE, MAX_QUOTA_BYTES);
        }
        if (quotaFiles < 0 || quotaFiles > MAX_QUOTA_FILES) {
            throw new AppException(ErrorText.FILE_QUOTA_FILES_RANGE, MAX_QUOTA_FILES);
        }
        if (retentionDays < 0 || retentionDays > AppOptions.MAX_RETENTION_DAYS) {
            throw new AppException(ErrorText.FILE_RETENTION_RANGE, AppOptions.MAX_RETENTION_DAYS);
        }
    }
}
