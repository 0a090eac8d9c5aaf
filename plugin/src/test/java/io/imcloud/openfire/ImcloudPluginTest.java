package io.imcloud.openfire;

import io.imcloud.admin.AdminConsole;
import io.imcloud.archive.ArchivePurge;
import io.imcloud.archive.MessageIds;
import io.imcloud.attachments.Attachments;
import io.imcloud.groups.GroupLimits;
import io.imcloud.groups.GroupService;
import io.imcloud.groups.RecordingRooms;
import io.imcloud.push.CallbackReport;
import io.imcloud.push.PushHealth;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppStore;
import io.imcloud.testsupport.ScramUserDirectory;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.testsupport.TestJetty;
import io.imcloud.testsupport.TestMembership;
import io.imcloud.users.AccountControl;
import io.imcloud.users.SquattedNames;
import io.imcloud.users.UserService;
import io.imcloud.xmpp.HttpUploadService;
import io.imcloud.xmpp.ImcloudPacketInterceptor;
import io.imcloud.xmpp.MamIqHandler;
import io.imcloud.xmpp.RoomMamIqHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.jivesoftware.database.DbConnectionManager;
import org.jivesoftware.openfire.IQRouter;
import org.jivesoftware.openfire.MessageRouter;
import org.jivesoftware.openfire.PacketRouter;
import org.jivesoftware.openfire.XMPPServer;
import org.jivesoftware.openfire.XMPPServerInfo;
import org.jivesoftware.openfire.component.InternalComponentManager;
import org.jivesoftware.openfire.disco.IQDiscoInfoHandler;
import org.jivesoftware.openfire.interceptor.InterceptorManager;
import org.jivesoftware.openfire.muc.MultiUserChatManager;
import org.jivesoftware.openfire.muc.MultiUserChatService;
import org.jivesoftware.util.JiveGlobals;
import org.jivesoftware.util.PropertyEventDispatcher.EventType;
import org.jivesoftware.util.PropertyEventDispatcher;
import org.jivesoftware.util.cache.CacheFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The plugin's whole load and unload: its tables on a real HSQLDB behind Openfire's (mocked)
 * connection manager, the REST API on a real Jetty 12 ee8 server with 5.1.1's handler registry, the
 * interceptor in Openfire's real {@link InterceptorManager}, the settings listener in the real
 * {@link PropertyEventDispatcher}. What needs a running Openfire (property store, routers) is mocked.
 */
class ImcloudPluginTest {

    private static final String MAM_MAX = "plugin.imcloud.mam.max";

    private final AtomicInteger reads = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();
    private MockedStatic<JiveGlobals> properties;
    private MockedStatic<DbConnectionManager> database;
    private MockedStatic<XMPPServer> xmppServer;
    private TestDatabase db;
    private Server jetty;
    private JettyBridge bridge;
    private IQRouter iqRouter;
    private MultiUserChatService mucService;
    private MockedStatic<InternalComponentManager> components;
    private InternalComponentManager componentManager;

    @BeforeEach
    void mockOpenfire() throws Exception {
        properties = mockStatic(JiveGlobals.class);
        properties.when(() -> JiveGlobals.getProperty(MAM_MAX)).thenAnswer(invocation -> {
            reads.incrementAndGet();
            return null;
        });
        db = TestDatabase.create(DatabaseType.HSQLDB);
        try (Connection con = db.getConnection(); Statement st = con.createStatement()) {
            st.execute("CREATE TABLE ofUser (username VARCHAR(64) NOT NULL, PRIMARY KEY (username))"); // Openfire's, read at start
            // Openfire's too: its privacy list store counts the lists when the plugin first asks for it
            st.execute("CREATE TABLE ofPrivacyList (username VARCHAR(64) NOT NULL, name VARCHAR(100) NOT NULL,"
                    + " isDefault INTEGER NOT NULL, list LONGVARCHAR NOT NULL, PRIMARY KEY (username, name))");
        }
        database = mockStatic(DbConnectionManager.class);
        database.when(DbConnectionManager::getConnection).thenAnswer(invocation -> db.getConnection());

        XMPPServer server = mock(XMPPServer.class);
        XMPPServerInfo info = mock(XMPPServerInfo.class);
        when(info.getXMPPDomain()).thenReturn("example.com");
        when(server.getServerInfo()).thenReturn(info);
        when(server.getPacketRouter()).thenReturn(mock(PacketRouter.class));
        when(server.getMessageRouter()).thenReturn(mock(MessageRouter.class));
        iqRouter = mock(IQRouter.class);
        when(server.getIQRouter()).thenReturn(iqRouter);
        when(server.getIQDiscoInfoHandler()).thenReturn(mock(IQDiscoInfoHandler.class));
        MultiUserChatManager mucManager = mock(MultiUserChatManager.class);
        mucService = mock(MultiUserChatService.class);
        when(mucManager.getMultiUserChatService("conference")).thenReturn(mucService);
        when(server.getMultiUserChatManager()).thenReturn(mucManager);
        xmppServer = mockStatic(XMPPServer.class);
        xmppServer.when(XMPPServer::getInstance).thenReturn(server);
        componentManager = mock(InternalComponentManager.class);
        components = mockStatic(InternalComponentManager.class);
        components.when(InternalComponentManager::getInstance).thenReturn(componentManager);

        Handler.Sequence extensionHandlers = new Handler.Sequence();
        jetty = TestJetty.start("127.0.0.1", extensionHandlers);
        bridge = new JettyBridge(new JettyBridgeTest.OpenfireLikeRegistry(extensionHandlers), Server.class.getClassLoader());
    }

    @AfterEach
    void release() throws Exception {
        jetty.stop();
        components.close();
        xmppServer.close();
        database.close();
        properties.close();
        db.close();
    }

    @Test
    void loadsEveryComponentAndUnloadsEveryOne() throws Exception {
        database.when(DbConnectionManager::getDatabaseType).thenReturn(DbConnectionManager.DatabaseType.hsqldb);
        ImcloudPlugin plugin = new ImcloudPlugin(() -> bridge);

        plugin.initializePlugin(null, new File("target/plugins/imcloud"));

        assertTrue(imcloudInterceptorInstalled(), "interceptor added");
        verify(iqRouter).addHandler(any(MamIqHandler.class));
        verify(componentManager).addComponent(eq("upload"), any(HttpUploadService.class));
        verify(mucService).addIQHandler(any(RoomMamIqHandler.class));
        assertTrue(writerThreadAlive(), "archive writer running");
        assertEquals(1, db.count("ofImNode"), "node id leased");
        assertTrue(threadAlive("imcloud-node-lease"), "lease heartbeat running");
        assertTrue(threadAlive("imcloud-push-callbacks"), "offline-message callback sender running");
        assertTrue(Arrays.stream(CacheFactory.getAllCaches()).anyMatch(c -> OpenfireAppStamps.NAME.equals(c.getName())),
                "app stamps in an Openfire cache");
        assertTrue(Arrays.stream(CacheFactory.getAllCaches()).anyMatch(c -> PrivacyListOwners.NAME.equals(c.getName())),
                "privacy list owners in an Openfire cache");
        HttpResponse<String> served = get("/imcloud/acme/chat/users");
        assertEquals(401, served.statusCode(), "no token");
        assertTrue(served.body().contains("\"unauthorized\""), "answered by our servlet with an Easemob error: " + served.body());
        assertEquals(401, get("/imcloud/acme/chat/users/bob/unread").statusCode(), "archive routes mounted");
        assertEquals(401, get("/imcloud/acme/chat/users/bob/conversations").statusCode(), "conversation routes mounted");
        assertEquals(401, get("/imcloud/acme/chat/chatgroups").statusCode(), "group routes mounted");
        assertEquals(401, get("/imcloud/acme/chat/users/bob/push/binding").statusCode(), "push binding routes mounted");
        assertEquals(404, get("/imcloud/acme/chat/no-such-route").statusCode(), "unknown routes are 404");
        assertEquals(2, readsOfMamMaxAfterAChange(), "settings read at start and again after the change");
        assertThrows(IllegalStateException.class, this::installAdminConsole, "the console page has the plugin's components");

        plugin.destroyPlugin();

        assertFalse(imcloudInterceptorInstalled(), "interceptor removed");
        verify(iqRouter).removeHandler(any(MamIqHandler.class));
        verify(componentManager).removeComponent(eq("upload"), any(HttpUploadService.class));
        verify(mucService).removeIQHandler(any(RoomMamIqHandler.class));
        assertFalse(writerThreadAlive(), "archive writer stopped");
        assertEquals(0, db.count("ofImNode"), "node id released");
        assertFalse(threadAlive("imcloud-node-lease"), "lease heartbeat stopped");
        assertFalse(threadAlive("imcloud-push-callbacks"), "offline-message callback sender stopped");
        assertEquals(404, get("/imcloud/acme/chat/users").statusCode(), "REST context removed");
        assertEquals(2, readsOfMamMaxAfterAChange(), "settings not read again once unloaded");
        installAdminConsole().close(); // possible again: the plugin took its components away from the console page
    }

    private AdminConsole.Installation installAdminConsole() {
        AppStore apps = new AppStore(db, Clock.systemUTC());
        UserService users = new UserService(db, new ScramUserDirectory(db), Clock.systemUTC(), TestMembership.on(db));
        return AdminConsole.install(new AdminConsole.Services(apps, new AppRemoval(apps, List.of()), users,
                new AccountControl(users, new OpenfireSessions("example.com"), user -> { }),
                () -> Locale.ENGLISH, new SquattedNames.Report(0, List.of()), key -> new Attachments.FileUsage(0, 0), key -> 0,
                new GroupService(db, new RecordingRooms(), new ArchivePurge(db), user -> true, new MessageIds(1)::next,
                        Clock.systemUTC(), GroupLimits::defaults), key -> new CallbackReport(PushHealth.NONE, 0, null, null)));
    }

    @Test
    void theRestApiMovesWhenItsContextSettingChanges() throws Exception {
        database.when(DbConnectionManager::getDatabaseType).thenReturn(DbConnectionManager.DatabaseType.hsqldb);
        ImcloudPlugin plugin = new ImcloudPlugin(() -> bridge);
        plugin.initializePlugin(null, new File("target/plugins/imcloud"));
        try {
            properties.when(() -> JiveGlobals.getProperty("plugin.imcloud.http.context")).thenReturn("/im/v2");
            PropertyEventDispatcher.dispatchEvent("plugin.imcloud.http.context", EventType.property_set, Map.of("value", "/im/v2"));

            assertEquals(401, get("/im/v2/acme/chat/users").statusCode(), "served at the new path");
            assertEquals(404, get("/imcloud/acme/chat/users").statusCode(), "no longer at the old one");
        } finally {
            plugin.destroyPlugin();
        }
        assertEquals(404, get("/im/v2/acme/chat/users").statusCode(), "unmounted on unload");
    }

    @Test
    void aFailedStartLeavesNothingBehind() throws Exception {
        database.when(DbConnectionManager::getDatabaseType).thenReturn(DbConnectionManager.DatabaseType.db2);
        ImcloudPlugin plugin = new ImcloudPlugin(() -> bridge);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> plugin.initializePlugin(null, new File("target/plugins/imcloud")));

        assertEquals("imcloud: starting database failed", e.getMessage());
        assertEquals(1, readsOfMamMaxAfterAChange(), "read at start only: the settings step was undone");
        assertFalse(imcloudInterceptorInstalled());
        verify(iqRouter, never()).addHandler(any());
        plugin.destroyPlugin();
    }

    private static boolean imcloudInterceptorInstalled() {
        return InterceptorManager.getInstance().getInterceptors().stream().anyMatch(i -> i instanceof ImcloudPacketInterceptor);
    }

    private static boolean writerThreadAlive() {
        return threadAlive("imcloud-writer");
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.getURI().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Dispatches a change of mam.max as Openfire does; how often the property has been read by then. */
    private int readsOfMamMaxAfterAChange() {
        PropertyEventDispatcher.dispatchEvent(MAM_MAX, EventType.property_set, Map.of("value", "20"));
        return reads.get();
    }
}
