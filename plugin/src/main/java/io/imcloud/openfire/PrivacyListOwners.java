package io.imcloud.openfire;

import org.jivesoftware.openfire.privacy.PrivacyList;
import org.jivesoftware.openfire.privacy.PrivacyListEventListener;
import org.jivesoftware.openfire.privacy.PrivacyListManager;
import org.jivesoftware.openfire.privacy.PrivacyListProvider;
import org.jivesoftware.util.cache.Cache;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Which users own any privacy list (XEP-0016, and the block list XEP-0191 keeps as one), so that a message between
 * users without lists, nearly every message, is checked without looking up the receiver's sessions or asking the
 * database for a default list that is not there (Openfire caches the lists it finds, not their absence).
 * <p>
 * A user without stored lists has none in any session either: Openfire refuses to delete a list another session
 * uses, and clears it from the session that deletes it. Answers are kept in an Openfire cache (cluster-wide when
 * clustered, {@code String} keys and {@code Boolean} values); a list created on any node marks its owner at once,
 * and a deletion, whose event names no owner, forgets every answer.
 */
final class PrivacyListOwners implements PrivacyListEventListener, AutoCloseable {

    /** The cache's name on Openfire's cache page. */
    static final String NAME = "imcloud Privacy List Owners";
    private static final long DEFAULT_SIZE_BYTES = 2L * 1024 * 1024;
    private static final long DEFAULT_LIFETIME_MILLIS = Duration.ofHours(1).toMillis();

    private final Cache<String, Boolean> answers;
    private final Predicate<String> ownsStoredLists;

    /** Answers kept in {@code answers}, read on a miss from {@code ownsStoredLists} (username to whether it owns a list). */
    PrivacyListOwners(Cache<String, Boolean> answers, Predicate<String> ownsStoredLists) {
        this.answers = answers;
        this.ownsStoredLists = ownsStoredLists;
    }

    /** The plugin's owners, from Openfire's list store, told of every list created or deleted (undo with {@link #close}). */
    static PrivacyListOwners start() {
        PrivacyListOwners owners = new PrivacyListOwners(OpenfireCaches.named(NAME, DEFAULT_SIZE_BYTES, DEFAULT_LIFETIME_MILLIS),
                username -> !PrivacyListProvider.getInstance().getPrivacyLists(username).isEmpty());
        PrivacyListManager.getInstance().addListener(owners);
        return owners;
    }

    /** True when the local user {@code username} owns at least one privacy list. */
    boolean ownsLists(String username) {
        Boolean known = answers.get(username);
        if (known == null) {
            known = ownsStoredLists.test(username);
            // a list created while the store was read has put its answer, which this one must not replace
            answers.putIfAbsent(username, known);
        }
        return known;
    }

    @Override
    public void privacyListCreated(PrivacyList list) {
        answers.put(list.getUserJID().getNode(), Boolean.TRUE);
    }

    @Override
    public void privacyListDeleting(String listName) {
        answers.clear();
    }

    @Override
    public void privacyListModified(PrivacyList list) {
        // a changed list is still a list: its owner's answer stands
    }

    /** Stops listening and forgets every answer: lists can change while the plugin is unloaded. */
    @Override
    public void close() {
        PrivacyListManager.getInstance().removeListener(this);
        answers.clear();
    }
}
