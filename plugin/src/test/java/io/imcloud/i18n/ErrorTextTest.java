package io.imcloud.i18n;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The error texts are complete in both languages: every {@link ErrorText} has its key in each bundle file, with exactly
 * its arguments, the Chinese texts are Chinese, and the two files have the same keys. Each file is read on its own: a
 * {@link java.util.ResourceBundle} would fill a gap of the Chinese file from the English one.
 */
class ErrorTextTest {

    private static final Path ENGLISH = Path.of("i18n/imcloud_i18n.properties");
    private static final Path CHINESE = Path.of("i18n/imcloud_i18n_zh_CN.properties");
    private static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)[,}]");
    private static final Pattern CJK = Pattern.compile("\\p{IsHan}");

    private static Properties load(Path file) throws IOException {
        Properties texts = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            texts.load(in);
        }
        return texts;
    }

    /** The argument indices a pattern uses, with quoted text ({@code '...'}) left out as MessageFormat does. */
    private static Set<Integer> argumentsOf(String pattern) {
        String unquoted = pattern.replace("''", "").replaceAll("'[^']*'", "");
        Set<Integer> used = new TreeSet<>();
        Matcher m = ARGUMENT.matcher(unquoted);
        while (m.find()) {
            used.add(Integer.parseInt(m.group(1)));
        }
        return used;
    }

    @Test
    void everyTextIsInBothLanguagesWithExactlyItsArguments() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : List.of(ENGLISH, CHINESE)) {
            Properties texts = load(file);
            for (ErrorText text : ErrorText.values()) {
                String pattern = texts.getProperty(text.key());
                if (pattern == null) {
                    problems.add(file + " lacks " + text.key());
                    continue;
                }
                Set<Integer> expected = IntStream.range(0, text.arguments()).boxed().collect(Collectors.toCollection(TreeSet::new));
                if (!argumentsOf(pattern).equals(expected)) {
                    problems.add(file + ": " + text.key() + " uses arguments " + argumentsOf(pattern) + ", " + text + " takes "
                            + text.arguments());
                }
                if (pattern.replace("''", "").contains("'")) {
                    problems.add(file + ": " + text.key() + " has a single quote, which MessageFormat drops (write '')");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theChineseTextsAreChineseAndNoCopiesOfTheEnglish() throws IOException {
        Properties english = load(ENGLISH);
        Properties chinese = load(CHINESE);
        List<String> untranslated = Arrays.stream(ErrorText.values()).map(ErrorText::key)
                .filter(key -> chinese.containsKey(key) && (!CJK.matcher(chinese.getProperty(key)).find()
                        || chinese.getProperty(key).equals(english.getProperty(key))))
                .toList();
        assertEquals(List.of(), untranslated);
    }

    @Test
    void bothLanguagesHaveTheSameKeysAndNoErrorTextWithoutItsConstant() throws IOException {
        Set<String> english = new TreeSet<>(load(ENGLISH).stringPropertyNames());
        Set<String> chinese = new TreeSet<>(load(CHINESE).stringPropertyNames());
        Set<String> onlyEnglish = new TreeSet<>(english);
        onlyEnglish.removeAll(chinese);
        Set<String> onlyChinese = new TreeSet<>(chinese);
        onlyChinese.removeAll(english);
        assertEquals(Set.of(), onlyEnglish, "keys missing in " + CHINESE);
        assertEquals(Set.of(), onlyChinese, "keys missing in " + ENGLISH);

        Set<String> constants = Arrays.stream(ErrorText.values()).map(ErrorText::key).collect(Collectors.toSet());
        Set<String> stale = english.stream().filter(k -> k.startsWith(ErrorText.KEY_PREFIX) && !constants.contains(k))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), stale, "texts no constant names");
    }

    @Test
    void rendersInTheReadersLanguageWithTheArgumentsAsTheyAre() {
        Localized full = Localized.of(ErrorText.GROUP_FULL, 42L, 3, 100_000, 2);
        assertEquals("Group 42 has 3 of at most 100000 members; 2 more do not fit", full.toString(), "no digit grouping");
        assertEquals(full.toString(), full.in(Locale.ENGLISH));
        assertEquals("群组 42 已有 3 名成员（上限 100000 名），容纳不下另外 2 名", full.in(Locale.SIMPLIFIED_CHINESE));
        assertEquals(full.toString(), full.in(Locale.FRENCH), "a language the plugin does not speak gets English");
        assertEquals("The org name 'management' is reserved", Localized.of(ErrorText.RESERVED_ORG, "management").toString());
        assertEquals("The request body must be {\"nickname\": \"...\"}",
                Localized.of(ErrorText.BODY_MUST_BE, "{\"nickname\": \"...\"}").toString(), "braces of an argument stay");

        assertThrows(IllegalArgumentException.class, () -> Localized.of(ErrorText.GROUP_FULL, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> Localized.of(ErrorText.BODY_EMPTY, "extra"));
    }
}
