package io.imcloud.users;

/**
 * Where app users' accounts (and their passwords) really live: Openfire's {@code UserManager} in
 * production, so that Openfire stores passwords its own way (SCRAM) and XMPP login works unchanged.
 * Every method takes the XMPP node ({@code org#app_username}).
 */
public interface UserDirectory {

    /** Creates the account; false when an account with that node already exists. */
    boolean create(String node, String password, String displayName);

    /** True when an account with that node exists. */
    boolean exists(String node);

    /** Deletes the account if it exists, with any refusal of its logins (a later account of that name starts free). */
    void delete(String node);

    /** Refuses ({@code true}) or allows again the account's logins; sessions already open are the caller's to close. */
    void setLoginRefused(String node, boolean refused);

    /** Replaces the password of an existing account; false when there is no such account. */
    boolean setPassword(String node, String password);

    /** True when {@code password} is the account's password. */
    boolean authenticate(String node, String password);
}
