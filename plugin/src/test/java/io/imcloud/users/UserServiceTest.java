package io.imcloud.users;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.UserData;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarnessStack.MovableClock;
import io.imcloud.testsupport.ScramUserDirectory;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.testsupport.TestMembership;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration and the other user operations against a real database and SCRAM directory. */
class UserServiceTest {

    private static final AppKey APP = AppKey.of("acme", "chat");
    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @AllDatabases
    void registersNormalisedUsersWithDirectoryAccounts(TestDatabase db) {
        ScramUserDirectory directory = new ScramUserDirectory(db);
        UserService users = new UserService(db, directory, clock, TestMembership.on(db));

        List<UserAccount> created = users.register(APP, List.of(new NewUser("Bob", "pw1", "Bobby"), new NewUser("a.b-c_9", "pw2", null)), 0);

        assertEquals(List.of("bob", "a.b-c_9"), created.stream().map(a -> a.user().username()).toList());
        assertEquals("Bobby", created.get(0).nickname());
        assertTrue(directory.authenticate("acme#chat_bob", "pw1"));
        assertFalse(directory.authenticate("acme#chat_bob", "pw2"));
        assertEquals(created.get(0), users.authenticate(AppUser.of(APP, "bob"), "pw1").orElseThrow());
        assertTrue(users.authenticate(AppUser.of(APP, "bob"), "wrong").isEmpty());
    }

    /** A batch whose third creation fails in the directory leaves no row and no account behind. */
    @AllDatabases
    void failingBatchLeavesNothing(TestDatabase db) throws Exception {
        ScramUserDirectory scram = new ScramUserDirectory(db);
        UserService users = new UserService(db, new FailingDirectory(scram, "acme#chat_u3"), clock, TestMembership.on(db));
        List<NewUser> batch = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            batch.add(new NewUser("u" + i, "pw", null));
        }
        assertThrows(IllegalStateException.class, () -> users.register(APP, batch, 0));
        assertEquals(0, db.count("ofImUser"));
        assertEquals(0, scram.count());

        UserException e = assertThrows(UserException.class,
                () -> users.register(APP, List.of(new NewUser("ok", "pw", null), new NewUser("BAD!", "pw", null)), 0));
        assertEquals(UserException.Reason.ILLEGAL_ARGUMENT, e.reason());
        assertEquals(0, db.count("ofImUser"));

        users.register(APP, List.of(new NewUser("taken", "pw", null)), 0);
        e = assertThrows(UserException.class,
                () -> users.register(APP, List.of(new NewUser("new1", "pw", null), new NewUser("taken", "pw", null)), 0));
        assertEquals(UserException.Reason.DUPLICATE, e.reason());
        assertEquals(1, db.count("ofImUser"));
        assertEquals(1, scram.count());
        assertTrue(users.find(AppUser.of(APP, "new1")).isEmpty());
    }

    @AllDatabases
    void refusesIllegalInput(TestDatabase db) throws Exception {
        UserService users = new UserService(db, new ScramUserDirectory(db), clock, TestMembership.on(db));
        for (NewUser bad : List.of(new NewUser(null, "pw", null), new NewUser("", "pw", null), new NewUser("a b", "pw", null),
                new NewUser("x".repeat(65), "pw", null), new NewUser("ok", "", null), new NewUser("ok", null, null),
                new NewUser("ok", "p".repeat(UserService.MAX_PASSWORD_LENGTH + 1), null),
                new NewUser("ok", "pw", "n".repeat(UserService.MAX_NICKNAME_LENGTH + 1)),
                // valid username, but acme#chat_ + 55 characters is longer than Openfire's 64-character node
                new NewUser("y".repeat(55), "pw", null))) {
            UserException e = assertThrows(UserException.class, () -> users.register(APP, List.of(bad), 0), bad.toString());
            assertEquals(UserException.Reason.ILLEGAL_ARGUMENT, e.reason());
        }
        UserException dup = assertThrows(UserException.class,
                () -> users.register(APP, List.of(new NewUser("twice", "pw", null), new NewUser("TWICE", "pw", null)), 0));
        assertEquals(UserException.Reason.DUPLICATE, dup.reason());
        assertEquals(0, db.count("ofImUser"));
    }

    /** Many threads register the same username at once: exactly one user, one account. */
    @AllDatabases
    void concurrentDuplicateRegistrationCreatesOneUser(TestDatabase db) throws Exception {
        ScramUserDirectory directory = new ScramUserDirectory(db);
        UserService users = new UserService(db, directory, clock, TestMembership.on(db));
        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String password = "pw" + i;
                attempts.add(() -> {
                    try {
                        users.register(APP, List.of(new NewUser("same", password, null)), 0);
                        return true;
                    } catch (UserException e) {
                        assertEquals(UserException.Reason.DUPLICATE, e.reason());
                        return false;
                    }
                });
            }
            int winners = 0;
            for (Future<Boolean> f : pool.invokeAll(attempts)) {
                winners += f.get() ? 1 : 0;
            }
            assertEquals(1, winners);
            assertEquals(1, db.count("ofImUser"));
            assertEquals(1, directory.count());
        } finally {
            pool.shutdown();
        }
    }

    @AllDatabases
    void enforcesMaxUsersAlsoUnderConcurrency(TestDatabase db) throws Exception {
        UserService users = new UserService(db, new ScramUserDirectory(db), clock, TestMembership.on(db));
        users.register(APP, List.of(new NewUser("a", "pw", null), new NewUser("b", "pw", null)), 3);
        UserException e = assertThrows(UserException.class,
                () -> users.register(APP, List.of(new NewUser("c", "pw", null), new NewUser("d", "pw", null)), 3));
        assertEquals(UserException.Reason.QUOTA_EXCEEDED, e.reason());
        assertEquals(2, db.count("ofImUser"));

        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String name = "racer" + i;
                attempts.add(() -> {
                    try {
                        users.register(APP, List.of(new NewUser(name, "pw", null)), 3);
                        return true;
                    } catch (UserException x) {
                        return false;
                    }
                });
            }
            for (Future<Boolean> f : pool.invokeAll(attempts)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(db.count("ofImUser") <= 3, "never above the limit");
    }

    @AllDatabases
    void pagesDeletesAndChangesPasswords(TestDatabase db) throws Exception {
        ScramUserDirectory directory = new ScramUserDirectory(db);
        UserService users = new UserService(db, directory, clock, TestMembership.on(db));
        users.register(APP, List.of(new NewUser("c", "pw", null), new NewUser("a", "pw", null), new NewUser("b", "pw", null)), 0);
        users.register(AppKey.of("acme", "other"), List.of(new NewUser("a0", "pw", null)), 0);

        UserPage first = users.page(APP, null, 2);
        assertEquals(List.of("a", "b"), first.users().stream().map(u -> u.user().username()).toList());
        assertEquals("b", first.nextAfter());
        UserPage second = users.page(APP, first.nextAfter(), 2);
        assertEquals(List.of("c"), second.users().stream().map(u -> u.user().username()).toList());
        assertNull(second.nextAfter());

        AppUser b = AppUser.of(APP, "b");
        users.changePassword(b, "new");
        assertTrue(directory.authenticate(b.node(), "new"));
        assertThrows(UserException.class, () -> users.changePassword(AppUser.of(APP, "zz"), "new"));
        assertTrue(users.delete(b).isPresent());
        assertFalse(directory.exists(b.node()));
        assertTrue(users.delete(b).isEmpty());
        assertEquals(2, users.deleteAll(APP));
        assertEquals(1, db.count("ofImUser"), "the other app keeps its user");
    }

    /**
     * A deletion whose data step fails (the database went away after the account and row were gone) answers the error;
     * repeating it finds no user, and finishes the data step.
     */
    @AllDatabases
    void aDeletionWhoseDataStepFailedIsFinishedByRepeatingIt(TestDatabase db) {
        List<AppUser> purged = new ArrayList<>();
        int[] calls = {0};
        UserData flaky = user -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("database down (test)");
            }
            purged.add(user);
            return 1;
        };
        ScramUserDirectory directory = new ScramUserDirectory(db);
        UserService users = new UserService(db, directory, clock, TestMembership.on(db), List.of(flaky));
        users.register(APP, List.of(new NewUser("b", "pw", null)), 0);
        AppUser b = AppUser.of(APP, "b");

        assertThrows(IllegalStateException.class, () -> users.delete(b));
        assertFalse(directory.exists(b.node()), "the account went before the data");
        assertTrue(purged.isEmpty());
        assertTrue(users.delete(b).isEmpty(), "no such user any more");
        assertEquals(List.of(b), purged, "the repeated deletion removed the data");
    }

    /** Delegates to a real directory but fails creating one node, like a database error in Openfire. */
    private record FailingDirectory(UserDirectory real, String failingNode) implements UserDirectory {
        @Override
        public boolean create(String node, String password, String displayName) {
            if (node.equals(failingNode)) {
                throw new IllegalStateException("directory down");
            }
            return real.create(node, password, displayName);
        }

        @Override
        public boolean exists(String node) {
            return real.exists(node);
        }

        @Override
        public void delete(String node) {
            real.delete(node);
        }

        @Override
        public boolean setPassword(String node, String password) {
            return real.setPassword(node, password);
        }

        @Override
        public void setLoginRefused(String node, boolean refused) {
            real.setLoginRefused(node, refused);
        }

        @Override
        public boolean authenticate(String node, String password) {
            return real.authenticate(node, password);
        }
    }
}
