package io.imcloud.tenancy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kept answers of {@link ParsedNodes} are {@link AppUser#fromNode}'s, asked again or not, and stay bounded. */
class ParsedNodesTest {

    private final ParsedNodes nodes = new ParsedNodes();

    @ParameterizedTest
    @ValueSource(strings = {"acme#chat_bob", "acme#chat_b.o_b-1", "a#b__", "acme#chat_", "acme#chat", "bob", "Acme#chat_bob",
            "acme#chat_Bob", "acme#ch_at_bob", "-acme#chat_bob", "#chat_bob", "acme#_bob", ""})
    void answersAsTheNodeParserDoesTheFirstTimeAndAfter(String node) {
        AppUser expected = AppUser.fromNode(node).orElse(null);
        assertEquals(expected, nodes.userOf(node), node);
        assertEquals(expected, nodes.userOf(new String(node)), node + ", asked again");
    }

    @Test
    void keepsTheUserItParsed() {
        AppUser first = nodes.userOf("acme#chat_bob");
        assertSame(first, nodes.userOf("acme#chat_bob"));
        assertEquals(AppUser.of(AppKey.of("acme", "chat"), "bob"), first);
    }

    @Test
    void answersForNodesTooLongForAUserButKeepsNone() {
        String longest = "acme#chat_" + "u".repeat(AppUser.MAX_NODE_LENGTH - "acme#chat_".length());
        String tooLong = "acme#chat_" + "u".repeat(64) + "x".repeat(900);
        assertEquals(AppUser.fromNode(longest).orElse(null), nodes.userOf(longest));
        assertEquals(AppUser.fromNode("acme#chat_" + "u".repeat(64)).orElseThrow(),
                nodes.userOf("acme#chat_" + "u".repeat(64)), "a valid shape, longer than Openfire stores, still parses");
        assertNull(nodes.userOf(tooLong));
        assertEquals(1, nodes.size(), "only the node that can name a registered user is kept");
    }

    @Test
    void keepsNoMoreThanItsBoundAndStillAnswersAfterIt() {
        for (int i = 0; i < ParsedNodes.MAX_ENTRIES * 3; i++) {
            nodes.userOf("acme#chat_u" + i);
            assertTrue(nodes.size() <= ParsedNodes.MAX_ENTRIES, "kept " + nodes.size() + " after " + (i + 1));
        }
        assertEquals("u7", nodes.userOf("acme#chat_u7").username());
        assertNull(nodes.userOf("plain"));
    }
}
