package io.imcloud.tenancy;

import java.util.Locale;
import java.util.Optional;

/**
 * A user of one app, and its XMPP node {@code {org}#{app}_{username}} (Easemob's JID scheme).
 * Usernames are 1-64 characters of {@code [a-z0-9_.-]}, case-insensitive, kept lower case.
 * A node without {@code #} belongs to a plain Openfire user and is never an {@code AppUser}.
 */
public record AppUser(AppKey appKey, String username) {

    /**
     * Longest XMPP node Openfire can store ({@code ofUser.username} is VARCHAR(64)): a username that
     * is valid on its own may still not fit behind a long app key.
     */
    public static final int MAX_NODE_LENGTH = 64;

    /**
     * The username an app's back-end sends as when its send names no sender (Easemob's {@code admin}): it needs no
     * account, and only the server's own sends come from it.
     */
    public static final String APP_SENDER = "admin";

    public AppUser {
        if (appKey == null || !isValidUsername(username)) {
            throw new IllegalArgumentException("Illegal username: 1-64 chars of [a-z0-9_.-]");
        }
    }

    /** The user {@code username} of {@code appKey}; the username is lower-cased first. */
    public static AppUser of(AppKey appKey, String username) {
        return new AppUser(appKey, normalize(username));
    }

    /** Lower-cases a username the way it is stored (null stays null). */
    public static String normalize(String username) {
        return username == null ? null : username.toLowerCase(Locale.ROOT);
    }

    /**
     * True when {@code username} (already lower case) follows the username rules, {@code [a-z0-9_.-]{1,64}}.
     * Checked by hand, not by a regular expression: every stanza's addresses pass here.
     */
    public static boolean isValidUsername(String username) {
        return username != null && isValidUsername(username, 0);
    }

    /** {@link #isValidUsername(String)} of {@code text} from {@code start} on, without copying it. */
    private static boolean isValidUsername(String text, int start) {
        int length = text.length() - start;
        if (length < 1 || length > 64) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The app user behind an XMPP node, or empty for a plain Openfire user or a node that breaks the rules
     * (see {@link AppKey#ofNodePrefix}).
     */
    public static Optional<AppUser> fromNode(String node) {
        Optional<AppKey> key = AppKey.ofNodePrefix(node);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        // the key ends at the first '_' after the '#', and was checked not to be the last character
        int start = node.indexOf('_', node.indexOf('#')) + 1;
        return isValidUsername(node, start) ? Optional.of(new AppUser(key.get(), node.substring(start))) : Optional.empty();
    }

    /** Written out: a record's generated equality goes through method handles, and every archived message compares two users. */
    @Override
    public boolean equals(Object o) {
        return o instanceof AppUser other && username.equals(other.username) && appKey.equals(other.appKey);
    }

    @Override
    public int hashCode() {
        return 31 * appKey.hashCode() + username.hashCode();
    }

    /** The XMPP node (the part before {@code @}) of this user. */
    public String node() {
        return appKey + "_" + username;
    }
}
