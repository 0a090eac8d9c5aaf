package io.imcloud.tenancy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The naming rules of DESIGN.md section 5: app key parts, usernames, and the XMPP node that joins them. */
class AppUserTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "acme", "a-b", "0rg", "x1234567890123456789012345678901"})
    void validAppKeyParts(String part) {
        assertTrue(AppKey.isValidPart(part), part);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-acme", "Acme", "ac_me", "ac#me", "ac.me", "x12345678901234567890123456789012", "ümlaut"})
    void invalidAppKeyParts(String part) {
        assertFalse(AppKey.isValidPart(part), part);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "bob", "b.o_b-1", "_", "-", "0123456789012345678901234567890123456789012345678901234567890123"})
    void validUsernames(String username) {
        assertTrue(AppUser.isValidUsername(username), username);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bob", "bo b", "bob@x", "bob#x", "bob/x", "é",
            "01234567890123456789012345678901234567890123456789012345678901234"})
    void invalidUsernames(String username) {
        assertFalse(AppUser.isValidUsername(username), username);
    }

    @Test
    void aNodeNamesItsAppAndUserAndBack() {
        AppUser user = AppUser.fromNode("acme#chat_bob.smith").orElseThrow();
        assertEquals(AppKey.of("acme", "chat"), user.appKey());
        assertEquals("bob.smith", user.username());
        assertEquals("acme#chat_bob.smith", user.node());
        assertEquals("bob_smith", AppUser.fromNode("acme#chat_bob_smith").orElseThrow().username(),
                "the app ends at the first underscore after '#'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plainuser", "acme#chat", "acme#chat_", "#chat_bob", "acme#_bob", "Acme#chat_bob",
            "acme#chat_Bob", "acme#ch@t_bob"})
    void nodesThatAreNoAppUser(String node) {
        assertEquals(Optional.empty(), AppUser.fromNode(node), node);
    }
}
