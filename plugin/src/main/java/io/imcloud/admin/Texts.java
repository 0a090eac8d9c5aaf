package io.imcloud.admin;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The console pages' texts from the plugin's bundle {@code i18n/imcloud_i18n*.properties}, which
 * Openfire puts on the plugin's class path. A language without its own file gets the English base
 * file, never the JVM's default language.
 */
final class Texts {

    /** The bundle's base name. */
    static final String BUNDLE = "imcloud_i18n";

    private final ResourceBundle bundle;
    private final Locale locale;

    private Texts(ResourceBundle bundle, Locale locale) {
        this.bundle = bundle;
        this.locale = locale;
    }

    /** The texts in {@code locale}'s language (English when null). */
    static Texts in(Locale locale) {
        Locale language = locale == null ? Locale.ENGLISH : locale;
        ResourceBundle bundle = ResourceBundle.getBundle(BUNDLE, language, Texts.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        return new Texts(bundle, language);
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
}
