package io.imcloud.users;

import io.imcloud.archive.ArchivePurge;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppOptions;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppStore;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.StoreException;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.ScramUserDirectory;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.testsupport.TestMembership;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** App membership read from {@code ofImUser} through its cache, and kept true by registrations and deletions. */
class AppMembershipTest {

    private static final AppKey CHAT = AppKey.of("acme", "chat");
    private static final AppKey OTHER = AppKey.of("acme", "other");

    private TestMembership cache;
    private AppMembership membership;
    private UserService users;

    private void open(TestDatabase db) {
        cache = new TestMembership();
        membership = new AppMembership(new RegisteredUsers(db), cache);
        users = new UserService(db, new ScramUserDirectory(db), Clock.systemUTC(), membership);
    }

    @AllDatabases
    void onlyARegistrationRowMakesAMemberWhateverTheNodeLooksLike(TestDatabase db) {
        open(db);
        users.register(CHAT, List.of(new NewUser("alice", "pw", null)), 0);

        assertEquals(Optional.of(CHAT), membership.appOf("acme#chat_alice"));
        assertEquals(Optional.empty(), membership.appOf("acme#chat_eve"), "well-formed, but never registered");
        assertEquals(Optional.empty(), membership.appOf("acme#other_alice"), "registered with another app only");
        assertEquals(Optional.empty(), membership.appOf("admin"));
        assertEquals(Optional.empty(), membership.appOf("acme#chat"));
    }

    /**
     * A reader that read "no member" just before a registration, and caches it just after the registration dropped the
     * answer, does not keep it: the answer is dropped once more a moment later.
     */
    @Test
    void anAnswerReadJustBeforeARegistrationAndCachedJustAfterItIsDroppedAgain() throws Exception {
        TestMembership answers = new TestMembership();
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch registered = new CountDownLatch(1);
        AtomicBoolean inTable = new AtomicBoolean();
        AppMembership racing = new AppMembership(user -> {
            boolean found = inTable.get();
            read.countDown();
            await(registered);
            return found;
        }, answers);
        AppUser alice = AppUser.of(CHAT, "alice");
        CompletableFuture<Boolean> reader = CompletableFuture.supplyAsync(() -> racing.isMember(alice));
        await(read);
        inTable.set(true);
        racing.forget(alice);
        registered.countDown();
        assertFalse(reader.get(10, TimeUnit.SECONDS), "the reader saw the table before the registration");
        assertEquals(Boolean.FALSE, answers.get(alice.node()), "and cached that after the first drop");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (answers.get(alice.node()) != null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(racing.isMember(alice), "dropped again, the answer is read anew");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An account Openfire deletes by itself (its console) takes its registration row with it: the user is no member and
     * the name can be registered again. The service's own deletion, which deletes the account first, is left alone.
     */
    @AllDatabases
    void anAccountDeletedOutsideTheServiceTakesItsRowWithIt(TestDatabase db) {
        open(db);
        users.register(CHAT, List.of(new NewUser("alice", "pw", null), new NewUser("bob", "pw", null)), 0);
        AppUser alice = AppUser.of(CHAT, "alice");
        assertTrue(membership.isMember(alice));
        new ScramUserDirectory(db).delete(alice.node()); // what Openfire's console does, telling the service
        users.accountDeleted(alice);
        assertTrue(users.find(alice).isEmpty());
        assertFalse(membership.isMember(alice));
        assertEquals(1, users.register(CHAT, List.of(new NewUser("alice", "pw2", null)), 0).size(), "the name is free again");
        assertTrue(users.find(AppUser.of(CHAT, "bob")).isPresent(), "nobody else's row");
    }

    @AllDatabases
    void answersComeFromTheCacheOnceRead(TestDatabase db) throws SQLException {
        open(db);
        users.register(CHAT, List.of(new NewUser("alice", "pw", null)), 0);
        assertTrue(membership.isMember(AppUser.of(CHAT, "alice")));
        assertFalse(membership.isMember(AppUser.of(CHAT, "eve")));

        try (var con = db.getConnection(); var st = con.createStatement()) {
            st.executeUpdate("DELETE FROM ofImUser"); // behind the service's back: only the cache can answer now
        }
        assertTrue(membership.isMember(AppUser.of(CHAT, "alice")));
        assertFalse(membership.isMember(AppUser.of(CHAT, "eve")));
        assertEquals(2, cache.hits());
    }

    @AllDatabases
    void registrationDeletionAndAppRemovalDropTheCachedAnswers(TestDatabase db) {
        open(db);
        AppUser bob = AppUser.of(CHAT, "bob");
        assertFalse(membership.isMember(bob));
        users.register(CHAT, List.of(new NewUser("bob", "pw", null)), 0);
        assertTrue(membership.isMember(bob), "the cached 'no' went with the registration");

        users.delete(bob);
        assertFalse(membership.isMember(bob), "the cached 'yes' went with the deletion");

        AppStore apps = new AppStore(db, Clock.systemUTC());
        apps.create(OTHER, new AppOptions(false, null, null)).orElseThrow();
        users.register(OTHER, List.of(new NewUser("carol", "pw", null), new NewUser("dave", "pw", null)), 0);
        assertTrue(membership.isMember(AppUser.of(OTHER, "carol")));
        new AppRemoval(apps, List.of(users, new ArchivePurge(db))).delete(OTHER).orElseThrow();
        assertFalse(membership.isMember(AppUser.of(OTHER, "carol")));
        assertFalse(membership.isMember(AppUser.of(OTHER, "dave")));
    }

    @AllDatabases
    void aFailedBatchLeavesNoCachedMember(TestDatabase db) {
        open(db);
        users.register(CHAT, List.of(new NewUser("taken", "pw", null)), 0);
        assertThrows(UserException.class, () -> users.register(CHAT,
                List.of(new NewUser("fresh", "pw", null), new NewUser("taken", "pw", null)), 0));
        assertFalse(membership.isMember(AppUser.of(CHAT, "fresh")), "the undone row is no member");
    }

    @AllDatabases
    void anUnreadableDatabaseIsAnErrorNotANo(TestDatabase db) throws SQLException {
        open(db);
        try (var con = db.getConnection(); var st = con.createStatement()) {
            st.execute("DROP TABLE ofImUser");
        }
        assertThrows(StoreException.class, () -> membership.isMember(AppUser.of(CHAT, "alice")));
        assertEquals(0, cache.size(), "nothing cached from a failure");
    }
}
