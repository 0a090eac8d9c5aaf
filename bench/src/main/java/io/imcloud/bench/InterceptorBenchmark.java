package io.imcloud.bench;

import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.archive.WriterSettings;
import io.imcloud.openfire.OpenfireMembershipCache;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.MembershipCache;
import io.imcloud.testsupport.ScramUserDirectory;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.users.NewUser;
import io.imcloud.users.RegisteredUsers;
import io.imcloud.users.UserService;
import io.imcloud.xmpp.ImcloudPacketInterceptor;
import io.imcloud.xmpp.StanzaRejection;
import io.imcloud.xmpp.TenantFirewall;
import org.jivesoftware.openfire.session.ClientSession;
import org.jivesoftware.util.cache.DefaultCache;
import org.mockito.Mockito;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
 * Then the app membership check (issue 9): the tenant-check path once with membership taken from the
 * JID's shape alone (what the firewall did before) and once answered by {@link AppMembership} from Openfire's
 * own local cache class ({@code DefaultCache}, what {@code CacheFactory} gives a single node), the users
 * being real {@code ofImUser} rows; the difference of the medians is what the check adds, printed as a ratio
 * to its 5 µs limit. A cache miss (one indexed database read) is timed too, for scale.
 * <p>
 * Run: {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=io.imcloud.bench.InterceptorBenchmark}
 */
public final class InterceptorBenchmark {

    static final String DOMAIN = "im.example.com";
    static final double TARGET_MICROS = 50.0;
    static final double MEMBERSHIP_LIMIT_MICROS = 5.0;
    static final int WARMUP = 50_000;
    static final int MEASURED = 200_000;
    static final int MISSES = 20_000;

    /** Room for every command of the run: one append and one state change per archived message. */
    static final WriterSettings WRITER = WriterSettings.of(1_000_000, 1000);

    public static void main(String[] args) throws Exception {
        try (TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB);
             SqlArchive archive = new SqlArchive(db, new MessageIds(1), WRITER)) {
            measure(archive, firewall(membershipByShape()));
            archive.flush();
            System.out.printf("  archive: %d messages committed, %d commands rejected, append-to-commit p50 %d µs p99 %d µs%n",
                    db.count("ofImMessage"), archive.rejectedCount(),
                    archive.lossWindow().percentileMicros(50), archive.lossWindow().percentileMicros(99));
            measureMembership(archive, db);
        }
    }

    /** A cache that keeps nothing: every question goes to the registry. */
    static final MembershipCache NOTHING_CACHED = new MembershipCache() {
            @Override
            public Boolean get(String node) {
                return null;
            }

            @Override
            public void put(String node, boolean member) {
            }

            @Override
            public void remove(String node) {
            }
        };

    /** Every well-formed app node taken for a registered user, nothing cached: the firewall as it was before issue 9. */
    static AppMembership membershipByShape() {
        return new AppMembership(user -> true, NOTHING_CACHED);
    }

    static TenantFirewall firewall(AppMembership membership) {
        return new TenantFirewall(DOMAIN, membership, service -> false, ("conference." + DOMAIN)::equals);
    }

    /** The tenant-check path by shape and with the database's membership through Openfire's cache class; their difference. */
    static void measureMembership(SqlArchive archive, TestDatabase db) throws Exception {
        UserService users = new UserService(db, new ScramUserDirectory(db), Clock.systemUTC(), membershipByShape());
        users.register(AppKey.of("acme", "chat"), List.of(new NewUser("alice", "pw", null), new NewUser("bob", "pw", null)), 0);
        AppMembership cached = new AppMembership(new RegisteredUsers(db), new OpenfireMembershipCache(
                new DefaultCache<>("imcloud App Membership", 4L * 1024 * 1024, Duration.ofHours(1).toMillis())));

        System.out.printf("app membership check on the tenant-check path (%d measured after %d warm-up)%n", MEASURED, WARMUP);
        double byShape = presenceWithinTheApp("presence within the app, membership by shape", firewall(membershipByShape()), archive);
        double fromCache = presenceWithinTheApp("presence within the app, membership from the cache", firewall(cached), archive);
        double added = fromCache - byShape;
        System.out.printf("  membership check adds %.2f µs median per stanza (%.3f of the %.0f µs limit)%n",
                added, added / MEMBERSHIP_LIMIT_MICROS, MEMBERSHIP_LIMIT_MICROS);

        AppMembership uncached = new AppMembership(new RegisteredUsers(db), NOTHING_CACHED);
        AppUser alice = AppUser.of(AppKey.of("acme", "chat"), "alice");
        long[] nanos = new long[MISSES];
        for (int i = 0; i < MISSES; i++) {
            long start = System.nanoTime();
            uncached.isMember(alice);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("  a cache miss (one database read, HSQLDB in memory): median %.2f µs over %d%n",
                nanos[MISSES / 2] / 1000.0, MISSES);
    }

    static double presenceWithinTheApp(String name, TenantFirewall firewall, SqlArchive archive) throws Exception {
        ImcloudPacketInterceptor interceptor = new ImcloudPacketInterceptor(archive, firewall, true, p -> { });
        JID alice = new JID("acme#chat_alice", DOMAIN, "phone");
        JID bob = new JID("acme#chat_bob", DOMAIN, null);
        ClientSession aliceSession = session(alice);
        ClientSession bobSession = session(new JID("acme#chat_bob", DOMAIN, "phone"));
        return run(name, () -> {
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
    }

    static void measure(SqlArchive archive, TenantFirewall firewall) throws Exception {
        ImcloudPacketInterceptor interceptor = new ImcloudPacketInterceptor(archive, firewall, true, p -> { });
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

    /** The median in µs, after printing it and the p99. */
    static double run(String name, Supplier<Packet> packets, Path path) throws Exception {
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
        return median;
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
