package io.imcloud.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.imcloud.attachments.AudioFixtures;
import io.imcloud.it.XmppClient.Login;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.jivesoftware.smackx.mam.element.MamFinIQ;
import org.jivesoftware.smackx.chat_markers.element.ChatMarkersElements;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.httpfileupload.HttpFileUploadManager;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.iqregister.packet.Registration;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.SimplePayload;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.jid.parts.Resourcepart;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's walk-through and more, against the built {@code target/imcloud.jar} in a real
 * Openfire 5.1.x process, with a real XMPP client library (Smack) and real HTTP. The steps run in
 * order on one server and build on each other: an app, its users, chat, archive, unread counters,
 * a restart, an unload and a reload. Subclasses choose Openfire's database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class OpenfireSuite {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PASSWORD_ALICE = "s3cret-A";
    private static final String PASSWORD_BOB = "s3cret-B";
    private static final String PASSWORD_CAROL = "s3cret-C";
    private static final String PASSWORD_ERIN = "s3cret-E";
    private static final String PASSWORD_FINN = "s3cret-F";
    private static final String PASSWORD_GUS = "s3cret-G";
    private static final String PLAIN_USER = "plainuser";
    /** The archive queue's capacity, its smallest: the burst step sends many times more at once. */
    private static final int ARCHIVE_QUEUE = 100;
    /** The one web origin whose pages may call the API from a browser (CORS). */
    private static final String WEB_CLIENT_ORIGIN = "https://web.example.com";
    private static final int BURST = 2_000;
    private static final String CONTEXT = "/imcloud";

    private final RestClient rest = new RestClient(OpenfireServer.HTTP_PORT);
    private final List<XmppClient> clients = new ArrayList<>();
    private OpenfireServer server;
    private OpenfireServer.LogMark firstStart;
    private String appToken;
    /** The group the group steps make and use. */
    private String groupId;

    /** The database Openfire is set up with, or null to skip the suite (and say why in {@link #skipReason()}). */
    abstract OpenfireDatabase database() throws Exception;

    /** Why the suite is skipped when {@link #database()} is null. */
    abstract String skipReason();

    /** The name of the server's home under {@code target/openfire-it}. */
    abstract String name();

    /** Checks, with Openfire stopped, how its database in {@code home} keeps the plugin's tables (nothing by default). */
    void checkStoredTables(Path home) throws Exception {
    }

    @BeforeAll
    void startOpenfireWithThePlugin() throws Exception {
        Assumptions.assumeTrue(OpenfireServer.distributionPresent(),
                "no Openfire distribution at " + OpenfireServer.distribution() + " (set OPENFIRE_HOME)");
        OpenfireDatabase database = database();
        Assumptions.assumeTrue(database != null, skipReason());
        server = OpenfireServer.prepare(name(), database, List.of(PLAIN_USER), OpenfireServer.Options.defaults()
                .withProperty("plugin.imcloud.archive.queue.capacity", Integer.toString(ARCHIVE_QUEUE))
                .withProperty("plugin.imcloud.http.cors_origins", WEB_CLIENT_ORIGIN));
        server.installPlugin(pluginJar());
        firstStart = server.start();
        server.awaitLog(firstStart, OpenfireServer.PLUGIN_LOADED, WAIT.multipliedBy(4));
    }

    /** Each step logs in anew: sessions of one step must not linger into the next (a stale one would get its messages). */
    @AfterEach
    void logOut() {
        closeClients();
    }

    @AfterAll
    void stopOpenfire() throws Exception {
        clients.forEach(XmppClient::close);
        if (server != null) {
            server.stop();
        }
    }

    static Path pluginJar() {
        return Path.of(System.getProperty("imcloud.jar", "target/imcloud.jar"));
    }

    @Test
    @Order(1)
    void pluginLoadsAndTheConsoleShowsItsNameAndDescription() throws Exception {
        String log = server.logSince(firstStart);
        assertTrue(log.contains("imcloud: started on"), "the plugin's own start line");
        assertEquals(List.of(), problemLines(log), "no ERROR or WARN about imcloud while it loaded");

        String pluginsPage = new AdminConsoleClient(OpenfireServer.ADMIN_PORT)
                .loginAndGet("admin", OpenfireServer.ADMIN_PASSWORD, "/plugin-admin.jsp");
        assertTrue(pluginsPage.contains("imcloud"), "the plugin list names imcloud");
        assertTrue(pluginsPage.contains("Multi-tenant IM cloud in the style of Easemob"), "and shows its description");
    }

    @Test
    @Order(2)
    void operatorCreatesAnAppAndTheBackEndGetsAnAppToken() throws Exception {
        JsonNode app = createApp("acme", "chat");
        JsonNode token = rest.call("POST", CONTEXT + "/acme/chat/token", null, Map.of("grant_type", "client_credentials",
                "client_id", app.get("client_id").asText(), "client_secret", app.get("client_secret").asText(),
                "ttl", 3600)).expect(200);
        appToken = token.get("access_token").asText();
        assertEquals(3600, token.get("expires_in").asInt());
    }

    @Test
    @Order(3)
    void backEndRegistersOneUserAndABatch() throws Exception {
        JsonNode one = rest.call("POST", CONTEXT + "/acme/chat/users", appToken,
                Map.of("username", "alice", "password", PASSWORD_ALICE, "nickname", "Alice")).expect(200);
        assertEquals("alice", one.get("entities").get(0).get("username").asText());
        JsonNode batch = rest.call("POST", CONTEXT + "/acme/chat/users", appToken, List.of(
                Map.of("username", "bob", "password", PASSWORD_BOB),
                Map.of("username", "carol", "password", PASSWORD_CAROL))).expect(200);
        assertEquals(2, batch.get("entities").size());
        assertEquals(200, rest.call("GET", CONTEXT + "/acme/chat/users/carol", appToken, null).status());
    }

    @Test
    @Order(4)
    void usersLogInWithScramSha1AndWithPlainOverStartTls() throws Exception {
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        assertEquals("SCRAM-SHA-1", alice.connection().getUsedSaslMechansism());
        assertFalse(alice.connection().isSecureConnection());

        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.PLAIN_OVER_STARTTLS);
        assertEquals("PLAIN", bob.connection().getUsedSaslMechansism());
        assertTrue(bob.connection().isSecureConnection(), "PLAIN went over TLS");
        bob.close();
    }

    @Test
    @Order(5)
    void onlineChatCarriesOurStanzaId() throws Exception {
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);

        alice.sendChat("acme#chat_bob", "hello bob");
        Message received = bob.await(m -> "hello bob".equals(m.getBody()), WAIT);
        StanzaIdElement stanzaId = XmppClient.stanzaId(received);
        assertNotNull(stanzaId, "the receiver gets our XEP-0359 stanza-id");
        assertEquals("acme#chat_bob@localhost", stanzaId.getBy());
        assertTrue(Long.parseLong(stanzaId.getId()) > 0);
        eventually(() -> "delivered".equals(rest.call("GET", CONTEXT + "/acme/chat/users/bob/offline_msg_status/"
                + stanzaId.getId(), appToken, null).expect(200).get("data").get(stanzaId.getId()).asText()));
    }

    @Test
    @Order(6)
    void offlineMessagesAreCountedAndDeliveredAtLogin() throws Exception {
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        alice.sendChat("acme#chat_carol", "carol 1");
        alice.sendChat("acme#chat_carol", "carol 2");
        eventually(() -> rest.call("GET", CONTEXT + "/acme/chat/users/carol/offline_msg_count", appToken, null)
                .expect(200).get("data").get("carol").asInt() == 2);

        XmppClient carol = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        Message first = carol.await(m -> "carol 1".equals(m.getBody()), WAIT);
        Message second = carol.await(m -> "carol 2".equals(m.getBody()), WAIT);
        assertEquals("acme#chat_carol@localhost", XmppClient.stanzaId(first).getBy());
        assertTrue(Long.parseLong(XmppClient.stanzaId(second).getId()) > Long.parseLong(XmppClient.stanzaId(first).getId()));
    }

    @Test
    @Order(7)
    void historyPagesOverRestNewestFirst() throws Exception {
        JsonNode firstPage = history("carol", "alice", null, 1);
        assertEquals(1, firstPage.get("entities").size());
        assertEquals("carol 2", body(firstPage.get("entities").get(0)));
        String cursor = firstPage.get("cursor").asText();
        JsonNode secondPage = history("carol", "alice", cursor, 1);
        assertEquals("carol 1", body(secondPage.get("entities").get(0)));
        assertEquals("alice", secondPage.get("entities").get(0).get("from").asText());
        assertNull(secondPage.get("cursor"), "the last page has no cursor");
    }

    @Test
    @Order(8)
    void clientPagesHistoryWithXep0313() throws Exception {
        XmppClient carol = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        MamManager mam = MamManager.getInstanceFor(carol.connection());
        assertTrue(mam.isSupported(), "XEP-0313 is advertised to an app user");
        assertTrue(ServiceDiscoveryManager.getInstanceFor(carol.connection()).discoverInfo(XmppClient.jid("acme#chat_carol"))
                .containsFeature("urn:xmpp:sid:0"), "so is XEP-0359, on the account that receives our stanza-ids");
        MamManager.MamQuery query = mam.queryArchive(MamManager.MamQueryArgs.builder()
                .limitResultsToJid(XmppClient.jid("acme#chat_alice")).setResultPageSizeTo(1).queryLastPage().build());
        assertEquals(List.of("carol 2"), query.getMessages().stream().map(Message::getBody).toList());
        List<Message> earlier = query.pagePrevious(1);
        assertEquals(List.of("carol 1"), earlier.stream().map(Message::getBody).toList());
    }

    @Test
    @Order(9)
    void plainUsersAreNotOfferedXep0313() throws Exception {
        XmppClient plain = connect(PLAIN_USER, PLAIN_USER, Login.SCRAM_SHA_1);
        ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(plain.connection());
        assertFalse(disco.discoverInfo(JidCreate.bareFrom(OpenfireServer.DOMAIN)).containsFeature("urn:xmpp:mam:2"),
                "the server does not offer a plain user what it would refuse him");
        assertFalse(MamManager.getInstanceFor(plain.connection()).isSupported());
    }

    @Test
    @Order(10)
    void serverSideSendReachesAnOnlineClient() throws Exception {
        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);
        JsonNode sent = rest.call("POST", CONTEXT + "/acme/chat/messages/users", appToken, Map.of("from", "alice",
                "to", List.of("bob"), "type", "txt", "body", Map.of("msg", "from the back-end"),
                "ext", Map.of("k", "v"))).expect(200);
        String id = sent.get("data").get("bob").asText();
        Message received = bob.await(m -> "from the back-end".equals(m.getBody()), WAIT);
        assertEquals("acme#chat_alice@localhost", received.getFrom().asBareJid().toString());
        assertEquals(id, XmppClient.stanzaId(received).getId());
        assertTrue(received.toXML().toString().contains("urn:imcloud:ext"), "ext travels in the stanza");
    }

    @Test
    @Order(11)
    void unreadCountersRiseAndClearByRestAndByDisplayedMarker() throws Exception {
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        XmppClient carol = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        carol.drain(Duration.ofMillis(300));
        // carol has 2 unread from alice (the offline ones); 3 more arrive.
        for (int i = 1; i <= 3; i++) {
            alice.sendChat("acme#chat_carol", "unread " + i);
        }
        Message last = carol.await(m -> "unread 3".equals(m.getBody()), WAIT);
        assertEquals(5, unread("carol", "alice"), "counted as soon as delivered: the read waits for the archive's queue");

        rest.call("POST", CONTEXT + "/acme/chat/users/carol/conversations/alice/read", appToken, null).expect(200);
        assertEquals(0, unread("carol", "alice"));

        alice.sendChat("acme#chat_carol", "unread 4");
        alice.sendChat("acme#chat_carol", "unread 5");
        Message newest = carol.await(m -> "unread 5".equals(m.getBody()), WAIT);
        eventually(() -> unread("carol", "alice") == 2);
        assertTrue(Long.parseLong(XmppClient.stanzaId(newest).getId()) > Long.parseLong(XmppClient.stanzaId(last).getId()));
        Message displayed = carol.connection().getStanzaFactory().buildMessageStanza()
                .to(XmppClient.jid("acme#chat_alice")).ofType(Message.Type.chat)
                .addExtension(new ChatMarkersElements.DisplayedExtension(XmppClient.stanzaId(newest).getId())).build();
        carol.send(displayed);
        eventually(() -> unread("carol", "alice") == 0);
        JsonNode total = rest.call("GET", CONTEXT + "/acme/chat/users/carol/unread", appToken, null).expect(200);
        assertEquals(0, total.get("data").get("total").asInt());
    }

    @Test
    @Order(12)
    void messageToAnotherAppsUserIsRefusedWithAStanzaError() throws Exception {
        JsonNode other = createApp("acme", "other");
        String otherToken = rest.call("POST", CONTEXT + "/acme/other/token", null, Map.of("grant_type",
                "client_credentials", "client_id", other.get("client_id").asText(), "client_secret",
                other.get("client_secret").asText())).expect(200).get("access_token").asText();
        rest.call("POST", CONTEXT + "/acme/other/users", otherToken, Map.of("username", "mallory", "password", "s3cret-M"))
                .expect(200);
        XmppClient mallory = connect("acme#other_mallory", "s3cret-M", Login.SCRAM_SHA_1);
        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);

        mallory.sendChat("acme#chat_bob", "across apps");
        Message error = mallory.await(m -> m.getType() == Message.Type.error, WAIT);
        assertEquals(StanzaError.Condition.not_allowed, error.getError().getCondition());
        assertTrue(bob.drain(Duration.ofSeconds(1)).stream().noneMatch(m -> "across apps".equals(m.getBody())),
                "the other app's user never gets it");
        assertEquals(0, history("bob", "mallory", null, 10).get("entities").size());
    }

    @Test
    @Order(13)
    void appsUsersTokensArchiveAndCountersSurviveARestart() throws Exception {
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        alice.sendChat("acme#chat_carol", "before restart");
        eventually(() -> unread("carol", "alice") == 1);
        closeClients();

        server.stop();
        checkStoredTables(server.home());
        OpenfireServer.LogMark restart = server.start();
        server.awaitLog(restart, OpenfireServer.PLUGIN_LOADED, WAIT.multipliedBy(4));

        assertEquals(1, unread("carol", "alice"), "the app token, the user and the counter are still there");
        assertEquals("before restart", body(history("carol", "alice", null, 1).get("entities").get(0)));
        assertEquals(200, rest.callAsAdmin("GET", CONTEXT + "/management/apps/acme/chat", "admin",
                OpenfireServer.ADMIN_PASSWORD, null).status());
        XmppClient carol = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        assertTrue(carol.connection().isAuthenticated(), "the user still logs in");
    }

    @Test
    @Order(14)
    void unloadRemovesTheApiAndPuttingTheJarBackLoadsItAgain() throws Exception {
        closeClients();
        OpenfireServer.LogMark beforeUnload = server.mark();
        server.removePlugin();
        server.awaitLog(beforeUnload, OpenfireServer.PLUGIN_UNLOADED, WAIT.multipliedBy(4));
        assertEquals(404, rest.call("GET", CONTEXT + "/acme/chat/users/carol/unread", appToken, null).status());
        String unloadLog = server.logSince(beforeUnload);
        assertFalse(unloadLog.contains("Exception"), "unloading logged an exception:\n" + unloadLog);

        OpenfireServer.LogMark beforeReload = server.mark();
        server.installPlugin(pluginJar());
        server.awaitLog(beforeReload, OpenfireServer.PLUGIN_LOADED, WAIT.multipliedBy(4));
        eventually(() -> rest.call("GET", CONTEXT + "/acme/chat/users/carol/unread", appToken, null).status() == 200);
        assertEquals(1, unread("carol", "alice"));
    }

    @Test
    @Order(15)
    void inBandRegistrationOfAnAppUsersNameIsRefusedWhileAPlainUserStillRegisters() throws Exception {
        XMPPTCPConnection anonymous = XmppClient.connectWithoutLogin();
        try {
            AccountManager accounts = AccountManager.getInstance(anonymous);
            accounts.sensitiveOperationOverInsecureConnection(true);
            assertRegistrationRefused(() -> accounts.createAccount(Localpart.from("acme#chat_eve"), "s3cret-E"));

            accounts.createAccount(Localpart.from("dave"), "s3cret-D"); // Openfire's in-band registration is on by default
        } finally {
            anonymous.disconnect();
        }
        assertTrue(connect("dave", "s3cret-D", Login.SCRAM_SHA_1).connection().isAuthenticated(), "the plain user logs in");
        assertThrows(Exception.class, () -> connect("acme#chat_eve", "s3cret-E", Login.SCRAM_SHA_1), "no such account");
        assertEquals(404, rest.call("GET", CONTEXT + "/acme/chat/users/eve", appToken, null).status());
    }

    @Test
    @Order(16)
    void anAppsRoomTakesOnlyItsOwnUsersAndNobodyElseSeesItsMessages() throws Exception {
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);
        XmppClient mallory = connect("acme#other_mallory", "s3cret-M", Login.SCRAM_SHA_1);
        XmppClient plain = connect(PLAIN_USER, PLAIN_USER, Login.SCRAM_SHA_1);
        EntityBareJid roomJid = JidCreate.entityBareFrom("acme#chat_g1@conference." + OpenfireServer.DOMAIN);

        MultiUserChat room = MultiUserChatManager.getInstanceFor(alice.connection()).getMultiUserChat(roomJid);
        room.create(Resourcepart.from("alice")).makeInstant();
        MultiUserChatManager.getInstanceFor(bob.connection()).getMultiUserChat(roomJid).join(Resourcepart.from("bob"));
        for (XmppClient intruder : List.of(mallory, plain)) {
            MultiUserChat attempt = MultiUserChatManager.getInstanceFor(intruder.connection()).getMultiUserChat(roomJid);
            XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> attempt.join(Resourcepart.from("intruder")));
            assertEquals(StanzaError.Condition.not_allowed, refused.getStanzaError().getCondition());
        }

        room.sendMessage("for acme#chat only");
        bob.await(m -> "for acme#chat only".equals(m.getBody()), WAIT);
        for (XmppClient intruder : List.of(mallory, plain)) {
            assertTrue(intruder.drain(Duration.ofSeconds(1)).stream().noneMatch(m -> "for acme#chat only".equals(m.getBody())),
                    "an intruder never sees the room's messages");
        }
        assertEquals(List.of("acme#chat_alice@localhost/it", "acme#chat_bob@localhost/it"),
                room.getOccupants().stream().map(occupant -> room.getOccupant(occupant).getJid().toString()).sorted().toList());
    }

    @Test
    @Order(17)
    void anAppUserCannotJoinAPlainRoom() throws Exception {
        XmppClient plain = connect(PLAIN_USER, PLAIN_USER, Login.SCRAM_SHA_1);
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        EntityBareJid lobby = JidCreate.entityBareFrom("lobby@conference." + OpenfireServer.DOMAIN);
        MultiUserChat plainRoom = MultiUserChatManager.getInstanceFor(plain.connection()).getMultiUserChat(lobby);
        plainRoom.create(Resourcepart.from("plain")).makeInstant();

        MultiUserChat attempt = MultiUserChatManager.getInstanceFor(alice.connection()).getMultiUserChat(lobby);
        XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class,
                () -> attempt.join(Resourcepart.from("alice")));
        assertEquals(StanzaError.Condition.not_allowed, refused.getStanzaError().getCondition());
        plainRoom.sendMessage("plain room talk");
        assertTrue(alice.drain(Duration.ofSeconds(1)).stream().noneMatch(m -> "plain room talk".equals(m.getBody())));
    }

    /**
     * Openfire binds a session to the default list it had at login, and XEP-0191 creates that list at the first
     * block: so bob logs in again after blocking, as Openfire needs, and the block is tried online and offline.
     */
    @Test
    @Order(18)
    void aBlockedSendersMessagesAreNeitherDeliveredNorArchivedNorCounted() throws Exception {
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);
        BlockingCommandManager.getInstanceFor(bob.connection()).blockContacts(List.of(XmppClient.jid("acme#chat_alice")));
        bob.close();
        int unreadBefore = unread("bob", "alice");

        alice.sendChat("acme#chat_bob", "blocked while offline");
        Message refused = alice.await(m -> m.getType() == Message.Type.error, WAIT);
        assertEquals(StanzaError.Condition.service_unavailable, refused.getError().getCondition());
        bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);
        alice.sendChat("acme#chat_bob", "blocked while online");
        alice.sendChat("acme#chat_carol", "to carol meanwhile"); // archived: shows the writer has passed the blocked ones
        eventually(() -> "to carol meanwhile".equals(body(history("carol", "alice", null, 1).get("entities").get(0))));
        assertTrue(bob.drain(Duration.ofSeconds(1)).stream().noneMatch(m -> m.getBody() != null && m.getBody().startsWith("blocked")),
                "not delivered");
        assertTrue(history("bob", "alice", null, 100).get("entities").findValuesAsText("msg").stream()
                .noneMatch(body -> body.startsWith("blocked")), "not archived");
        assertEquals(unreadBefore, unread("bob", "alice"), "not counted");

        BlockingCommandManager.getInstanceFor(bob.connection()).unblockContacts(List.of(XmppClient.jid("acme#chat_alice")));
        alice.sendChat("acme#chat_bob", "after unblocking");
        bob.await(m -> "after unblocking".equals(m.getBody()), WAIT);
        eventually(() -> unread("bob", "alice") == unreadBefore + 1);
    }

    @Test
    @Order(19)
    void aUserRegisteredUnderADeletedUsersNameStartsEmpty() throws Exception {
        register("zed", "s3cret-Z");
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        alice.sendChat("acme#chat_zed", "for the first zed");
        eventually(() -> unread("zed", "alice") == 1);

        rest.call("DELETE", CONTEXT + "/acme/chat/users/zed", appToken, null).expect(200);
        register("zed", "s3cret-Z2");

        assertEquals(0, history("zed", "alice", null, 100).get("entities").size(), "no history");
        assertEquals(0, rest.call("GET", CONTEXT + "/acme/chat/users/zed/conversations", appToken, null).expect(200)
                .get("entities").size(), "no conversations");
        assertEquals(0, rest.call("GET", CONTEXT + "/acme/chat/users/zed/unread", appToken, null).expect(200)
                .get("data").get("total").asInt(), "nothing unread");
        assertEquals(0, rest.call("GET", CONTEXT + "/acme/chat/users/zed/offline_msg_count", appToken, null).expect(200)
                .get("data").get("zed").asInt());
        XmppClient zed = connect("acme#chat_zed", "s3cret-Z2", Login.SCRAM_SHA_1);
        MamManager.MamQuery archive = MamManager.getInstanceFor(zed.connection())
                .queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(10).build());
        assertEquals(List.of(), archive.getMessages(), "nothing over XEP-0313");
        assertTrue(zed.drain(Duration.ofSeconds(1)).stream().noneMatch(m -> "for the first zed".equals(m.getBody())),
                "nor from the offline store");
    }

    /** XEP-0059 section 2.6 with XEP-0313: {@code <max>0</max>} asks for the count only (sent raw: Smack 4.4 drops a 0). */
    @Test
    @Order(20)
    void aCountOnlyXep0313QueryIsAnsweredWithTheCount() throws Exception {
        XmppClient carol = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        IQ countOnly = new IQ("query", "urn:xmpp:mam:2") {
            @Override
            protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
                xml.rightAngleBracket();
                xml.append("<x xmlns='jabber:x:data' type='submit'>"
                        + "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>"
                        + "<field var='with'><value>acme#chat_alice@localhost</value></field></x>"
                        + "<set xmlns='http://jabber.org/protocol/rsm'><max>0</max></set>");
                return xml;
            }
        };
        countOnly.setType(IQ.Type.set);
        MamFinIQ fin = carol.connection().sendIqRequestAndWaitForResponse(countOnly);

        int archived = history("carol", "alice", null, 100).get("entities").size();
        assertTrue(archived > 5);
        assertEquals(archived, fin.getRSMSet().getCount());
        assertTrue(carol.drain(Duration.ofMillis(500)).stream().noneMatch(m -> m.toXML().toString().contains("urn:xmpp:mam:2")),
                "no result messages");
    }

    /**
     * XEP-0363 with an unchanged client library: Smack discovers the upload service, gets a slot, PUTs a voice clip over
     * TLS; the GET URL plays it to anyone who has it; sent as a chat message's body, history over REST shows it as
     * Easemob's voice body; a plain Openfire user is not offered the service.
     */
    @Test
    @Order(21)
    void anAppUserUploadsAVoiceClipWithXep0363AndItsUrlServesIt() throws Exception {
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        HttpFileUploadManager uploads = HttpFileUploadManager.getInstanceFor(alice.connection());
        uploads.setTlsContext(XmppClient.trustingTls());
        assertTrue(uploads.discoverUploadService(), "the upload service is found through service discovery");
        assertEquals("upload." + OpenfireServer.DOMAIN, uploads.getDefaultUploadService().getAddress().toString());
        assertEquals(10 * 1024 * 1024, uploads.getDefaultUploadService().getMaxFileSize());

        Path clip = Files.createTempFile("voice", ".amr");
        long millis = AudioFixtures.amrNb(clip, 250);
        URL url = uploads.uploadFile(clip.toFile());
        assertTrue(url.toString().startsWith("https://" + OpenfireServer.DOMAIN + ":7443" + CONTEXT + "/acme/chat/chatfiles/"),
                url.toString());

        HttpResponse<byte[]> played = download(url.toString());
        assertEquals(200, played.statusCode());
        assertEquals("audio/amr", played.headers().firstValue("Content-Type").orElse(null));
        assertArrayEquals(Files.readAllBytes(clip), played.body());
        assertEquals(5000, millis, "the fixture's length");
        Files.delete(clip);

        alice.sendChat("acme#chat_bob", url.toString());
        eventually(() -> "audio".equals(history("bob", "alice", null, 1).at("/entities/0/payload/bodies/0/type").asText()));
        JsonNode voice = history("bob", "alice", null, 1).at("/entities/0/payload/bodies/0");
        assertEquals(url.toString(), voice.get("url").asText(), voice.toString());
        assertEquals(5, voice.get("length").asInt(), voice.toString());
        String elsewhere = url.toString().replace("https://" + OpenfireServer.DOMAIN + ":7443", "https://tracker.example");
        alice.sendChat("acme#chat_bob", elsewhere);
        eventually(() -> elsewhere.equals(history("bob", "alice", null, 1).at("/entities/0/payload/bodies/0/msg").asText()));
        assertEquals("txt", history("bob", "alice", null, 1).at("/entities/0/payload/bodies/0/type").asText(),
                "the same file under another host is no voice message");

        XmppClient plain = connect(PLAIN_USER, PLAIN_USER, Login.SCRAM_SHA_1);
        assertFalse(HttpFileUploadManager.getInstanceFor(plain.connection()).discoverUploadService(),
                "plain users keep whatever other upload service the server runs");
    }

    /** A voice message sent by the back-end reaches an unchanged client with its XEP-0066 URL; history keeps Easemob's body. */
    @Test
    @Order(22)
    void aVoiceMessageFromTheBackEndArrivesWithItsOutOfBandUrl() throws Exception {
        Path clip = Files.createTempFile("voice", ".amr");
        AudioFixtures.amrNb(clip, 100);
        JsonNode file = rest.upload(CONTEXT + "/acme/chat/chatfiles", appToken, "hello.amr", Files.readAllBytes(clip))
                .expect(200).get("entities").get(0);
        Files.delete(clip);
        assertEquals(2, file.get("length").asInt(), "2 s of AMR: " + file);
        String url = file.get("url").asText();

        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);
        rest.call("POST", CONTEXT + "/acme/chat/messages/users", appToken, Map.of("from", "alice", "to", List.of("bob"),
                "type", "audio", "body", Map.of("url", url, "filename", "hello.amr"))).expect(200);
        Message voice = bob.await(m -> url.equals(m.getBody()), WAIT);
        String xml = voice.toXML().toString();
        assertTrue(xml.contains("jabber:x:oob") && xml.contains("<url>" + url + "</url>"), xml);
        assertEquals(200, download(url).statusCode(), "the URL in the message plays");

        // delivery does not wait for the archive's commit (write-behind), but a read waits for what was queued before it
        JsonNode last = history("bob", "alice", null, 1).get("entities").get(0).at("/payload/bodies/0");
        assertEquals("audio", last.get("type").asText());
        assertEquals(url, last.get("url").asText());
        assertEquals(2, last.get("length").asInt());
    }

    /**
     * Account control on the real server: status follows the client's session, a deactivated user's open session is
     * closed and a new login refused (Openfire's lockout), activation lets them in again, and disconnect closes the
     * sessions of a user who stays active.
     */
    @Test
    @Order(35)
    void aDeactivatedUsersSessionIsClosedAndTheirLoginRefusedUntilActivated() throws Exception {
        XmppClient carol = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        eventually(() -> "online".equals(status("carol")));

        rest.call("POST", CONTEXT + "/acme/chat/users/carol/deactivate", appToken, Map.of()).expect(200);
        eventually(() -> !carol.connection().isConnected());
        // Openfire drops the session's route on its own thread after the connection closed
        eventually(() -> "offline".equals(status("carol")));
        assertThrows(SASLErrorException.class, () -> connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1),
                "Openfire refuses the login of a deactivated user");

        rest.call("POST", CONTEXT + "/acme/chat/users/carol/activate", appToken, Map.of()).expect(200);
        XmppClient again = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        eventually(() -> "online".equals(status("carol")));
        JsonNode closed = rest.call("GET", CONTEXT + "/acme/chat/users/carol/disconnect", appToken, null).expect(200);
        assertEquals(1, closed.at("/data/sessions").asInt());
        eventually(() -> !again.connection().isConnected());
        connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1); // still active: she may log in again
    }

    /**
     * Easemob's mutual friendship on Openfire's rosters: a friend added over REST is in both clients' rosters with
     * subscription both (pushed while they are online, with each other's presence), and a subscription two clients
     * agree on over XMPP is in the REST list.
     */
    @Test
    @Order(23)
    void contactsOverRestAreTheClientsRostersAndTheirSubscriptionsTheRestList() throws Exception {
        register("erin", PASSWORD_ERIN, "finn", PASSWORD_FINN, "gus", PASSWORD_GUS);
        Roster erin = rosterOf(connect("acme#chat_erin", PASSWORD_ERIN, Login.SCRAM_SHA_1));
        Roster finn = rosterOf(connect("acme#chat_finn", PASSWORD_FINN, Login.SCRAM_SHA_1));

        JsonNode added = rest.call("POST", CONTEXT + "/acme/chat/users/erin/contacts/users/finn", appToken, null).expect(200);
        assertEquals("finn", added.at("/entities/0/username").asText());
        eventually(() -> subscription(erin, "acme#chat_finn") == RosterPacket.ItemType.both
                && subscription(finn, "acme#chat_erin") == RosterPacket.ItemType.both);
        eventually(() -> erin.getPresence(XmppClient.jid("acme#chat_finn")).isAvailable()
                && finn.getPresence(XmppClient.jid("acme#chat_erin")).isAvailable());
        assertEquals(List.of("erin"), contacts("finn"));

        Roster gus = rosterOf(connect("acme#chat_gus", PASSWORD_GUS, Login.SCRAM_SHA_1));
        finn.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        gus.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        gus.createItemAndRequestSubscription(XmppClient.jid("acme#chat_finn"), "Finn", null);
        eventually(() -> subscription(gus, "acme#chat_finn") == RosterPacket.ItemType.to);
        assertEquals(List.of("finn"), contacts("gus"), "gus sees finn's presence: finn is his contact");
        assertEquals(List.of("erin"), contacts("finn"), "but not yet the other way");
        finn.sendSubscriptionRequest(XmppClient.jid("acme#chat_gus"));
        eventually(() -> subscription(finn, "acme#chat_gus") == RosterPacket.ItemType.both);
        assertEquals(List.of("erin", "gus"), contacts("finn"));

        rest.call("DELETE", CONTEXT + "/acme/chat/users/erin/contacts/users/finn", appToken, null).expect(200);
        eventually(() -> erin.getEntry(XmppClient.jid("acme#chat_finn")) == null && finn.getEntry(XmppClient.jid("acme#chat_erin")) == null);
        assertEquals(List.of(), contacts("erin"));
        assertEquals(List.of("gus"), contacts("finn"));
        assertEquals(404, rest.call("POST", CONTEXT + "/acme/chat/users/erin/contacts/users/mallory", appToken, null).status(),
                "another app's user is nobody here");
    }

    /**
     * One block list for clients and REST (XEP-0191 on Openfire's default privacy list): a client's block is listed
     * over REST, REST's changes reach the client's list, and a block made over REST while the blocker is online stops
     * the blocked user's XMPP and REST messages from delivery, archive and count.
     */
    @Test
    @Order(24)
    void aBlockIsOneListForClientsAndRestAndStopsXmppAndRestMessages() throws Exception {
        XmppClient finn = connect("acme#chat_finn", PASSWORD_FINN, Login.SCRAM_SHA_1);
        BlockingCommandManager finnBlocks = BlockingCommandManager.getInstanceFor(finn.connection());
        assertEquals(List.of(), finnBlocks.getBlockList(), "asked for, so the server pushes changes");
        finnBlocks.blockContacts(List.of(XmppClient.jid("acme#chat_gus")));
        assertEquals(List.of("gus"), blocked("finn"));
        rest.call("DELETE", CONTEXT + "/acme/chat/users/finn/blocks/users/gus", appToken, null).expect(200);
        eventually(() -> finnBlocks.getBlockList().isEmpty());
        assertEquals(List.of(), blocked("finn"));

        XmppClient carol = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        BlockingCommandManager carolBlocks = BlockingCommandManager.getInstanceFor(carol.connection());
        assertEquals(List.of(), carolBlocks.getBlockList(), "carol never blocked anyone: she has no list yet");
        carol.drain(Duration.ofMillis(300));
        int unreadBefore = unread("carol", "alice");
        JsonNode blocked = rest.call("POST", CONTEXT + "/acme/chat/users/carol/blocks/users", appToken,
                Map.of("usernames", List.of("alice"))).expect(200);
        assertEquals("alice", blocked.get("data").get(0).asText());
        eventually(() -> carolBlocks.getBlockList().contains(XmppClient.jid("acme#chat_alice")));

        alice.sendChat("acme#chat_carol", "blocked over rest");
        Message refused = alice.await(m -> m.getType() == Message.Type.error, WAIT);
        assertEquals(StanzaError.Condition.service_unavailable, refused.getError().getCondition(),
                "carol's open session holds the new list at once");
        JsonNode sent = rest.call("POST", CONTEXT + "/acme/chat/messages/users", appToken, Map.of("from", "alice",
                "to", List.of("carol"), "type", "txt", "body", Map.of("msg", "blocked rest send"))).expect(200);
        assertEquals(0, sent.get("data").size(), "nothing sent to carol: " + sent);
        alice.sendChat("acme#chat_bob", "to bob meanwhile"); // archived: shows the writer has passed the blocked ones
        eventually(() -> "to bob meanwhile".equals(body(history("bob", "alice", null, 1).get("entities").get(0))));
        assertTrue(carol.drain(Duration.ofSeconds(1)).stream().noneMatch(m -> m.getBody() != null && m.getBody().startsWith("blocked")),
                "not delivered");
        assertTrue(history("carol", "alice", null, 100).get("entities").findValuesAsText("msg").stream()
                .noneMatch(text -> text.startsWith("blocked")), "not archived");
        assertEquals(unreadBefore, unread("carol", "alice"), "not counted");

        rest.call("DELETE", CONTEXT + "/acme/chat/users/carol/blocks/users/alice", appToken, null).expect(200);
        eventually(() -> carolBlocks.getBlockList().isEmpty());
        alice.sendChat("acme#chat_carol", "unblocked over rest");
        carol.await(m -> "unblocked over rest".equals(m.getBody()), WAIT);
        eventually(() -> unread("carol", "alice") == unreadBefore + 1);
    }

    /** Openfire drops a deleted user's rosters; we take the user off the block lists of its app: a new user of the name is nobody's. */
    @Test
    @Order(25)
    void aUserRegisteredUnderADeletedUsersNameIsNeitherAContactNorBlocked() throws Exception {
        register("hal", "s3cret-H");
        rest.call("POST", CONTEXT + "/acme/chat/users/erin/contacts/users/hal", appToken, null).expect(200);
        rest.call("POST", CONTEXT + "/acme/chat/users/erin/blocks/users", appToken, Map.of("usernames", List.of("hal"))).expect(200);
        assertEquals(List.of("hal"), contacts("erin"));
        assertEquals(List.of("hal"), blocked("erin"));

        rest.call("DELETE", CONTEXT + "/acme/chat/users/hal", appToken, null).expect(200);
        register("hal", "s3cret-H2");
        assertEquals(List.of(), contacts("erin"));
        assertEquals(List.of(), blocked("erin"));
        XmppClient erin = connect("acme#chat_erin", PASSWORD_ERIN, Login.SCRAM_SHA_1);
        connect("acme#chat_hal", "s3cret-H2", Login.SCRAM_SHA_1).sendChat("acme#chat_erin", "from the new hal");
        erin.await(m -> "from the new hal".equals(m.getBody()), WAIT);
    }

    /**
     * A burst of {@value #BURST} messages from one client, twenty times the archive queue: the queue makes the packet
     * threads wait for the writer's batches rather than refusing, so every message is delivered, archived and counted,
     * the sender gets no error, and the log no "queue full" warning (the last step reads it).
     */
    @Test
    @Order(26)
    void aBurstBeyondTheArchiveQueueIsSlowedNotRefused() throws Exception {
        register("ines", "s3cret-I", "jon", "s3cret-J");
        XmppClient ines = connect("acme#chat_ines", "s3cret-I", Login.SCRAM_SHA_1);
        XmppClient jon = connect("acme#chat_jon", "s3cret-J", Login.SCRAM_SHA_1);
        for (int i = 0; i < BURST; i++) {
            ines.sendChat("acme#chat_jon", "burst " + i);
        }
        List<Message> received = jon.collect(m -> m.getBody() != null && m.getBody().startsWith("burst "), BURST,
                WAIT.multipliedBy(4));
        assertEquals(BURST, received.size(), "every message of the burst is delivered");
        assertEquals(List.of(), ines.drain(Duration.ofMillis(500)).stream().filter(m -> m.getType() == Message.Type.error)
                .map(Message::toXML).map(Object::toString).toList(), "no message of the burst is refused");
        eventually(() -> unread("jon", "ines") == BURST);
    }

    /**
     * The archive keeps a stanza as its client sent it, characters to escape and extensions of its own included:
     * XEP-0313 gives the receiver back the same body, the same Easemob {@code ext} and the same unknown extension,
     * attribute and text, as the live message carried.
     */
    @Test
    @Order(27)
    void anArchivedStanzaComesBackWholeOverXep0313() throws Exception {
        XmppClient ines = connect("acme#chat_ines", "s3cret-I", Login.SCRAM_SHA_1);
        XmppClient jon = connect("acme#chat_jon", "s3cret-J", Login.SCRAM_SHA_1);
        String body = "a & b < c > d \"e\" 'f' \uD83D\uDE00 \t tab";
        StandardExtensionElement ext = StandardExtensionElement.builder("ext", "urn:imcloud:ext")
                .setText("{\"q\":\"\\\"x\\\" <y> & z\"}").build();
        StandardExtensionElement extra = StandardExtensionElement.builder("extra", "urn:example:extra")
                .addAttribute("note", "1 < 2 & \"3\" > 0").addElement("inner", "text & <more>").build();
        ines.send(ines.connection().getStanzaFactory().buildMessageStanza().to(XmppClient.jid("acme#chat_jon"))
                .ofType(Message.Type.chat).setBody(body).addExtension(ext).addExtension(extra).build());
        Message live = jon.await(m -> body.equals(m.getBody()), WAIT);

        // at once: the query waits for what the archive had queued before it
        MamManager.MamQuery query = MamManager.getInstanceFor(jon.connection()).queryArchive(MamManager.MamQueryArgs.builder()
                .limitResultsToJid(XmppClient.jid("acme#chat_ines")).setResultPageSizeTo(1).queryLastPage().build());
        Message archived = query.getMessages().get(0);
        assertEquals(body, archived.getBody());
        // the archive stores the stanza without its body, ext and stanza-id, which it keeps in columns, and puts them back
        assertEquals(XmppClient.stanzaId(live).getId(), XmppClient.stanzaId(archived).getId());
        assertEquals(live.getFrom(), archived.getFrom(), "the sender's full address, as sent");
        for (Message message : List.of(live, archived)) {
            StandardExtensionElement gotExt = (StandardExtensionElement) message.getExtensionElement("ext", "urn:imcloud:ext");
            assertEquals(ext.getText(), gotExt.getText());
            StandardExtensionElement gotExtra = (StandardExtensionElement) message.getExtensionElement("extra", "urn:example:extra");
            assertEquals("1 < 2 & \"3\" > 0", gotExtra.getAttributeValue("note"));
            assertEquals("text & <more>", gotExtra.getFirstElement("inner").getText());
        }
    }

    /**
     * The size limits (defaults: a 5 KiB body, a 64 KiB stanza): a body one byte over, or a stanza over 64 KiB, is
     * refused to its sender with policy-violation and reaches nobody; a 60 KiB stanza whose body and ext the archive must
     * keep inside the stored stanza (they carry attributes) counts each once, and is delivered and archived.
     */
    @Test
    @Order(28)
    void messagesOverTheSizeLimitsAreRefusedAndOneWithinThemIsDeliveredAndArchived() throws Exception {
        XmppClient ines = connect("acme#chat_ines", "s3cret-I", Login.SCRAM_SHA_1);
        XmppClient jon = connect("acme#chat_jon", "s3cret-J", Login.SCRAM_SHA_1);
        String body = "b".repeat(5 * 1024);
        StandardExtensionElement ext = StandardExtensionElement.builder("ext", "urn:imcloud:ext").addAttribute("v", "1")
                .setText("{\"k\":\"" + "e".repeat(10 * 1024) + "\"}").build();
        StandardExtensionElement payload = StandardExtensionElement.builder("payload", "urn:example:payload")
                .setText("p".repeat(45 * 1024)).build();
        ines.send(ines.connection().getStanzaFactory().buildMessageStanza().to(XmppClient.jid("acme#chat_jon"))
                .ofType(Message.Type.chat).addBody("de", body).addExtension(ext).addExtension(payload).build());
        Message within = jon.await(m -> m.getExtensionElement("payload", "urn:example:payload") != null, WAIT);
        assertTrue(within.getBodies().stream().anyMatch(b -> "de".equals(b.getLanguage())), "the body carries its xml:lang");
        assertEquals(body, body(history("jon", "ines", null, 1).get("entities").get(0)), "archived at once");

        ines.sendChat("acme#chat_jon", "b".repeat(5 * 1024 + 1));
        assertEquals(StanzaError.Condition.policy_violation,
                ines.await(m -> m.getType() == Message.Type.error, WAIT).getError().getCondition());
        ines.send(ines.connection().getStanzaFactory().buildMessageStanza().to(XmppClient.jid("acme#chat_jon"))
                .ofType(Message.Type.chat).setBody("small").addExtension(StandardExtensionElement
                        .builder("payload", "urn:example:payload").setText("p".repeat(64 * 1024)).build()).build());
        assertEquals(StanzaError.Condition.policy_violation,
                ines.await(m -> m.getType() == Message.Type.error, WAIT).getError().getCondition());
        assertTrue(jon.drain(Duration.ofSeconds(1)).stream().noneMatch(m -> m.getBody() != null
                && (m.getBody().equals("small") || m.getBody().length() > 5 * 1024)), "neither reaches the receiver");
        assertEquals(body, body(history("jon", "ines", null, 1).get("entities").get(0)), "neither is archived");
    }

    /**
     * Addresses that only look like an app's: on Openfire's pubsub service, a room-shaped address is the service's own,
     * so an app user reaching a plain user's open node through {@code acme#chat_x@pubsub} is refused like any other
     * component; and in-band registration addressed to a user's bare JID (which Openfire answers as the server) is
     * refused for an app user's name before login, and for an app user's own account after it.
     */
    @Test
    @Order(29)
    void aRoomShapedPubsubAddressAndRegistrationAddressedToAUserAreRefused() throws Exception {
        XmppClient plain = connect(PLAIN_USER, PLAIN_USER, Login.SCRAM_SHA_1);
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        LeafNode shared = PubSubManager.getInstanceFor(plain.connection()).createNode("plain-news");
        shared.publish(new PayloadItem<>("n1", new SimplePayload("<news xmlns='urn:example:news'>for plain users</news>")));
        PubSubManager throughRoomShape = PubSubManager.getInstanceFor(alice.connection(),
                JidCreate.bareFrom("acme#chat_x@pubsub." + OpenfireServer.DOMAIN));
        XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class,
                () -> throughRoomShape.getLeafNode("plain-news").getItems());
        assertEquals(StanzaError.Condition.not_allowed, refused.getStanzaError().getCondition());
        assertTrue(refused.getStanzaError().getDescriptiveText().contains("another tenant"), refused.getStanzaError().toString());

        XMPPTCPConnection anonymous = XmppClient.connectWithoutLogin();
        try {
            Registration squat = new Registration(Map.of("username", "acme#chat_eve", "password", "s3cret-E"));
            squat.setType(IQ.Type.set);
            squat.setTo(XmppClient.jid("acme#chat_alice")); // an existing user: Openfire answers a missing one service-unavailable
            // before login Smack knows no own address to match the reply's sender with: matched by id, as its AccountManager does
            assertRegistrationRefused(() -> anonymous.createStanzaCollectorAndSend(new StanzaIdFilter(squat), squat).nextResultOrThrow());
        } finally {
            anonymous.disconnect();
        }
        assertThrows(Exception.class, () -> connect("acme#chat_eve", "s3cret-E", Login.SCRAM_SHA_1), "no such account");

        Registration removal = new Registration(Map.of("remove", ""));
        removal.setType(IQ.Type.set);
        removal.setTo(XmppClient.jid("acme#chat_alice"));
        assertRegistrationRefused(() -> alice.connection().createStanzaCollectorAndSend(removal).nextResultOrThrow());
        assertEquals(200, rest.call("GET", CONTEXT + "/acme/chat/users/alice", appToken, null).status());
        alice.close(); // one session at a time: the same resource twice is a conflict Openfire resolves in its own time
        assertTrue(connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1).connection().isAuthenticated(),
                "alice's account is still there");
    }

    private static void assertRegistrationRefused(Executable registration) {
        XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class, registration);
        assertEquals(StanzaError.Condition.not_allowed, refused.getStanzaError().getCondition());
        assertTrue(refused.getStanzaError().getDescriptiveText().contains("in-band registration"), refused.getStanzaError().toString());
    }

    /**
     * A group made over REST is a members-only room of Openfire's multi-user chat service: its members join it with an
     * unchanged client and chat there; a user of another app is refused and a user of the app who is no member is not
     * let in. The message is archived once for the group: the members get the room's stanza-id, it pages over REST and
     * over XEP-0313 addressed to the room, counts as unread for the other member only, and a displayed marker sent to
     * the room clears it. A server-side send reaches both members in the room.
     */
    @Test
    @Order(60)
    void aGroupCreatedOverRestIsARoomWhoseMembersChatInItWithArchiveAndUnreadCounts() throws Exception {
        groupId = rest.call("POST", CONTEXT + "/acme/chat/chatgroups", appToken, Map.of("groupname", "friends",
                "description", "alice and bob", "public", false, "owner", "alice", "members", List.of("bob")))
                .expect(200).at("/data/groupid").asText();
        EntityBareJid roomJid = groupRoom();
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);
        MultiUserChat aliceInRoom = MultiUserChatManager.getInstanceFor(alice.connection()).getMultiUserChat(roomJid);
        aliceInRoom.join(Resourcepart.from("alice"));
        MultiUserChat bobInRoom = MultiUserChatManager.getInstanceFor(bob.connection()).getMultiUserChat(roomJid);
        bobInRoom.join(Resourcepart.from("bob"));
        assertTrue(bobInRoom.isJoined());

        XmppClient mallory = connect("acme#other_mallory", "s3cret-M", Login.SCRAM_SHA_1);
        XMPPException.XMPPErrorException otherApp = assertThrows(XMPPException.XMPPErrorException.class,
                () -> MultiUserChatManager.getInstanceFor(mallory.connection()).getMultiUserChat(roomJid).join(Resourcepart.from("m")));
        assertEquals(StanzaError.Condition.not_allowed, otherApp.getStanzaError().getCondition(), "another app's user");
        XmppClient carol = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        XMPPException.XMPPErrorException notMember = assertThrows(XMPPException.XMPPErrorException.class,
                () -> MultiUserChatManager.getInstanceFor(carol.connection()).getMultiUserChat(roomJid).join(Resourcepart.from("c")));
        assertEquals(StanzaError.Condition.registration_required, notMember.getStanzaError().getCondition(),
                "the room is members-only");

        aliceInRoom.sendMessage("hello group");
        Message received = bob.await(m -> "hello group".equals(m.getBody()), WAIT);
        StanzaIdElement stanzaId = XmppClient.stanzaId(received);
        assertNotNull(stanzaId, "the members get the room's stanza-id");
        assertEquals(roomJid.toString(), stanzaId.getBy());
        String msgId = stanzaId.getId();
        assertTrue(Long.parseLong(msgId) > 0, "the archive id, not Openfire's own: " + msgId);
        assertEquals(msgId, XmppClient.stanzaId(alice.await(m -> "hello group".equals(m.getBody()), WAIT)).getId(),
                "the sender's copy carries the same id");
        assertFalse(received.toXML().toString().contains("urn:imcloud:group"), "no trace of how the id travelled");

        eventually(() -> rest.call("GET", CONTEXT + "/acme/chat/chatgroups/" + groupId + "/messages", appToken, null)
                .expect(200).get("count").asInt() == 1);
        JsonNode history = rest.call("GET", CONTEXT + "/acme/chat/chatgroups/" + groupId + "/messages", appToken, null)
                .expect(200).get("entities").get(0);
        assertEquals(msgId, history.get("msg_id").asText());
        assertEquals("groupchat", history.get("chat_type").asText());
        assertEquals(groupId, history.get("to").asText());
        assertEquals("alice", history.get("from").asText());
        assertEquals("hello group", body(history));

        assertEquals(1, groupUnread("bob"), "unread for the other member");
        assertEquals(0, groupUnread("alice"), "not for the sender");
        MamManager.MamQuery roomArchive = MamManager.getInstanceFor(bobInRoom)
                .queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(10).build());
        assertEquals(List.of("hello group"), roomArchive.getMessages().stream().map(Message::getBody).toList(),
                "XEP-0313 addressed to the room");

        bob.send(bob.connection().getStanzaFactory().buildMessageStanza().to(roomJid).ofType(Message.Type.groupchat)
                .addExtension(new ChatMarkersElements.DisplayedExtension(msgId)).build());
        eventually(() -> groupUnread("bob") == 0);

        rest.call("POST", CONTEXT + "/acme/chat/messages/chatgroups", appToken, Map.of("from", "alice",
                "to", List.of(groupId), "type", "txt", "body", Map.of("msg", "from the back-end to the group"))).expect(200);
        for (XmppClient member : List.of(alice, bob)) {
            Message sent = member.await(m -> "from the back-end to the group".equals(m.getBody()), WAIT);
            assertEquals(roomJid.toString(), XmppClient.stanzaId(sent).getBy());
        }
        eventually(() -> groupUnread("bob") == 1);
        JsonNode conversations = rest.call("GET", CONTEXT + "/acme/chat/users/bob/conversations", appToken, null)
                .expect(200).get("entities");
        assertEquals(groupId, conversations.get(0).get("peer").asText(), "the group heads bob's conversation list");
        assertEquals("groupchat", conversations.get(0).get("chat_type").asText());
    }

    /**
     * Membership changes over REST change the room: a member removed is put out of the room and gets nothing more, nor
     * the group's history; a member added is invited and may join. A client cannot change the room's members itself.
     */
    @Test
    @Order(61)
    void aRemovedMemberLeavesTheRoomAndAnAddedOneIsInvited() throws Exception {
        EntityBareJid roomJid = groupRoom();
        XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);
        XmppClient carol = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        MultiUserChat aliceInRoom = MultiUserChatManager.getInstanceFor(alice.connection()).getMultiUserChat(roomJid);
        aliceInRoom.join(Resourcepart.from("alice"));
        MultiUserChat bobInRoom = MultiUserChatManager.getInstanceFor(bob.connection()).getMultiUserChat(roomJid);
        bobInRoom.join(Resourcepart.from("bob"));
        String bobToken = rest.call("POST", CONTEXT + "/acme/chat/token", null, Map.of("grant_type", "password",
                "username", "bob", "password", PASSWORD_BOB)).expect(200).get("access_token").asText();

        rest.call("DELETE", CONTEXT + "/acme/chat/chatgroups/" + groupId + "/users/bob", appToken, null).expect(200);
        eventually(() -> !bobInRoom.isJoined());
        aliceInRoom.sendMessage("after bob left");
        alice.await(m -> "after bob left".equals(m.getBody()), WAIT);
        assertTrue(bob.drain(Duration.ofSeconds(1)).stream().noneMatch(m -> "after bob left".equals(m.getBody())),
                "a removed member gets nothing more");
        assertEquals(404, rest.call("GET", CONTEXT + "/acme/chat/chatgroups/" + groupId + "/messages", bobToken, null).status(),
                "nor the history");
        XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class,
                () -> MamManager.getInstanceFor(bobInRoom).queryArchive(MamManager.MamQueryArgs.builder().build()));
        assertEquals(StanzaError.Condition.forbidden, refused.getStanzaError().getCondition());
        assertEquals(0, rest.call("GET", CONTEXT + "/acme/chat/users/bob/joined_chatgroups", appToken, null).expect(200)
                .get("count").asInt());

        XMPPException.XMPPErrorException byClient = assertThrows(XMPPException.XMPPErrorException.class,
                () -> aliceInRoom.grantMembership(XmppClient.jid("acme#chat_carol")));
        assertEquals(StanzaError.Condition.not_allowed, byClient.getStanzaError().getCondition(),
                "the owner's client cannot change the group's members behind its back");
        rest.call("POST", CONTEXT + "/acme/chat/chatgroups/" + groupId + "/users/carol", appToken, null).expect(200);
        Message invitation = carol.await(m -> m.getFrom() != null && m.getFrom().asBareJid().equals(roomJid), WAIT);
        assertTrue(invitation.toXML().toString().contains("jabber:x:conference"), invitation.toXML().toString());
        MultiUserChatManager.getInstanceFor(carol.connection()).getMultiUserChat(roomJid).join(Resourcepart.from("carol"));
        aliceInRoom.sendMessage("welcome carol");
        carol.await(m -> "welcome carol".equals(m.getBody()), WAIT);
    }

    /**
     * A group's room holds as many devices as its members bring: a group of two whose owner is in its room from two
     * devices still takes its member. A member enters under their own username only, never another's; and a room named
     * like the group's but for a leading zero is just another room of the app, whose messages are none of the group's.
     */
    @Test
    @Order(62)
    void aGroupsRoomTakesEveryDeviceOfItsMembersEachUnderTheirOwnName() throws Exception {
        String pairId = rest.call("POST", CONTEXT + "/acme/chat/chatgroups", appToken, Map.of("groupname", "pair",
                "public", false, "maxusers", 2, "owner", "alice", "members", List.of("bob"))).expect(200).at("/data/groupid").asText();
        EntityBareJid roomJid = JidCreate.entityBareFrom("acme#chat_" + pairId + "@conference." + OpenfireServer.DOMAIN);
        XmppClient alicePhone = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
        XmppClient aliceDesk = XmppClient.login("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1, "desk");
        clients.add(aliceDesk);
        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);
        MultiUserChat onPhone = MultiUserChatManager.getInstanceFor(alicePhone.connection()).getMultiUserChat(roomJid);
        onPhone.join(Resourcepart.from("alice"));
        MultiUserChatManager.getInstanceFor(aliceDesk.connection()).getMultiUserChat(roomJid).join(Resourcepart.from("alice"));

        MultiUserChat bobInRoom = MultiUserChatManager.getInstanceFor(bob.connection()).getMultiUserChat(roomJid);
        XMPPException.XMPPErrorException posing = assertThrows(XMPPException.XMPPErrorException.class,
                () -> bobInRoom.join(Resourcepart.from("alice")));
        assertEquals(StanzaError.Condition.not_acceptable, posing.getStanzaError().getCondition(), "bob as alice");
        bobInRoom.join(Resourcepart.from("bob"));
        assertTrue(bobInRoom.isJoined(), "the member gets in beside the owner's two devices");

        EntityBareJid lookAlike = JidCreate.entityBareFrom("acme#chat_0" + pairId + "@conference." + OpenfireServer.DOMAIN);
        MultiUserChat other = MultiUserChatManager.getInstanceFor(bob.connection()).getMultiUserChat(lookAlike);
        other.create(Resourcepart.from("bob")).makeInstant();
        other.sendMessage("not the group's");
        bob.await(m -> "not the group's".equals(m.getBody()), WAIT);
        bobInRoom.sendMessage("the group's");
        aliceDesk.await(m -> "the group's".equals(m.getBody()), WAIT);
        eventually(() -> rest.call("GET", CONTEXT + "/acme/chat/chatgroups/" + pairId + "/messages", appToken, null)
                .expect(200).get("count").asInt() == 1);
        assertEquals("the group's", body(rest.call("GET", CONTEXT + "/acme/chat/chatgroups/" + pairId + "/messages", appToken,
                null).expect(200).get("entities").get(0)));
        assertEquals(1, groupUnread("alice", pairId), "bob's message only");
        other.destroy("done", null);
    }

    /**
     * However an app user's account goes, their sessions close: deleted over REST, or in Openfire's own console, which
     * takes the user's registration with it (REST no longer knows the user, their token ends, the name is free again).
     */
    @Test
    @Order(63)
    void aDeletedUsersSessionsCloseAndAConsoleDeletionTakesTheRegistrationWithIt() throws Exception {
        register("ivan", "s3cret-I", "judy", "s3cret-J");
        XmppClient judy = connect("acme#chat_judy", "s3cret-J", Login.SCRAM_SHA_1);
        rest.call("DELETE", CONTEXT + "/acme/chat/users/judy", appToken, null).expect(200);
        eventually(() -> !judy.connection().isConnected() || !judy.connection().isAuthenticated());

        String ivansToken = rest.call("POST", CONTEXT + "/acme/chat/token", null, Map.of("grant_type", "password",
                "username", "ivan", "password", "s3cret-I")).expect(200).get("access_token").asText();
        XmppClient ivan = connect("acme#chat_ivan", "s3cret-I", Login.SCRAM_SHA_1);
        AdminConsoleClient console = new AdminConsoleClient(OpenfireServer.ADMIN_PORT);
        console.loginAndGet("admin", OpenfireServer.ADMIN_PASSWORD, "/user-summary.jsp");
        console.submit("/user-delete.jsp?username=acme%23chat_ivan", "/user-delete.jsp",
                Map.of("username", "acme#chat_ivan", "delete", "Delete User"));
        eventually(() -> !ivan.connection().isConnected() || !ivan.connection().isAuthenticated());
        assertEquals(404, rest.call("GET", CONTEXT + "/acme/chat/users/ivan", appToken, null).status(), "no ghost registration");
        assertEquals(401, rest.call("GET", CONTEXT + "/acme/chat/users/ivan", ivansToken, null).status(), "his token ended");
        register("ivan", "s3cret-I2");
        connect("acme#chat_ivan", "s3cret-I2", Login.SCRAM_SHA_1);
    }

    /**
     * A server-side send that names no sender comes from the app's back-end as {@code admin}, who has no account: it
     * reaches the receiver's client, online or at their next login, with our stanza-id.
     */
    @Test
    @Order(64)
    void aServerSideSendWithoutASenderReachesTheReceiverFromAdmin() throws Exception {
        XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);
        String id = rest.call("POST", CONTEXT + "/acme/chat/messages/users", appToken, Map.of("to", List.of("bob", "carol"),
                "type", "txt", "body", Map.of("msg", "notice from the app"))).expect(200).at("/data/bob").asText();
        Message received = bob.await(m -> "notice from the app".equals(m.getBody()), WAIT);
        assertEquals("acme#chat_admin@localhost", received.getFrom().asBareJid().toString());
        assertEquals(id, XmppClient.stanzaId(received).getId());
        XmppClient carol = connect("acme#chat_carol", PASSWORD_CAROL, Login.SCRAM_SHA_1);
        carol.await(m -> "notice from the app".equals(m.getBody()), WAIT);
    }

    /**
     * A client sends a message again with its id, as one does whose stream could not be resumed: the receiver gets both
     * copies with one stanza-id, and the message is archived and counted once.
     */
    @Test
    @Order(65)
    void aMessageSentAgainWithItsIdIsArchivedAndCountedOnce() throws Exception {
        register("kim", "s3cret-K", "lee", "s3cret-L");
        XmppClient kim = connect("acme#chat_kim", "s3cret-K", Login.SCRAM_SHA_1);
        XmppClient lee = connect("acme#chat_lee", "s3cret-L", Login.SCRAM_SHA_1);
        Message once = kim.connection().getStanzaFactory().buildMessageStanza().to(XmppClient.jid("acme#chat_lee"))
                .ofType(Message.Type.chat).setBody("sent twice").build();
        kim.send(once);
        kim.send(once); // the same stanza, its id with it
        String id = XmppClient.stanzaId(lee.await(m -> "sent twice".equals(m.getBody()), WAIT)).getId();
        assertEquals(id, XmppClient.stanzaId(lee.await(m -> "sent twice".equals(m.getBody()), WAIT)).getId(),
                "both copies carry the one archive id");
        eventually(() -> unread("lee", "kim") == 1);
        JsonNode history = rest.call("GET", CONTEXT + "/acme/chat/users/lee/conversations/kim/messages", appToken, null).expect(200);
        assertEquals(1, history.get("count").asInt(), history.toString());
        assertEquals(id, history.get("entities").get(0).get("msg_id").asText());
        assertEquals(1, unread("lee", "kim"), "counted once");
    }

    /**
     * A web client's page may call the API from a browser when its origin is listed: Openfire's HTTP server passes the
     * preflight to the plugin, which answers it; a page of another origin gets no CORS answer.
     */
    @Test
    @Order(66)
    void aListedWebOriginMayCallTheApiFromABrowser() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String token = CONTEXT + "/acme/chat/token";
        for (String origin : List.of(WEB_CLIENT_ORIGIN, "https://other.example")) {
            HttpResponse<String> preflight = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + OpenfireServer.HTTP_PORT + token)).header("Origin", origin)
                    .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "content-type")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            boolean listed = origin.equals(WEB_CLIENT_ORIGIN);
            assertEquals(listed ? 204 : 405, preflight.statusCode(), origin + ": " + preflight.body());
            assertEquals(listed ? Optional.of(origin) : Optional.empty(),
                    preflight.headers().firstValue("Access-Control-Allow-Origin"), origin);
        }
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + OpenfireServer.HTTP_PORT
                + CONTEXT + "/acme/chat/users/alice")).header("Origin", WEB_CLIENT_ORIGIN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode());
        assertEquals(WEB_CLIENT_ORIGIN, refused.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    /**
     * Offline-message callbacks: the operator points the app's callback URL at a receiver this test runs on
     * 127.0.0.1, bob binds his phone over REST with his own token, alice sends offline bob a message from her XMPP
     * client, and within seconds the receiver gets Easemob's chat_offline callback with bob's device token, signed with
     * the callback secret (checked here with the JDK's own HMAC, as the README tells a receiver to). The message's id
     * is the stanza-id bob's client gets at login. The callback URL is removed again afterwards.
     */
    @Test
    @Order(40)
    void anOfflineMessageIsCalledBackToTheAppWithBobsDeviceToken() throws Exception {
        BlockingQueue<Callback> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        receiver.createContext("/push/offline", exchange -> {
            received.add(new Callback(exchange.getRequestHeaders().getFirst("X-Imcloud-Timestamp"),
                    exchange.getRequestHeaders().getFirst("X-Imcloud-Signature"), exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/push/offline";
            JsonNode app = rest.callAsAdmin("PUT", CONTEXT + "/management/apps/acme/chat", "admin", OpenfireServer.ADMIN_PASSWORD,
                    Map.of("callback_url", url)).expect(200).get("data");
            String secret = app.get("callback_secret").asText();
            assertEquals(url, app.get("callback_url").asText());
            String bobsToken = rest.call("POST", CONTEXT + "/acme/chat/token", null, Map.of("grant_type", "password",
                    "username", "bob", "password", PASSWORD_BOB)).expect(200).get("access_token").asText();
            rest.call("PUT", CONTEXT + "/acme/chat/users/bob/push/binding", bobsToken, Map.of("device_id", "bobs-phone",
                    "device_token", "apns-token-of-bobs-phone", "notifier_name", "it-cert")).expect(200);

            XmppClient alice = connect("acme#chat_alice", PASSWORD_ALICE, Login.SCRAM_SHA_1);
            alice.sendChat("acme#chat_bob", "push me to bob's phone");
            Callback callback = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(callback, "a callback within " + WAIT);

            long now = System.currentTimeMillis();
            assertTrue(Math.abs(now - Long.parseLong(callback.timestamp())) < 300_000, "a fresh timestamp");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((callback.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
            assertEquals("sha256=" + HexFormat.of().formatHex(mac.doFinal(callback.body())), callback.signature(),
                    "the signature verifies with the app's callback secret");
            JsonNode body = new ObjectMapper().readTree(callback.body());
            assertEquals("chat_offline", body.get("eventType").asText());
            assertEquals("acme#chat", body.get("appkey").asText());
            assertEquals("alice", body.get("from").asText());
            assertEquals("bob", body.get("to").asText());
            assertEquals("push me to bob's phone", body.at("/payload/bodies/0/msg").asText());
            assertEquals("apns-token-of-bobs-phone", body.at("/devices/0/device_token").asText());
            assertEquals("it-cert", body.at("/devices/0/notifier_name").asText());

            XmppClient bob = connect("acme#chat_bob", PASSWORD_BOB, Login.SCRAM_SHA_1);
            Message delivered = bob.await(m -> "push me to bob's phone".equals(m.getBody()), WAIT);
            assertEquals(body.get("msg_id").asText(), XmppClient.stanzaId(delivered).getId(), "the callback names bob's message");
            assertNull(received.poll(300, TimeUnit.MILLISECONDS), "one callback, no more");
        } finally {
            rest.callAsAdmin("PUT", CONTEXT + "/management/apps/acme/chat", "admin", OpenfireServer.ADMIN_PASSWORD,
                    Map.of("callback_url", "")).expect(200);
            receiver.stop(0);
        }
    }

    /** One callback as the receiver got it. */
    private record Callback(String timestamp, String signature, byte[] body) {
    }

    @Test
    @Order(99)
    void logHasNoLinkageErrorsAndNoErrorFromImcloud() throws Exception {
        String log = server.logSince(new OpenfireServer.LogMark(0));
        for (String linkage : List.of("NoSuchMethodError", "NoClassDefFoundError", "AbstractMethodError",
                "ClassCastException", "NoSuchFieldError")) {
            assertFalse(log.contains(linkage), linkage + " in " + server.home().resolve("logs/openfire.log"));
        }
        assertEquals(List.of(), problemLines(log));
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** ERROR and WARN lines logged by imcloud's classes or naming the plugin. */
    private static List<String> problemLines(String log) {
        List<String> found = new ArrayList<>(OpenfireServer.logLines(log, "ERROR", "imcloud"));
        found.addAll(OpenfireServer.logLines(log, "WARN", "imcloud"));
        return found;
    }

    /** GET of an absolute URL (Openfire's TLS port included), as a media player would fetch it. */
    private static HttpResponse<byte[]> download(String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(XmppClient.trustingTls()).build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String status(String username) throws Exception {
        return rest.call("GET", CONTEXT + "/acme/chat/users/" + username + "/status", appToken, null).expect(200)
                .at("/data/" + username).asText();
    }

    /** The room of the group the group steps made. */
    private EntityBareJid groupRoom() throws Exception {
        return JidCreate.entityBareFrom("acme#chat_" + groupId + "@conference." + OpenfireServer.DOMAIN);
    }

    /** The unread count of the group of the group steps in {@code username}'s unread summary. */
    private int groupUnread(String username) throws Exception {
        return groupUnread(username, groupId);
    }

    private int groupUnread(String username, String group) throws Exception {
        JsonNode data = rest.call("GET", CONTEXT + "/acme/chat/users/" + username + "/unread", appToken, null).expect(200).get("data");
        for (JsonNode conversation : data.get("conversations")) {
            if (group.equals(conversation.get("peer").asText()) && "groupchat".equals(conversation.get("chat_type").asText())) {
                return conversation.get("unread_num").asInt();
            }
        }
        return 0;
    }

    private JsonNode createApp(String org, String app) throws Exception {
        return rest.callAsAdmin("POST", CONTEXT + "/management/apps", "admin", OpenfireServer.ADMIN_PASSWORD,
                Map.of("org", org, "app", app, "open_registration", false)).expect(200).get("data");
    }

    private JsonNode history(String owner, String peer, String before, int limit) throws Exception {
        String query = "?limit=" + limit + (before == null ? "" : "&before=" + before);
        return rest.call("GET", CONTEXT + "/acme/chat/users/" + owner + "/conversations/" + peer + "/messages" + query,
                appToken, null).expect(200);
    }

    private int unread(String owner, String peer) throws Exception {
        JsonNode data = rest.call("GET", CONTEXT + "/acme/chat/users/" + owner + "/unread", appToken, null)
                .expect(200).get("data");
        for (JsonNode conversation : data.get("conversations")) {
            if (peer.equals(conversation.get("peer").asText())) {
                return conversation.get("unread_num").asInt();
            }
        }
        return 0;
    }

    /** The usernames in {@code data} of {@code GET /acme/chat/users/{owner}/contacts/users}. */
    private List<String> contacts(String owner) throws Exception {
        return names(rest.call("GET", CONTEXT + "/acme/chat/users/" + owner + "/contacts/users", appToken, null).expect(200));
    }

    /** The usernames in {@code data} of {@code GET /acme/chat/users/{owner}/blocks/users}. */
    private List<String> blocked(String owner) throws Exception {
        return names(rest.call("GET", CONTEXT + "/acme/chat/users/" + owner + "/blocks/users", appToken, null).expect(200));
    }

    private static List<String> names(JsonNode answer) {
        List<String> names = new ArrayList<>();
        answer.get("data").forEach(name -> names.add(name.asText()));
        return names;
    }

    /** {@code client}'s roster once Smack has loaded it after the login. */
    private static Roster rosterOf(XmppClient client) throws Exception {
        Roster roster = Roster.getInstanceFor(client.connection());
        eventually(roster::isLoaded);
        return roster;
    }

    /** The subscription of {@code node@localhost} in {@code roster}, or null when it is not there. */
    private static RosterPacket.ItemType subscription(Roster roster, String node) throws Exception {
        RosterEntry entry = roster.getEntry(XmppClient.jid(node));
        return entry == null ? null : entry.getType();
    }

    /** The text of a message object; null for a voice, image or file message (no {@code msg}). */
    private static String body(JsonNode message) {
        return message.path("payload").path("bodies").path(0).path("msg").asText(null);
    }

    /** Registers users of acme#chat over REST, given as username, password, username, password... */
    private void register(String... usernamesAndPasswords) throws Exception {
        List<Map<String, String>> users = new ArrayList<>();
        for (int i = 0; i < usernamesAndPasswords.length; i += 2) {
            users.add(Map.of("username", usernamesAndPasswords[i], "password", usernamesAndPasswords[i + 1]));
        }
        rest.call("POST", CONTEXT + "/acme/chat/users", appToken, users).expect(200);
    }

    private XmppClient connect(String node, String password, Login login) throws Exception {
        XmppClient client = XmppClient.login(node, password, login);
        clients.add(client);
        return client;
    }

    private void closeClients() {
        clients.forEach(XmppClient::close);
        clients.clear();
    }

    /**
     * Polls {@code condition} until it holds: the archive writes behind the message path, so what a
     * client received reaches the database a few milliseconds later.
     */
    private static void eventually(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition still false after " + WAIT);
            }
            Thread.sleep(100);
        }
    }
}
