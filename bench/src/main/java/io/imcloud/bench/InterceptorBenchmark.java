package io.imcloud.bench;

import io.imcloud.archive.Archive;
import io.imcloud.archive.ArchivePage;
import io.imcloud.archive.ArchiveQuery;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageIds;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.xmpp.ImcloudPacketInterceptor;
import io.imcloud.xmpp.StanzaRejection;
import org.jivesoftware.openfire.session.ClientSession;
import org.mockito.Mockito;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Time the imcloud interceptor adds to each message on Openfire's packet path, with real Tinder
 * packets: the four interceptor calls a delivered chat message gets (read before/after routing,
 * sent before/after delivery), for an archived chat message, a presence passing the tenant check,
 * and a cross-tenant message being rejected. The archive is a bounded queue drained by another
 * thread, as the group-commit writer is. Prints median and p99 per message and their ratio to the
 * 50 µs target.
 * <p>
 * Run: {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.InterceptorBenchmark}
 */
public final class InterceptorBenchmark {

    static final String DOMAIN = "im.example.com";
    static final double TARGET_MICROS = 50.0;
    static final int WARMUP = 50_000;
    static final int MEASURED = 200_000;

    public static void main(String[] args) throws Exception {
        QueueArchive archive = new QueueArchive();
        ImcloudPacketInterceptor interceptor = new ImcloudPacketInterceptor(archive, DOMAIN, p -> { });
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
        archive.stop();
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

    /** The write side of an archive as the group-commit writer has it: a bounded queue, drained elsewhere. */
    static final class QueueArchive implements Archive {
        private final MessageIds ids = new MessageIds(0);
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(100_000);
        private final Thread drainer = new Thread(this::drain, "archive-drainer");

        QueueArchive() {
            drainer.setDaemon(true);
            drainer.start();
        }

        private void drain() {
            List<Object> batch = new java.util.ArrayList<>(1000);
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    batch.add(queue.take());
                    queue.drainTo(batch, 999);
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() {
            drainer.interrupt();
        }

        @Override
        public long nextId() {
            return ids.next();
        }

        @Override
        public boolean append(ArchivedMessage message) {
            return queue.offer(message);
        }

        @Override
        public void markState(AppKey appKey, long msgId, DeliveryState state) {
            queue.offer(state);
        }

        @Override
        public CompletableFuture<Integer> markRead(AppUser owner, String peer, String upTo) {
            return CompletableFuture.completedFuture(0);
        }

        @Override
        public void flush() {
        }

        @Override
        public Optional<ArchivedMessage> find(AppKey appKey, long msgId) {
            return Optional.empty();
        }

        @Override
        public List<ArchivedMessage> history(AppUser owner, String peer, long beforeId, int limit) {
            return List.of();
        }

        @Override
        public ArchivePage query(ArchiveQuery query) {
            return new ArchivePage(List.of(), true);
        }

        @Override
        public long offlineCount(AppUser user) {
            return 0;
        }
    }
}
