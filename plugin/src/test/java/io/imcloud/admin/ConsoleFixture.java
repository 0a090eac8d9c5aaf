package io.imcloud.admin;

import io.imcloud.admin.AdminPageHarness.Browser;
import io.imcloud.admin.AdminPageHarness.Page;
import io.imcloud.archive.ArchivePurge;
import io.imcloud.archive.MessageIds;
import io.imcloud.attachments.Attachments;
import io.imcloud.groups.GroupLimits;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.RecordingRooms;
import io.imcloud.push.CallbackQueue;
import io.imcloud.push.CallbackReport;
import io.imcloud.push.CallbackReports;
import io.imcloud.push.PushBindings;
import io.imcloud.push.PushHealth;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppStore;
import io.imcloud.testsupport.FakeSessions;
import io.imcloud.testsupport.ScramUserDirectory;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.testsupport.TestMembership;
import io.imcloud.users.AccountControl;
import io.imcloud.users.SquattedNames;
import io.imcloud.users.UserService;

import javax.servlet.Filter;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console pages on real stores over real HTTP, installed as the plugin installs them: one squatted name of two
 * found, 42 messages and 7 files (3.5 MB) for the apps named {@code chat}, one account control whose deactivations
 * unbind the user's devices, as the REST API's does, and the callbacks' reports of a real queue.
 */
final class ConsoleFixture implements AutoCloseable {

    static final SquattedNames.Report NONE_SQUATTED = new SquattedNames.Report(0, List.of());
    static final Function<AppKey, Attachments.FileUsage> NO_FILES = key -> new Attachments.FileUsage(0, 0);

    private static final Pattern SECRET = Pattern.compile(
            "id=\"imcloud-credentials\".*?<tr><th>[^<]*</th><td><code>([^<]*)</code>.*?<td><code>([^<]*)</code>.*?<td><code>([^<]*)</code>",
            Pattern.DOTALL);

    final AppStore apps;
    final UserService users;
    final ScramUserDirectory directory;
    final PushBindings pushBindings;
    final CallbackQueue callbackQueue;
    /** Who is online, and whose sessions the console closed. */
    final FakeSessions sessions = new FakeSessions();
    final AdminConsole.Installation installation;
    final AdminPageHarness http;

    ConsoleFixture(TestDatabase db, Locale locale, Filter filter) {
        apps = new AppStore(db, Clock.systemUTC());
        directory = new ScramUserDirectory(db);
        users = new UserService(db, directory, Clock.systemUTC(), TestMembership.on(db));
        pushBindings = new PushBindings(db, Clock.systemUTC());
        callbackQueue = new CallbackQueue(db);
        installation = AdminConsole.install(new AdminConsole.Services(apps,
                new AppRemoval(apps, List.of(users, new ArchivePurge(db))), users,
                new AccountControl(users, sessions, pushBindings::unbindAll), () -> locale,
                new SquattedNames.Report(2, List.of("acme#chat_eve")),
                key -> key.app().equals("chat") ? new Attachments.FileUsage(3 * 1024 * 1024 + 512 * 1024, 7)
                        : new Attachments.FileUsage(0, 0), key -> key.app().equals("chat") ? 42 : 0, groups(db),
                new CallbackReports(db, callbackQueue::health)::of));
        http = AdminPageHarness.start(filter);
    }

    ConsoleFixture(TestDatabase db) {
        this(db, Locale.ENGLISH, null);
    }

    @Override
    public void close() {
        http.close();
        installation.close();
    }

    /** The console's components with nothing online, no files and no messages, and {@code groups}. */
    static AdminConsole.Services services(AppStore apps, AppRemoval removal, TestDatabase db, GroupService groups) {
        UserService users = new UserService(db, new ScramUserDirectory(db), Clock.systemUTC(), TestMembership.on(db));
        return new AdminConsole.Services(apps, removal, users, new AccountControl(users, new FakeSessions(), user -> { }),
                () -> Locale.ENGLISH, NONE_SQUATTED, NO_FILES, key -> 0, groups, key -> new CallbackReport(PushHealth.NONE, 0, null, null));
    }

    /** The groups of the apps on {@code db}, their rooms recorded. */
    static GroupService groups(TestDatabase db) {
        return new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, new MessageIds(1)::next,
                Clock.systemUTC(), GroupLimits::defaults);
    }

    /** The credentials block of a page: app key, client id, client secret. */
    static String[] credentials(Page page) {
        Matcher m = SECRET.matcher(page.body());
        assertTrue(m.find(), "credentials shown: " + page);
        return new String[] {m.group(1), m.group(2), m.group(3)};
    }

    /** Submits the create form for {@code org#app} with {@code more} fields (name, value pairs). */
    static Page create(Browser browser, String org, String app, String... more) {
        String[] form = new String[6 + more.length];
        System.arraycopy(new String[] {"action", "create", "org", org, "app", app}, 0, form, 0, 6);
        System.arraycopy(more, 0, form, 6, more.length);
        return browser.submit(form);
    }
}
