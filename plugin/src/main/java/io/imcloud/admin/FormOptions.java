package io.imcloud.admin;

import io.imcloud.tenancy.AppException;
import io.imcloud.tenancy.AppOptions;

import javax.servlet.http.HttpServletRequest;

/**
 * The app options of a create or options form: the open-registration and media-only checkboxes (absent
 * means off), the user limit, message and file retention in days (empty means the default on create,
 * unchanged on update), and the callback URL (empty means none on create, unchanged on update; the
 * remove-callback checkbox removes URL and secret). Either the options or the error to show. The options are
 * checked by {@link AppOptions}, the management API's rules (the callback URL's are {@link
 * io.imcloud.tenancy.CallbackUrls}'), and refused with the API's description in the console's language.
 */
record FormOptions(AppOptions options, Outcome error) {

    /** Reads the form's option fields, checked against {@link AppOptions}' limits. */
    static FormOptions read(HttpServletRequest request, Texts texts) {
        boolean open = "true".equals(request.getParameter("open_registration"));
        String maxUsers = request.getParameter("max_users");
        String retentionDays = request.getParameter("retention_days");
        String fileRetentionDays = request.getParameter("file_retention_days");
        boolean mediaOnly = "true".equals(request.getParameter("uploads_media_only"));
        if (!isBlankOrWithin(maxUsers, AppOptions.MAX_USERS_LIMIT)) {
            return failure(texts, "max_users", AppOptions.MAX_USERS_LIMIT);
        }
        if (!isBlankOrWithin(retentionDays, AppOptions.MAX_RETENTION_DAYS)) {
            return failure(texts, "retention_days", AppOptions.MAX_RETENTION_DAYS);
        }
        if (!isBlankOrWithin(fileRetentionDays, AppOptions.MAX_RETENTION_DAYS)) {
            return failure(texts, "file_retention_days", AppOptions.MAX_RETENTION_DAYS);
        }
        try {
            return new FormOptions(new AppOptions(open, integerOrNull(maxUsers), integerOrNull(retentionDays), null, null,
                    integerOrNull(fileRetentionDays), mediaOnly, callbackUrl(request)), null);
        } catch (AppException refused) {
            return new FormOptions(null, Outcome.failure(400, "illegal_argument", texts.get(refused.description())));
        }
    }

    /** {@code ""} (remove) when the remove box is ticked, null (no change) for nothing typed, else the URL typed. */
    private static String callbackUrl(HttpServletRequest request) {
        if ("true".equals(request.getParameter("remove_callback"))) {
            return "";
        }
        String typed = request.getParameter("callback_url");
        return typed == null || typed.isBlank() ? null : typed.strip();
    }

    private static FormOptions failure(Texts texts, String field, int limit) {
        String label = texts.get("imcloud.admin." + field);
        return new FormOptions(null, Outcome.failure(400, "illegal_argument",
                texts.get("imcloud.admin.error.range", label, limit)));
    }

    /** True for nothing typed, or a whole number from 0 to {@code limit} of at most nine digits. */
    private static boolean isBlankOrWithin(String typed, int limit) {
        if (typed == null || typed.isBlank()) {
            return true;
        }
        String digits = typed.strip();
        return digits.matches("[0-9]{1,9}") && Integer.parseInt(digits) <= limit;
    }

    private static Integer integerOrNull(String typed) {
        return typed == null || typed.isBlank() ? null : Integer.valueOf(typed.strip());
    }
}
