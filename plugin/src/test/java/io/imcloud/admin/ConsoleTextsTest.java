package io.imcloud.admin;

import io.imcloud.attachments.Attachments;
import io.imcloud.push.CallbackReport;
import io.imcloud.push.PushHealth;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.FilePolicy;
import io.imcloud.users.SquattedNames;
import io.imcloud.users.UserAccount;
import io.imcloud.users.UserPage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every text the console shows comes from the bundle, in English and in Chinese: a key the code names and a bundle
 * lacks would show as the key itself, so both the keys in the sources and the rendered pages are checked.
 */
class ConsoleTextsTest {

    private static final List<Locale> LANGUAGES = List.of(Locale.ENGLISH, Locale.SIMPLIFIED_CHINESE);
    private static final Pattern KEY = Pattern.compile("\"(imcloud\\.[a-z_.]*[a-z_])\"");
    private static final Pattern SHOWN_KEY = Pattern.compile("imcloud\\.(admin|users|apps)\\.?[a-z_.]*");

    @Test
    void everyKeyTheCodeNamesIsInEveryLanguage() throws IOException {
        Set<String> named = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("plugin/src/main/java/io/imcloud"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = KEY.matcher(Files.readString(source));
                while (m.find()) {
                    named.add(m.group(1));
                }
            }
        }
        // keys made of a prefix and a value
        named.addAll(List.of("imcloud.users.done.activate", "imcloud.users.done.deactivate"));
        // each file on its own: a bundle would fill a gap of the Chinese file from the English one
        for (String file : List.of("i18n/imcloud_i18n.properties", "i18n/imcloud_i18n_zh_CN.properties")) {
            Properties texts = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                texts.load(in);
            }
            Set<String> missing = new TreeSet<>(named);
            missing.removeIf(texts::containsKey);
            assertEquals(Set.of(), missing, "missing in " + file);
        }
    }

    @Test
    void renderedPagesShowNoKey() {
        AppKey key = AppKey.of("acme", "chat");
        App app = new App(key, "uuid", "YXA6id", 1, true, 10, 30, FilePolicy.DEFAULT, "https://example.com/cb", 0, 0);
        CallbackReport failing = new CallbackReport(new PushHealth(2, 5, 1, 3), 1, new CallbackReport.Failure(0, 2, "HTTP 500"),
                new CallbackReport.Failure(0, 8, "HTTP 502"));
        UserAccount alice = new UserAccount("u1", AppUser.of(key, "alice"), "Alice", 0, 0, true, 0);
        UserAccount bob = new UserAccount("u2", AppUser.of(key, "bob"), null, 0, 0, false, 0);
        for (Locale language : LANGUAGES) {
            Texts texts = Texts.in(language);
            String apps = new AppsPage(texts, "t", "o", k -> new Attachments.FileUsage(1, 1), k -> failing).render(List.of(app),
                    true, Outcome.success(texts.get("imcloud.admin.done.created", key),
                            Outcome.Secrets.of(new AppCredentials(app, "secret", "callback-secret"))),
                    new SquattedNames.Report(3, List.of("acme#chat_eve")));
            String users = new UsersPage(texts, "t", "o").render(app, new UsersPage.Figures(2, 5, new Attachments.FileUsage(0, 0)),
                    "a", new UserPage(List.of(alice, bob), "bob"), u -> true,
                    Outcome.failure(400, "illegal_argument", texts.get("imcloud.users.error.confirm", "bob")));
            String missing = new UsersPage(texts, "t", null).notFound("x#y");
            for (String page : List.of(apps, users, missing)) {
                Matcher shown = SHOWN_KEY.matcher(page);
                boolean found = shown.find();
                assertFalse(found, language + ": a key shows instead of its text: " + (found ? shown.group() : ""));
            }
        }
    }
}
