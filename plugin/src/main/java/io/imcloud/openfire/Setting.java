package io.imcloud.openfire;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One {@code plugin.imcloud.*} Openfire system property: its name, a safe default, and how a
 * property value becomes a typed value. Values that do not parse or are out of range are refused
 * with the rule they break, so that the operator learns about a typo instead of silently getting
 * some other number.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {

    private final String name;
    private final T defaultValue;
    private final String rule;
    private final Function<String, T> parser;

    private Setting(String name, T defaultValue, String rule, Function<String, T> parser) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.rule = rule;
        this.parser = parser;
    }

    /** A whole number between {@code min} and {@code max} inclusive. */
    public static Setting<Integer> integer(String name, int defaultValue, int min, int max) {
        String rule = "a whole number from " + min + " to " + max;
        return new Setting<>(name, defaultValue, rule, raw -> {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new IllegalArgumentException(rule);
            }
            return value;
        });
    }

    /** {@code true} or {@code false}, in any letter case. */
    public static Setting<Boolean> flag(String name, boolean defaultValue) {
        return new Setting<>(name, defaultValue, "true or false", raw -> switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("true or false");
        });
    }

    /** A text that {@code valid} accepts; {@code rule} tells the operator what that is. */
    public static Setting<String> text(String name, String defaultValue, Predicate<String> valid, String rule) {
        return new Setting<>(name, defaultValue, rule, raw -> {
            if (!valid.test(raw)) {
                throw new IllegalArgumentException(rule);
            }
            return raw;
        });
    }

    /** The Openfire system property name, e.g. {@code plugin.imcloud.mam.max}. */
    public String name() {
        return name;
    }

    /** The value used while the property is unset or invalid. */
    public T defaultValue() {
        return defaultValue;
    }

    /**
     * The value a property text stands for: the default when it is null or blank.
     *
     * @throws IllegalArgumentException when the text is not a valid value
     */
    public T parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            return parser.apply(raw.trim());
        } catch (IllegalArgumentException e) {
            // NumberFormatException included: the message is the rule, not Java's wording.
            throw new IllegalArgumentException(name + " must be " + rule + ", not '" + raw + "'", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
