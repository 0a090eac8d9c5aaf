package io.imcloud.rest;

import io.imcloud.archive.Archive;
import io.imcloud.archive.ArchiveFixtures;
import io.imcloud.archive.ArchivePurge;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.attachments.AttachmentLimits;
import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.UploadSlots;
import io.imcloud.groups.GroupLimits;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.RecordingRooms;
import io.imcloud.push.PushBindings;
import io.imcloud.push.StoredOffline;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.SigningKeyStore;
import io.imcloud.testsupport.CountingConnections;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.unread.ConversationList;
import io.imcloud.unread.UnreadCounters;
import io.imcloud.xmpp.GroupMessageArchiver;
import io.imcloud.xmpp.GroupRoomGuard;
import io.imcloud.xmpp.GroupRoomJids;
import io.imcloud.xmpp.ImcloudPacketInterceptor;
import io.imcloud.xmpp.MessageArchiver;
import io.imcloud.xmpp.MessageLimits;
import io.imcloud.xmpp.OfflineStateListener;
import io.imcloud.xmpp.PrivacyLists;
import io.imcloud.xmpp.TenantFirewall;
import io.imcloud.xmpp.XmppGroupDelivery;
import io.imcloud.xmpp.XmppMessageDelivery;
import org.apache.commons.io.file.PathUtils;
import org.dom4j.QName;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /** The multi-user chat service of the groups' rooms. */
    static final String MUC_DOMAIN = "conference." + DOMAIN;
    static final String PASSWORD = "pw-secret";

    final SqlArchive archive;
    /** The chat files that voice, image and file messages point at, in a directory removed on close. */
    final Attachments attachments;
    /** The statements the attachments' catalog prepares (only it uses these connections). */
    final CountingConnections fileQueries;
    private final Path filesDirectory;
    final List<Message> routed = new CopyOnWriteArrayList<>();
    /** Who blocks whom ({@code "blocker-node blocked-node"}) for the server-side sends' privacy check; see {@link #block}. */
    private final Set<String> blocks = ConcurrentHashMap.newKeySet();
    /** XEP-0191 as Openfire applies it to a message: the receiver's block or the sender's stops it. */
    private final PrivacyLists privacy = (message, sender) -> blocks.contains(message.getTo().getNode() + " " + message.getFrom().getNode())
            || blocks.contains(message.getFrom().getNode() + " " + message.getTo().getNode());
    /** What server-side sends to groups handed to their rooms to broadcast. */
    final List<Message> broadcast = new CopyOnWriteArrayList<>();
    /** The groups' rooms. */
    final RecordingRooms rooms = new RecordingRooms();
    final GroupRoomJids roomJids = new GroupRoomJids(MUC_DOMAIN);
    /** The group limits the groups see, replaceable by a test. */
    final AtomicReference<GroupLimits> groupLimits = new AtomicReference<>(GroupLimits.defaults());
    final GroupService groups;
    final GroupMessageArchiver groupArchiver;
    final TenantFirewall firewall;
    final ImcloudPacketInterceptor interceptor;
    final OfflineStateListener offline;
    /** The users' devices bound for push, served by the push routes. */
    final PushBindings bindings;
    /** Told of each archived message stored offline (the offline-message callbacks); nobody until a test sets it. */
    final AtomicReference<StoredOffline> storedOffline = new AtomicReference<>(StoredOffline.NONE);
    final RestHarnessStack s;
    /** Chat files served under the stack's own address, for REST answers and for clients' links alike. */
    final FileUrls fileUrls;
    private final AtomicReference<String> serverBase = new AtomicReference<>("");

    private ArchiveApiStack(TestDatabase db, Function<Archive, Archive> wrap) {
        this.archive = new SqlArchive(db, new MessageIds(1), ArchiveFixtures.settings(10_000, 200));
        Archive served = wrap.apply(archive);
        try {
            this.filesDirectory = Files.createTempDirectory("imcloud-files");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.fileQueries = new CountingConnections(db);
        this.attachments = new Attachments(fileQueries, filesDirectory, Clock.systemUTC(), AttachmentLimits::defaults);
        this.fileUrls = new FileUrls(() -> "", serverBase::get);
        AtomicReference<AppMembership> membership = new AtomicReference<>();
        this.groups = new GroupService(db, rooms, new ArchivePurge(db), user -> membership.get().isMember(user), archive::nextId,
                Clock.systemUTC(), groupLimits::get);
        List<RouteGroup> routeGroups = new ArrayList<>(ArchiveRoutes.all(served, new ConversationList(db), new UnreadCounters(db),
                new XmppMessageDelivery(DOMAIN, routed::add, privacy), attachments, fileUrls));
        routeGroups.add(new ChatfileRoutes(attachments, new UploadSlots(new SigningKeyStore(db, Clock.systemUTC()), Clock.systemUTC()),
                fileUrls));
        routeGroups.addAll(GroupRoutes.all(groups, archive, new XmppGroupDelivery(roomJids, broadcast::add), attachments, fileUrls));
        this.bindings = new PushBindings(db, Clock.systemUTC());
        routeGroups.add(new PushRoutes(bindings));
        this.s = RestHarnessStack.start(db, List.of(archive, groups, bindings), routeGroups.toArray(RouteGroup[]::new));
        membership.set(s.membership);
        serverBase.set(s.http.uri("").toString());
        this.firewall = new TenantFirewall(DOMAIN, s.membership, service -> false, MUC_DOMAIN::equals);
        this.groupArchiver = new GroupMessageArchiver(archive, firewall, roomJids, () -> MessageLimits.DEFAULTS, attachments::markUsed);
        this.interceptor = new ImcloudPacketInterceptor(firewall,
                new MessageArchiver(archive, firewall, () -> MessageLimits.DEFAULTS, PrivacyLists.NONE, attachments::markUsed), groupArchiver,
                new GroupRoomGuard(roomJids, groups), true, packet -> {
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

    /** {@code blocker} of {@code app} blocks {@code blocked}, as far as server-side sends are concerned. */
    void block(AppKey app, String blocker, String blocked) {
        blocks.add(app + "_" + blocker + " " + app + "_" + blocked);
    }

    /**
     * A member's {@code groupchat} message to the room of group {@code groupId}, as Openfire's multi-user chat service
     * handles it: read from the sender's session (the interceptor gives it its archive id), accepted by the room, which
     * replaces stanza-ids {@code by} itself with one of its own and broadcasts a copy (the listener archives it), and
     * sent to the sender's session and each occupant's session in {@code occupants} (the interceptor stamps the room's
     * stanza-id on it). Returns the copy as the occupants got it.
     */
    Message groupChat(AppKey app, long groupId, String from, String body, String clientId, String... occupants)
            throws PacketRejectedException {
        JID sender = new JID(app + "_" + from, DOMAIN, "phone");
        JID room = roomJids.room(app, groupId);
        Message m = new Message();
        m.setType(Message.Type.groupchat);
        m.setFrom(sender);
        m.setTo(room);
        m.setBody(body);
        m.setID(clientId);
        interceptor.interceptPacket(m, session(sender), true, false);
        Message inRoom = m.createCopy();
        inRoom.getElement().elements(QName.get("stanza-id", "urn:xmpp:sid:0")).forEach(e -> inRoom.getElement().remove(e));
        inRoom.getElement().addElement("stanza-id", "urn:xmpp:sid:0").addAttribute("by", room.toBareJID())
                .addAttribute("id", "openfire-uuid");
        inRoom.setFrom(new JID(room.getNode(), room.getDomain(), from));
        groupArchiver.onBroadcast(room, sender, inRoom);
        Message copy = inRoom.createCopy();
        interceptor.interceptPacket(copy, session(sender), false, false); // the room's echo to the sender
        for (String occupant : occupants) {
            interceptor.interceptPacket(copy, session(new JID(app + "_" + occupant, DOMAIN, "phone")), false, false);
        }
        return copy;
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

        Message groupChat(long groupId, String from, String body, String clientId, String... occupants)
                throws PacketRejectedException {
            return stack.groupChat(key(), groupId, from, body, clientId, occupants);
        }

        Response put(String path, String bearer, Object json) {
            return stack.s.http.put(path(path), bearer, json);
        }

        Response delete(String path, String bearer) {
            return stack.s.http.delete(path(path), bearer);
        }
    }
}
