package io.imcloud.openfire;

import org.jivesoftware.openfire.admin.AdminManager;
import org.jivesoftware.openfire.auth.AuthFactory;
import org.jivesoftware.openfire.auth.ConnectionException;
import org.jivesoftware.openfire.auth.UnauthorizedException;
import org.jivesoftware.openfire.lockout.LockOutManager;
import org.jivesoftware.openfire.user.User;
import org.jivesoftware.openfire.user.UserAlreadyExistsException;
import org.jivesoftware.openfire.user.UserManager;
import org.jivesoftware.openfire.user.UserNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * {@link OpenfireUserDirectory} and {@link OpenfireAdminCredentials}: their translation of
 * Openfire's exceptions into answers. Openfire's user, auth and lockout singletons need a running server
 * (database, providers), so they are mocked here, and only them.
 */
class OpenfireAccountAdaptersTest {

    private static final String NODE = "acme#chat_alice";

    private final UserManager userManager = mock(UserManager.class);
    private final AdminManager adminManager = mock(AdminManager.class);
    private MockedStatic<UserManager> userManagerSingleton;
    private MockedStatic<AdminManager> adminManagerSingleton;
    private MockedStatic<AuthFactory> auth;
    private MockedStatic<LockOutManager> lockOut;
    private final LockOutManager lockOutManager = mock(LockOutManager.class);
    private final OpenfireUserDirectory directory = new OpenfireUserDirectory();

    @BeforeEach
    void mockOpenfire() {
        userManagerSingleton = mockStatic(UserManager.class);
        userManagerSingleton.when(UserManager::getInstance).thenReturn(userManager);
        adminManagerSingleton = mockStatic(AdminManager.class);
        adminManagerSingleton.when(AdminManager::getInstance).thenReturn(adminManager);
        auth = mockStatic(AuthFactory.class);
        lockOut = mockStatic(LockOutManager.class);
        lockOut.when(LockOutManager::getInstance).thenReturn(lockOutManager);
    }

    @AfterEach
    void release() {
        lockOut.close();
        auth.close();
        adminManagerSingleton.close();
        userManagerSingleton.close();
    }

    @Test
    void createReportsAnExistingAccountAsFalse() throws Exception {
        when(userManager.createUser(NODE, "pw", "Alice", null)).thenReturn(mock(User.class));
        assertTrue(directory.create(NODE, "pw", "Alice"));

        when(userManager.createUser(NODE, "pw", "Alice", null)).thenThrow(new UserAlreadyExistsException());
        assertFalse(directory.create(NODE, "pw", "Alice"));
    }

    @Test
    void lookupsGoThroughGetUserBecauseIsRegisteredUserIsGoneInOpenfire5() throws Exception {
        User alice = mock(User.class);
        when(userManager.getUser(NODE)).thenReturn(alice);
        when(userManager.getUser("acme#chat_bob")).thenThrow(new UserNotFoundException());

        assertTrue(directory.exists(NODE));
        assertFalse(directory.exists("acme#chat_bob"));

        assertTrue(directory.setPassword(NODE, "new"));
        auth.verify(() -> AuthFactory.setPassword(NODE, "new"));
        assertFalse(directory.setPassword("acme#chat_bob", "new"));

        directory.delete(NODE);
        directory.delete("acme#chat_bob");
        verify(userManager).deleteUser(alice);
    }

    /** Openfire's User.setPassword logs a failure and returns: the adapter must not report it as done. */
    @Test
    void aPasswordChangeThatFailsIsNotReportedAsDone() throws Exception {
        when(userManager.getUser(NODE)).thenReturn(mock(User.class));
        auth.when(() -> AuthFactory.setPassword(NODE, "gone")).thenThrow(new UserNotFoundException());
        auth.when(() -> AuthFactory.setPassword(NODE, "down")).thenThrow(new ConnectionException());

        assertFalse(directory.setPassword(NODE, "gone"));
        assertThrows(IllegalStateException.class, () -> directory.setPassword(NODE, "down"));
    }

    @Test
    void authenticateTellsAWrongPasswordFromAnOutage() {
        auth.when(() -> AuthFactory.authenticate(NODE, "right")).thenReturn(null);
        auth.when(() -> AuthFactory.authenticate(NODE, "wrong")).thenThrow(new UnauthorizedException());
        auth.when(() -> AuthFactory.authenticate(NODE, "any")).thenThrow(new ConnectionException());

        assertTrue(directory.authenticate(NODE, "right"));
        assertFalse(directory.authenticate(NODE, "wrong"));
        assertThrows(IllegalStateException.class, () -> directory.authenticate(NODE, "any"));
    }

    @Test
    void adminCredentialsNeedAnAdministratorWithTheRightPassword() {
        OpenfireAdminCredentials admins = new OpenfireAdminCredentials();
        when(adminManager.isUserAdmin("root", true)).thenReturn(true);
        when(adminManager.isUserAdmin("bob", true)).thenReturn(false);
        auth.when(() -> AuthFactory.authenticate("root", "secret")).thenReturn(null);
        auth.when(() -> AuthFactory.authenticate("root", "guess")).thenThrow(new UnauthorizedException());

        assertTrue(admins.isAdmin("root", "secret"));
        assertFalse(admins.isAdmin("root", "guess"));
        assertFalse(admins.isAdmin("bob", "secret"));
        auth.verify(() -> AuthFactory.authenticate("bob", "secret"), never());
        assertFalse(admins.isAdmin("root", ""));
        assertFalse(admins.isAdmin(null, "secret"));
    }

    @Test
    void adminUsernameIsJidEscapedLikeTheConsoleLogin() {
        OpenfireAdminCredentials admins = new OpenfireAdminCredentials();
        when(adminManager.isUserAdmin(anyString(), eq(true))).thenReturn(false);
        when(adminManager.isUserAdmin("ops\\40example.com", true)).thenReturn(true);
        auth.when(() -> AuthFactory.authenticate("ops\\40example.com", "secret")).thenReturn(null);

        assertTrue(admins.isAdmin("ops@example.com", "secret"));
        when(adminManager.isUserAdmin("x".repeat(2000), true)).thenThrow(new IllegalArgumentException("node too long"));
        assertFalse(admins.isAdmin("x".repeat(2000), "secret"));
    }
}
