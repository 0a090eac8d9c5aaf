package io.imcloud.admin;

import io.imcloud.i18n.Bundles;
import io.imcloud.i18n.Localized;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The console pages' texts from the plugin's bundle ({@link Bundles}), in the console's language: their own, and the
 * domain's refusals ({@link Localized}) as the REST API describes them.
 */
final class Texts {

    private final ResourceBundle bundle;
    private final Locale locale;

    private Texts(ResourceBundle bundle, Locale locale) {
        this.bundle = bundle;
        this.locale = locale;
    }

    /** The texts in {@code locale}'s language (English when null). */
    static Texts in(Locale locale) {
        Locale language = locale == null ? Locale.ENGLISH : locale;
        return new Texts(Bundles.of(language), language);
    }

    /**
     * The text of {@code key}, with {@code arguments} put in by {@link MessageFormat} when there are
     * any; the key itself when the bundle lacks it, so a missing text shows instead of failing the page.
     */
    String get(String key, Object... arguments) {
        if (!bundle.containsKey(key)) {
            return key;
        }
        String text = bundle.getString(key);
        return arguments.length == 0 ? text : new MessageFormat(text, locale).format(arguments);
    }

    /** A refusal's description in the console's language. */
    String get(Localized refusal) {
        return refusal.in(locale);
    }
}
