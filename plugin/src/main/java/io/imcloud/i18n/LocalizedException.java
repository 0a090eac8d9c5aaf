package io.imcloud.i18n;

/**
 * A refusal whose description is an {@link ErrorText} with arguments rather than English: the REST API renders it in
 * its caller's language, the console in the operator's; the exception's message is the English text, for the log.
 * The REST API's own errors and the domain's refusals (users, groups, attachments, apps, devices) extend it.
 */
public abstract class LocalizedException extends RuntimeException {

    private final transient Localized description;

    /** A refusal described by {@code description}. */
    protected LocalizedException(Localized description) {
        super(description.toString());
        this.description = description;
    }

    /** A refusal described by {@code text} with {@code arguments}. */
    protected LocalizedException(ErrorText text, Object... arguments) {
        this(Localized.of(text, arguments));
    }

    /** What went wrong, in any language. */
    public Localized description() {
        return description;
    }
}
