package io.imcloud.tenancy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link AppUser#fromNode} with the answers for recent nodes kept: every stanza's addresses are parsed again (Tinder
 * keeps no parsed form), several times on its way through the tenant checks and the archive, and the same few
 * thousand users' nodes recur. The answer depends on the node's text alone, so a kept one never goes stale; at most
 * {@link #MAX_ENTRIES} are kept, and reaching that bound starts afresh. Only nodes that can name a registered user
 * ({@link AppUser#MAX_NODE_LENGTH} characters at most) are kept: a client may address any node Openfire accepts, up to
 * 1023 characters, and those are parsed each time rather than fill the memory.
 */
final class ParsedNodes {

    /** About 250 bytes an entry (a node of 64 characters at most, its user and app key): a few MB at most. */
    static final int MAX_ENTRIES = 16_384;
    /** The answer for a node that names no app user. */
    private static final Object NOT_AN_APP_USER = new Object();

    private final Map<String, Object> parsed = new ConcurrentHashMap<>();

    /** The app user {@code node} names by its shape, or null (a plain user's node, or one that breaks the rules). */
    AppUser userOf(String node) {
        if (node.length() > AppUser.MAX_NODE_LENGTH) {
            return AppUser.fromNode(node).orElse(null);
        }
        Object known = parsed.get(node);
        if (known == null) {
            known = AppUser.fromNode(node).<Object>map(user -> user).orElse(NOT_AN_APP_USER);
            if (parsed.size() >= MAX_ENTRIES) {
                parsed.clear(); // rarer than every lookup by far; those after it parse again
            }
            parsed.put(node, known);
        }
        return known == NOT_AN_APP_USER ? null : (AppUser) known;
    }

    /** How many answers are kept. */
    int size() {
        return parsed.size();
    }
}
