package io.imcloud.openfire;

import org.jivesoftware.openfire.privacy.PrivacyList;
import org.jivesoftware.util.cache.DefaultCache;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.JID;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** {@link PrivacyListOwners}: answers read once from the store, then kept until a list event changes them. */
class PrivacyListOwnersTest {

    private final Set<String> stored = new HashSet<>(Set.of("acme#chat_bob"));
    private final List<String> reads = new ArrayList<>();
    private final PrivacyListOwners owners = new PrivacyListOwners(
            new DefaultCache<>(PrivacyListOwners.NAME, 1024 * 1024, -1), username -> {
                reads.add(username);
                return stored.contains(username);
            });

    @Test
    void theStoreIsReadOncePerUser() {
        assertTrue(owners.ownsLists("acme#chat_bob"));
        assertFalse(owners.ownsLists("acme#chat_alice"));
        assertTrue(owners.ownsLists("acme#chat_bob"));
        assertFalse(owners.ownsLists("acme#chat_alice"));
        assertEquals(List.of("acme#chat_bob", "acme#chat_alice"), reads);
    }

    @Test
    void aCreatedListMarksItsOwnerAtOnce() {
        assertFalse(owners.ownsLists("acme#chat_alice"));
        owners.privacyListCreated(listOf("acme#chat_alice"));
        assertTrue(owners.ownsLists("acme#chat_alice"), "the cached 'no' is replaced without reading the store");
        assertEquals(List.of("acme#chat_alice"), reads);
    }

    @Test
    void aDeletedListMakesEveryAnswerBeReadAgain() {
        assertTrue(owners.ownsLists("acme#chat_bob"));
        stored.remove("acme#chat_bob");
        owners.privacyListDeleting("blocklist");
        assertFalse(owners.ownsLists("acme#chat_bob"));
        assertEquals(List.of("acme#chat_bob", "acme#chat_bob"), reads);
    }

    private static PrivacyList listOf(String username) {
        PrivacyList list = mock(PrivacyList.class);
        when(list.getUserJID()).thenReturn(new JID(username, "im.example.com", null));
        return list;
    }
}
