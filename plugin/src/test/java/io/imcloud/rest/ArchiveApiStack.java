package io.imcloud.rest;

import io.imcloud.archive.Archive;
import io.imcloud.archive.ArchiveFixtures;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.attachments.AttachmentLimits;
import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.UploadSlots;
import io.imcloud.push.PushBindings;
import io.imcloud.push.StoredOffline;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.SigningKeyStore;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.unread.ConversationList;
import io.imcloud.unread.UnreadCounters;
import io.imcloud.xmpp.ImcloudPacketInterceptor;
import io.imcloud.xmpp.OfflineStateListener;
import io.imcloud.xmpp.TenantFirewall;
import io.imcloud.xmpp.XmppMessageDelivery;
import org.apache.commons.io.file.PathUtils;
import org.jivesoftware.openfire.interceptor.PacketRejectedException;
import org.jivesoftware.openfire.session.ClientSession;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static io.imcloud.testsupport.RestHarnessStack.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The REST stack with the archive routes on a real {@link SqlArchive}, and the real XMPP hooks next to
 * it: chat messages enter the archive through {@link ImcloudPacketInterceptor} as a client's would,
 * server-side sends leave through {@link XmppMessageDelivery} into {@link #routed}, and delivery states
 * come back through the interceptor ({@link #deliver}) and {@link OfflineStateListener} ({@link #storeOffline}).
 */
final class ArchiveApiStack implements AutoCloseable {

    static final String DOMAIN = "im.example.com";
    static final String PASSWORD = "pw-secret";

    final SqlArchive archive;
    /** The chat files that voice, image and file messages point at, in a directory removed on close. */
    final Attachments attachments;
    private final Path filesDirectory;
    final List<Message> routed = new CopyOnWriteArrayList<>();
    final ImcloudPacketInterceptor interceptor;
    final OfflineStateListener offline;
    /** The users' devices bound for push, served by the push routes. */
    final PushBindings bindings;
    /** Told of each archived message stored offline (the offline-message callbacks); nobody until a test sets it. */
    final AtomicReference<StoredOffline> storedOffline = new AtomicReference<>(StoredOffline.NONE);
    final RestHarnessStack s;

    private ArchiveApiStack(TestDatabase db, Function<Archive, Archive> wrap) {
        this.archive = new SqlArchive(db, new MessageIds(1), ArchiveFixtures.settings(10_000, 200));
        Archive served = wrap.apply(archive);
        try {
            this.filesDirectory = Files.createTempDirectory("imcloud-files");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.attachments = new Attachments(db, filesDirectory, Clock.systemUTC(), AttachmentLimits::defaults);
        List<RouteGroup> groups = new ArrayList<>(ArchiveRoutes.all(served, new ConversationList(db), new UnreadCounters(db),
                new XmppMessageDelivery(DOMAIN, routed::add), attachments));
        groups.add(new ChatfileRoutes(attachments, new UploadSlots(new SigningKeyStore(db, Clock.systemUTC()), Clock.systemUTC())));
        this.bindings = new PushBindings(db, Clock.systemUTC());
        groups.add(new PushRoutes(bindings));
        this.s = RestHarnessStack.start(db, List.of(archive, bindings), groups.toArray(RouteGroup[]::new));
        TenantFirewall firewall = new TenantFirewall(DOMAIN, s.membership, service -> false);
        this.interceptor = new ImcloudPacketInterceptor(archive, firewall, true, packet -> {
            throw new AssertionError("no error replies expected: " + packet.toXML());
        });
        this.offline = new OfflineStateListener(interceptor.archiver(),
                (receiver, msgId) -> storedOffline.get().messageStoredOffline(receiver, msgId));
    }

    static ArchiveApiStack start(TestDatabase db) {
        return new ArchiveApiStack(db, a -> a);
    }

    /** A stack whose routes see {@code wrap(archive)} (e.g. one whose queue fills up). */
    static ArchiveApiStack start(TestDatabase db, Function<Archive, Archive> wrap) {
        return new ArchiveApiStack(db, wrap);
    }

    /** An app with the given users registered over HTTP (password {@link #PASSWORD}). */
    TestApp app(String org, String name, String... usernames) {
        AppCredentials credentials = s.createApp(org, name, false);
        String token = s.appToken(credentials);
        List<Map<String, String>> batch = new ArrayList<>();
        for (String u : usernames) {
            batch.add(user(u, PASSWORD, u));
        }
        Response r = s.register(credentials, token, batch);
        assertEquals(200, r.status(), r.body());
        return new TestApp(this, credentials, token);
    }

    /** The bare JID of {@code username} of {@code app}. */
    static JID bare(AppKey app, String username) {
        return new JID(app + "_" + username, DOMAIN, null);
    }

    /** A client session of {@code address} (the one Openfire singleton type the hooks need). */
    static ClientSession session(JID address) {
        ClientSession session = mock(ClientSession.class);
        when(session.getAddress()).thenReturn(address);
        return session;
    }

    /**
     * A chat message read from {@code from}'s client session, through the real interceptor (which
     * archives and stamps it); returns the stamped stanza.
     */
    Message chat(AppKey app, String from, String to, String body, String clientId) throws PacketRejectedException {
        JID sender = new JID(app + "_" + from, DOMAIN, "phone");
        Message m = new Message();
        m.setType(Message.Type.chat);
        m.setFrom(sender);
        m.setTo(bare(app, to));
        m.setBody(body);
        m.setID(clientId);
        interceptor.interceptPacket(m, session(sender), true, false);
        return m;
    }

    /** Openfire handed {@code message} to a session of its receiver. */
    void deliver(Message message) throws PacketRejectedException {
        interceptor.interceptPacket(message, session(new JID(message.getTo().getNode(), DOMAIN, "phone")), false, true);
    }

    /** Openfire stored {@code message} offline. */
    void storeOffline(Message message) {
        offline.messageStored(message);
    }

    @Override
    public void close() {
        s.close();
        archive.close();
        try {
            PathUtils.deleteDirectory(filesDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One app of the stack, with its app token and helpers for its paths. */
    record TestApp(ArchiveApiStack stack, AppCredentials credentials, String token) {

        AppKey key() {
            return credentials.app().key();
        }

        /** {@code /{org}/{app}} + {@code path}. */
        String path(String path) {
            return "/" + key().org() + "/" + key().app() + path;
        }

        String userToken(String username) {
            return stack.s.userToken(credentials, username, PASSWORD);
        }

        Response get(String path, String bearer) {
            return stack.s.http.get(path(path), bearer);
        }

        Response post(String path, String bearer, Object json) {
            return stack.s.http.post(path(path), bearer, json);
        }

        Message chat(String from, String to, String body, String clientId) throws PacketRejectedException {
            return stack.chat(key(), from, to, body, clientId);
        }
    }
}
