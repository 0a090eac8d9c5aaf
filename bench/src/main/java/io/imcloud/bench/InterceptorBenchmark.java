package io.imcloud.bench;

import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.archive.WriterSettings;
import io.imcloud.sql.DatabaseType;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.xmpp.ImcloudPacketInterceptor;
import io.imcloud.xmpp.StanzaRejection;
import org.jivesoftware.openfire.session.ClientSession;
import org.mockito.Mockito;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Time the imcloud interceptor adds to each message on Openfire's packet path, with real Tinder
 * packets: the four interceptor calls a delivered chat message gets (read before/after routing,
 * sent before/after delivery), for an archived chat message, a presence passing the tenant check,
 * and a cross-tenant message being rejected. The archive is the real {@link SqlArchive} on an in-memory
 * HSQLDB, so the figures include the offer to its group-commit queue (sized so that it never refuses:
 * a refusal would end the run); its writer thread commits meanwhile, on the same cores. Prints median
 * and p99 per message and their ratio to the 50 µs target, then what the archive committed.
 * <p>
 * Run: {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.InterceptorBenchmark}
 */
public final class InterceptorBenchmark {

    static final String DOMAIN = "im.example.com";
    static final double TARGET_MICROS = 50.0;
    static final int WARMUP = 50_000;
    static final int MEASURED = 200_000;

    /** Room for every command of the run: one append and one state change per archived message. */
    static final WriterSettings WRITER = WriterSettings.of(1_000_000, 1000);

    public static void main(String[] args) throws Exception {
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB);
             SqlArchive archive = new SqlArchive(db, new MessageIds(1), WRITER)) {
            measure(archive);
            archive.flush();
            System.out.printf("  archive: %d messages committed, %d commands rejected, append-to-commit p50 %d µs p99 %d µs%n",
                    db.count("ofImMessage"), archive.rejectedCount(),
                    archive.lossWindow().percentileMicros(50), archive.lossWindow().percentileMicros(99));
        }
    }

    static void measure(SqlArchive archive) throws Exception {
        ImcloudPacketInterceptor interceptor = new ImcloudPacketInterceptor(archive, DOMAIN, true, p -> { });
        JID alice = new JID("acme#chat_alice", DOMAIN, "phone");
        JID bob = new JID("acme#chat_bob", DOMAIN, null);
        JID carol = new JID("acme#other_carol", DOMAIN, null);
        ClientSession aliceSession = session(alice);
        ClientSession bobSession = session(new JID("acme#chat_bob", DOMAIN, "phone"));

        System.out.printf("imcloud interceptor, added time per stanza (%d measured after %d warm-up)%n", MEASURED, WARMUP);
        run("archived chat message (stamp + append + DELIVERED)", () -> {
            Message m = new Message();
            m.setType(Message.Type.chat);
            m.setFrom(alice);
            m.setTo(bob);
            m.setID("c-" + System.nanoTime());
            m.setBody("Hello Bob, see you at eight?");
            m.addChildElement("ext", "urn:imcloud:ext").setText("{\"em_apns_ext\":{\"em_push_title\":\"hi\"},\"n\":1}");
            return m;
        }, packet -> {
            interceptor.interceptPacket(packet, aliceSession, true, false);
            interceptor.interceptPacket(packet, aliceSession, true, true);
            interceptor.interceptPacket(packet, bobSession, false, false);
            interceptor.interceptPacket(packet, bobSession, false, true);
        });
        // The writer lags behind this offered rate; let it catch up so that its backlog does not compete
        // for the CPU with the phases below, which never touch the archive.
        long start = System.nanoTime();
        archive.flush();
        System.out.printf("  (archive writer caught up %.1f s after the last message)%n", (System.nanoTime() - start) / 1e9);
        run("presence within the app (tenant check only)", () -> {
            Presence p = new Presence();
            p.setFrom(alice);
            p.setTo(bob);
            return p;
        }, packet -> {
            interceptor.interceptPacket(packet, aliceSession, true, false);
            interceptor.interceptPacket(packet, aliceSession, true, true);
            interceptor.interceptPacket(packet, bobSession, false, false);
            interceptor.interceptPacket(packet, bobSession, false, true);
        });
        run("cross-tenant chat message (rejected)", () -> {
            Message m = new Message();
            m.setType(Message.Type.chat);
            m.setFrom(alice);
            m.setTo(carol);
            m.setBody("hi carol");
            return m;
        }, packet -> {
            try {
                interceptor.interceptPacket(packet, aliceSession, true, false);
                throw new IllegalStateException("not rejected");
            } catch (StanzaRejection expected) {
                // the path measured
            }
        });
    }

    interface Path {
        void through(Packet packet) throws Exception;
    }

    static void run(String name, Supplier<Packet> packets, Path path) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            path.through(packets.get());
        }
        long[] nanos = new long[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            Packet packet = packets.get();
            long start = System.nanoTime();
            path.through(packet);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        double median = nanos[MEASURED / 2] / 1000.0;
        double p99 = nanos[(int) (MEASURED * 0.99)] / 1000.0;
        System.out.printf("  %-52s median %7.2f µs (%.3f of %.0f µs target)   p99 %7.2f µs (%.3f of target)%n",
                name, median, median / TARGET_MICROS, TARGET_MICROS, p99, p99 / TARGET_MICROS);
    }

    /**
     * A client session at {@code address}, open. A stub-only Mockito mock (records no invocations): a
     * JDK proxy cannot be built on 4.2.0's interface without Openfire's full class path. Its calls
     * (about 2 per delivered stanza) are counted in the figures, so they are an upper bound.
     */
    static ClientSession session(JID address) {
        ClientSession session = Mockito.mock(ClientSession.class, Mockito.withSettings().stubOnly());
        Mockito.when(session.getAddress()).thenReturn(address);
        Mockito.when(session.isClosed()).thenReturn(false);
        return session;
    }
}
