package io.imcloud.tenancy;

/**
 * The operator-set options of an app. A null field means "leave as it is" on update and "the
 * default" on create (closed registration, no user limit, keep messages for ever).
 *
 * @param openRegistration whether users may register without an app token
 * @param maxUsers         0 (no limit) to {@value #MAX_USERS_LIMIT}
 * @param retentionDays    0 (keep for ever) to {@value #MAX_RETENTION_DAYS}
 */
public record AppOptions(Boolean openRegistration, Integer maxUsers, Integer retentionDays) {

    /** The highest user limit an app can be given. */
    public static final int MAX_USERS_LIMIT = 100_000_000;
    /** The longest retention an app can be given (100 years). */
    public static final int MAX_RETENTION_DAYS = 36_500;

    public AppOptions {
        if (maxUsers != null && (maxUsers < 0 || maxUsers > MAX_USERS_LIMIT)) {
            throw new IllegalArgumentException("max_users must be 0 (no limit) to " + MAX_USERS_LIMIT);
        }
        if (retentionDays != null && (retentionDays < 0 || retentionDays > MAX_RETENTION_DAYS)) {
            throw new IllegalArgumentException("retention_days must be 0 (for ever) to " + MAX_RETENTION_DAYS);
        }
    }

    /** No change / all defaults. */
    public static AppOptions none() {
        return new AppOptions(null, null, null);
    }
}
