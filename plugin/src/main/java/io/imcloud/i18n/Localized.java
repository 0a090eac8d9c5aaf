package io.imcloud.i18n;

import java.text.MessageFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * An error text with its arguments, rendered in the language of whoever reads it: the API's caller (its {@code
 * Accept-Language}), the console's operator, English in the log ({@link #toString()}). The arguments are kept as
 * text, put in by {@link MessageFormat} as they are (no digit grouping, whatever the language).
 *
 * @param text      which text
 * @param arguments exactly as many as the text takes
 */
public record Localized(ErrorText text, List<String> arguments) {

    /** @throws IllegalArgumentException when the number of arguments is not the text's */
    public Localized {
        arguments = List.copyOf(arguments);
        if (arguments.size() != text.arguments()) {
            throw new IllegalArgumentException(text + " takes " + text.arguments() + " arguments, not " + arguments.size());
        }
    }

    /** {@code text} with {@code arguments}, each as {@link String#valueOf(Object)} writes it. */
    public static Localized of(ErrorText text, Object... arguments) {
        return new Localized(text, Arrays.stream(arguments).map(String::valueOf).toList());
    }

    /**
     * The text in {@code locale}'s language (see {@link Bundles#of}); when the bundle lacks it (which a test
     * prevents), its key and arguments, so that an answer never fails for want of a text.
     */
    public String in(Locale locale) {
        ResourceBundle bundle = Bundles.of(locale);
        if (!bundle.containsKey(text.key())) {
            return text.key() + arguments;
        }
        return new MessageFormat(bundle.getString(text.key()), bundle.getLocale()).format(arguments.toArray());
    }

    /** The English text, for logs and exception messages. */
    @Override
    public String toString() {
        return in(Locale.ENGLISH);
    }
}
