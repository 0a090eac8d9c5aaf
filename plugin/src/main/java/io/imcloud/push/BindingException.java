package io.imcloud.push;

import io.imcloud.i18n.ErrorText;
import io.imcloud.i18n.LocalizedException;

/** A device binding refused (a field breaking its rules, one device too many); nothing was changed. */
public final class BindingException extends LocalizedException {

    /** Refused as {@code text} with {@code arguments} describes. */
    public BindingException(ErrorText text, Object... arguments) {
        super(text, arguments);
    }
}
