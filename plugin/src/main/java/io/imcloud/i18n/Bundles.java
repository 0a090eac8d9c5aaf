package io.imcloud.i18n;

import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The plugin's texts: the bundle {@code i18n/imcloud_i18n*.properties}, which Openfire puts on the plugin's class path
 * (and the build on the tests'). Read with plain {@link ResourceBundle}, not Openfire's {@code LocaleUtils}, so that
 * the REST API and the tests need no running Openfire. A language without its own file gets the English base file,
 * never the JVM's default language.
 */
public final class Bundles {

    /** The bundle's base name. */
    public static final String BASE_NAME = "imcloud_i18n";
    /** The languages the plugin speaks, each with its own file; the first is the base file's. */
    public static final List<Locale> LANGUAGES = List.of(Locale.ENGLISH, Locale.SIMPLIFIED_CHINESE);

    private Bundles() {
    }

    /** The texts in {@code locale}'s language (English when null or when the plugin does not speak it). */
    public static ResourceBundle of(Locale locale) {
        return ResourceBundle.getBundle(BASE_NAME, locale == null ? Locale.ENGLISH : locale, Bundles.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }
}
