package io.imcloud.tenancy;

import io.imcloud.i18n.ErrorText;

/**
 * The operator-set options of an app. A null field means "leave as it is" on update and "the
 * default" on create (closed registration, no user limit, keep messages for ever).
 *
 * @param openRegistration whether users may register without an app token
 * @param maxUsers         0 (no limit) to {@value #MAX_USERS_LIMIT}
 * @param retentionDays    0 (keep for ever) to {@value #MAX_RETENTION_DAYS}
 * @param fileQuotaBytes   see {@link FilePolicy#quotaBytes()}
 * @param fileQuotaFiles   see {@link FilePolicy#quotaFiles()}
 * @param fileRetentionDays see {@link FilePolicy#retentionDays()}
 * @param mediaOnlyUploads see {@link FilePolicy#mediaOnly()}
 * @param callbackUrl      where offline-message callbacks are posted ({@link CallbackUrls#check}); the empty text
 *                         removes the callback (and its secret); a URL set where there was none comes with a new
 *                         callback secret
 */
public record AppOptions(Boolean openRegistration, Integer maxUsers, Integer retentionDays, Long fileQuotaBytes,
                         Integer fileQuotaFiles, Integer fileRetentionDays, Boolean mediaOnlyUploads, String callbackUrl) {

    /** The highest user limit an app can be given. */
    public static final int MAX_USERS_LIMIT = 100_000_000;
    /** The longest retention an app can be given (100 years). */
    public static final int MAX_RETENTION_DAYS = 36_500;

    /** @throws AppException for a value out of its range or a callback URL that breaks {@link CallbackUrls}' rules */
    public AppOptions {
        if (maxUsers != null && (maxUsers < 0 || maxUsers > MAX_USERS_LIMIT)) {
            throw new AppException(ErrorText.MAX_USERS_RANGE, MAX_USERS_LIMIT);
        }
        if (retentionDays != null && (retentionDays < 0 || retentionDays > MAX_RETENTION_DAYS)) {
            throw new AppException(ErrorText.RETENTION_RANGE, MAX_RETENTION_DAYS);
        }
        // the policy checks its own ranges: a bad value fails here, before anything is written
        filesOver(FilePolicy.DEFAULT);
        if (callbackUrl != null && !callbackUrl.isEmpty()) {
            CallbackUrls.check(callbackUrl);
        }
    }

    /** The options without a callback change. */
    public AppOptions(Boolean openRegistration, Integer maxUsers, Integer retentionDays, Long fileQuotaBytes,
                      Integer fileQuotaFiles, Integer fileRetentionDays, Boolean mediaOnlyUploads) {
        this(openRegistration, maxUsers, retentionDays, fileQuotaBytes, fileQuotaFiles, fileRetentionDays, mediaOnlyUploads, null);
    }

    /** The options of registration, users and message retention only; the file options left as they are. */
    public AppOptions(Boolean openRegistration, Integer maxUsers, Integer retentionDays) {
        this(openRegistration, maxUsers, retentionDays, null, null, null, null, null);
    }

    /** {@code base} with the file options that are set here. */
    public FilePolicy filesOver(FilePolicy base) {
        return new FilePolicy(fileQuotaBytes == null ? base.quotaBytes() : fileQuotaBytes,
                fileQuotaFiles == null ? base.quotaFiles() : fileQuotaFiles,
                fileRetentionDays == null ? base.retentionDays() : fileRetentionDays,
                mediaOnlyUploads == null ? base.mediaOnly() : mediaOnlyUploads);
    }

    /** Only the callback URL ({@code ""} removes it). */
    public static AppOptions callback(String callbackUrl) {
        return new AppOptions(null, null, null, null, null, null, null, callbackUrl);
    }

    /** No change / all defaults. */
    public static AppOptions none() {
        return new AppOptions(null, null, null, null, null, null, null, null);
    }
}
