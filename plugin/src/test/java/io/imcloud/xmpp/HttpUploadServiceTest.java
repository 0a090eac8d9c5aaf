package io.imcloud.xmpp;

import io.imcloud.attachments.AttachmentLimits;
import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.Upload;
import io.imcloud.attachments.UploadSlots;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.FilePolicy;
import io.imcloud.tenancy.SigningKeyStore;
import io.imcloud.testsupport.RestHarnessStack.MovableClock;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.testsupport.TestMembership;
import org.dom4j.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static io.imcloud.xmpp.testsupport.XmppFixture.DOMAIN;
import static io.imcloud.xmpp.testsupport.XmppFixture.MUC_SERVICE;
import static io.imcloud.xmpp.testsupport.XmppFixture.full;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The XEP-0363 service with real Tinder packets: discovery, slots for app users only, and its refusals. */
class HttpUploadServiceTest {

    private static final AppKey APP = AppKey.of("acme", "chat");
    private static final JID SERVICE = new JID(null, "upload." + DOMAIN, null);
    private static final String BASE = "https://im.example.com:7443/imcloud";

    @TempDir
    Path root;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicReference<FilePolicy> policy = new AtomicReference<>(FilePolicy.DEFAULT);
    private final List<Packet> sent = new ArrayList<>();
    private TestDatabase db;
    private Attachments attachments;
    private UploadSlots slots;
    private HttpUploadService service;

    @BeforeEach
    void start() {
        db = TestDatabase.create(DatabaseType.HSQLDB);
        attachments = new Attachments(db, root, clock, () -> new AttachmentLimits(1000, 170, 1_000_000));
        slots = new UploadSlots(new SigningKeyStore(db, clock), clock);
        AppMembership membership = new AppMembership(user -> !user.username().equals("ghost"), new TestMembership());
        TenantFirewall firewall = new TenantFirewall(DOMAIN, membership, service -> service.equals(SERVICE.getDomain()),
                MUC_SERVICE::equals);
        service = new HttpUploadService(firewall, membership,
                key -> key.equals(APP) ? Optional.of(new App(APP, "u", "c", 1, false, 0, 0, policy.get(), 0, 0)) : Optional.empty(),
                attachments, slots, () -> BASE, () -> Duration.ofMinutes(5), sent::add);
    }

    @AfterEach
    void stop() {
        db.close();
    }

    private IQ ask(JID from, String namespace, String name, String... attributes) {
        IQ iq = new IQ(IQ.Type.get, "q1");
        iq.setFrom(from);
        iq.setTo(SERVICE);
        Element child = iq.setChildElement(name, namespace);
        for (int i = 0; i < attributes.length; i += 2) {
            child.addAttribute(attributes[i], attributes[i + 1]);
        }
        service.processPacket(iq);
        IQ answer = (IQ) sent.remove(sent.size() - 1);
        assertEquals("q1", answer.getID());
        assertEquals(from, answer.getTo());
        return answer;
    }

    private IQ request(JID from, String fileName, String size, String type) {
        return ask(from, HttpUploadService.NAMESPACE, "request", "filename", fileName, "size", size, "content-type", type);
    }

    @Test
    void discoveryOffersTheUploadFeatureAndLimitToAppUsersAndTheServerOnly() {
        for (JID asker : List.of(full("acme#chat_alice"), new JID(null, DOMAIN, null))) {
            Element query = ask(asker, "http://jabber.org/protocol/disco#info", "query").getChildElement();
            assertEquals("store", query.element("identity").attributeValue("category"));
            assertTrue(features(query).contains(HttpUploadService.NAMESPACE), asker.toString());
            Element form = query.element("x");
            assertEquals(HttpUploadService.NAMESPACE, form.elements("field").get(0).elementText("value"));
            assertEquals("max-file-size", form.elements("field").get(1).attributeValue("var"));
            assertEquals("1000", form.elements("field").get(1).elementText("value"));
        }
        for (JID plain : List.of(full("bob"), full("acme#chat_ghost"))) {
            Element query = ask(plain, "http://jabber.org/protocol/disco#info", "query").getChildElement();
            assertEquals(List.of("http://jabber.org/protocol/disco#info"), features(query), plain.toString());
            assertNull(query.element("x"));
        }
    }

    @Test
    void anAppUserGetsAPutAndGetUrlWithASignedGrantForOneFile() throws Exception {
        IQ answer = request(full("acme#chat_alice"), "voice message (1).m4a", "4", "audio/mp4");
        assertEquals(IQ.Type.result, answer.getType());
        Element slot = answer.getChildElement();
        String put = slot.element("put").attributeValue("url");
        assertEquals(put, slot.element("get").attributeValue("url"));
        assertTrue(put.matches("https://im\\.example\\.com:7443/imcloud/acme/chat/chatfiles/[0-9a-f-]{36}/voice_message__1_\\.m4a"), put);
        Element header = slot.element("put").element("header");
        assertEquals("Authorization", header.attributeValue("name"));
        UploadSlots.Slot grant = slots.verify(header.getText().substring("Bearer ".length())).orElseThrow();
        assertEquals(AppUser.of(APP, "alice"), grant.user());
        assertEquals(4, grant.size());
        assertEquals("voice message (1).m4a", grant.fileName());
        assertTrue(put.contains(grant.uuid()));

        clock.advance(Duration.ofMinutes(5));
        assertTrue(slots.verify(grant.token()).isEmpty(), "expired");
        assertTrue(slots.verify(grant.token().substring(0, grant.token().length() - 2) + "AA").isEmpty(), "forged");
    }

    @Test
    void refusesOthersOversizedFilesTypesTheAppRefusesAndFullQuotas() throws Exception {
        assertEquals(PacketError.Condition.not_allowed, request(full("bob"), "a.png", "10", "image/png").getError().getCondition());
        assertEquals(PacketError.Condition.not_allowed,
                request(full("acme#chat_ghost"), "a.png", "10", "image/png").getError().getCondition());
        assertEquals(PacketError.Condition.not_allowed,
                request(full("acme#other_alice"), "a.png", "10", "image/png").getError().getCondition(), "no such app");
        assertEquals(PacketError.Condition.bad_request,
                request(full("acme#chat_alice"), "a.png", "-1", "image/png").getError().getCondition());

        IQ tooLarge = request(full("acme#chat_alice"), "a.png", "1001", "image/png");
        assertEquals(PacketError.Condition.not_acceptable, tooLarge.getError().getCondition());
        Element detail = tooLarge.getElement().element("error").element("file-too-large");
        assertNotNull(detail);
        assertEquals("1000", detail.elementText("max-file-size"));

        policy.set(new FilePolicy(0, 1, 0, true));
        assertEquals(PacketError.Condition.not_acceptable,
                request(full("acme#chat_alice"), "a.txt", "10", "text/plain").getError().getCondition());
        assertEquals(IQ.Type.result, request(full("acme#chat_alice"), "a.ogg", "10", "audio/ogg").getType());
        attachments.store(Upload.chatFile(APP, FilePolicy.DEFAULT, "alice", "x", false),
                new ByteArrayInputStream(new byte[] {1}));
        assertEquals(PacketError.Condition.resource_constraint,
                request(full("acme#chat_alice"), "b.ogg", "10", "audio/ogg").getError().getCondition());
        assertEquals(PacketError.Condition.feature_not_implemented,
                ask(full("acme#chat_alice"), "urn:xmpp:http:upload", "request", "filename", "a").getError().getCondition());
    }

    private static List<String> features(Element query) {
        return query.elements("feature").stream().map(f -> f.attributeValue("var")).toList();
    }
}
