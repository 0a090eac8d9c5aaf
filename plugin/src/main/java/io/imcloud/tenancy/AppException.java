package io.imcloud.tenancy;

import io.imcloud.i18n.ErrorText;
import io.imcloud.i18n.LocalizedException;

/**
 * An app's creation or options refused for a reason the operator can act on (an option out of its range, a callback URL
 * breaking its rules, a reserved org name); nothing was changed. The management API answers 400, the console shows it.
 */
public final class AppException extends LocalizedException {

    /** Refused as {@code text} with {@code arguments} describes. */
    public AppException(ErrorText text, Object... arguments) {
        super(text, arguments);
    }
}
