package io.imcloud.rest;

/**
 * Port to the server's administrator accounts, which guard the management API (HTTP Basic).
 * Openfire's adapter checks the password with {@code AuthFactory} and the account with
 * {@code AdminManager}.
 */
@FunctionalInterface
public interface AdminAuthenticator {

    /** True when {@code password} is correct and {@code username} is a server administrator. */
    boolean isAdmin(String username, String password);
}
