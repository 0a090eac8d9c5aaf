package io.imcloud.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imcloud.archive.ArchiveFixtures;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.attachments.AttachmentLimits;
import io.imcloud.attachments.Attachments;
import io.imcloud.rest.FileUrls;
import io.imcloud.rest.MessageJson;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.tenancy.AppStamps;
import io.imcloud.tenancy.AppStore;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.TestDatabase;
import org.apache.commons.io.FileUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offline-message callbacks on one test database: a real {@link SqlArchive}, the app store, the device bindings, the
 * queue, and dispatchers started by the test (closed with the fixture). Messages are archived as stored offline and
 * reported to a dispatcher as the offline listener reports them.
 */
final class CallbackFixture implements AutoCloseable {

    static final AppKey APP = AppKey.of("acme", "chat");
    static final AppKey OTHER = AppKey.of("acme", "other");

    final TestDatabase db;
    final SqlArchive archive;
    final AppStore apps;
    final PushBindings bindings;
    final CallbackQueue queue;
    /** What callbacks read file links from: an empty store in a directory of the fixture's own. */
    final Attachments attachments;
    private final Path filesDirectory;
    final ObjectMapper json = new ObjectMapper();
    private final List<CallbackDispatcher> dispatchers = new ArrayList<>();

    CallbackFixture(TestDatabase db) {
        this.db = db;
        this.archive = new SqlArchive(db, new MessageIds(1), ArchiveFixtures.settings(10_000, 200));
        // no caching: a callback URL set by the test is seen at once
        this.apps = new AppStore(db, Clock.systemUTC(), 0, AppStamps.local());
        this.bindings = new PushBindings(db, Clock.systemUTC());
        this.queue = new CallbackQueue(db);
        try {
            this.filesDirectory = Files.createTempDirectory("callback-files");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.attachments = new Attachments(db, filesDirectory, Clock.systemUTC(), AttachmentLimits::defaults);
    }

    /** Quick settings for tests: 3 attempts 100 ms apart (doubling to 400 ms), polled every 50 ms; 5 s timeouts, so that a slow first connection on a loaded machine does not time out (and come again). */
    static PushSettings fast() {
        return new PushSettings(Duration.ofSeconds(5), 3, Duration.ofMillis(100), Duration.ofMillis(400), 1_000, 4, 16,
                1_000, Duration.ofMillis(50));
    }

    /** Creates {@code app} with {@code callbackUrl} (null for none); returns its callback secret (null for none). */
    String createApp(AppKey app, String callbackUrl) {
        return apps.create(app, AppOptions.callback(callbackUrl)).orElseThrow().callbackSecret();
    }

    /** A started dispatcher with {@code settings}, closed with the fixture unless the test closes it first. */
    CallbackDispatcher dispatcher(PushSettings settings) {
        CallbackDispatcher d = new CallbackDispatcher(queue, bindings, archive, apps::find, apps::callback,
                MessageJson.exporter(json, attachments, new FileUrls(() -> "", () -> "http://im.example.com:7070/imcloud")), json, () -> settings, Clock.systemUTC()).start();
        dispatchers.add(d);
        return d;
    }

    /** Binds a device of {@code user}. */
    void bind(AppKey app, String user, String deviceId, String token) {
        bindings.bind(AppUser.of(app, user), deviceId, token, "notifier-" + deviceId);
    }

    /** Archives a chat message as stored offline (committed) and reports it to {@code dispatcher}; returns its id. */
    long offline(CallbackDispatcher dispatcher, AppKey app, String from, String to, String text, String extJson) {
        long id = archive(app, from, to, text, extJson);
        dispatcher.messageStoredOffline(AppUser.of(app, to), id);
        return id;
    }

    /** Archives a chat message as stored offline (committed), reporting it to nobody; returns its id. */
    long archiveOffline(AppKey app, String from, String to, String text) {
        return archive(app, from, to, text, null);
    }

    private long archive(AppKey app, String from, String to, String text, String extJson) {
        long id = archive.nextId();
        archive.append(new ArchivedMessage(id, app, from, to, MessageIds.timestampOf(id), "chat", text, extJson, null, "c" + id,
                DeliveryState.OFFLINE));
        archive.flush();
        return id;
    }

    /** Rows of the callback queue in {@code state}. */
    long rows(int state) throws SQLException {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM ofImPushQueue WHERE state = ?")) {
            ps.setInt(1, state);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Polls {@code condition} for up to 20 s. */
    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                assertTrue(condition.getAsBoolean(), what);
                return;
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        dispatchers.forEach(CallbackDispatcher::close);
        archive.close();
        FileUtils.deleteQuietly(filesDirectory.toFile());
    }
}
