package io.imcloud.openfire;

import org.jivesoftware.openfire.admin.AdminManager;
import org.xmpp.packet.JID;

/**
 * Checks the HTTP Basic credentials of the management API exactly as Openfire 5.1's admin console
 * login checks its form: the JID-escaped username must be an Openfire administrator (with the
 * console's rule that plain {@code admin} is one while no administrator is configured), and the
 * password must authenticate. Whoever can log in to the console can manage apps, nobody else.
 */
public final class OpenfireAdminCredentials {

    /**
     * True when {@code username}/{@code password} belong to an Openfire administrator.
     *
     * @throws IllegalStateException when Openfire cannot reach its user store (an outage, not a refusal)
     */
    public boolean isAdmin(String username, String password) {
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            return false;
        }
        String node = JID.escapeNode(username);
        try {
            // Administrators first: other users are refused without spending a password hash.
            return AdminManager.getInstance().isUserAdmin(node, true)
                    && OpenfireUserDirectory.passwordMatches(node, password);
        } catch (IllegalArgumentException e) {
            // Not a valid JID node (e.g. too long): cannot be an administrator.
            return false;
        }
    }
}
