package io.imcloud.xmpp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ext check accepts exactly the JSON objects of RFC 8259 that the REST side can read back. */
class JsonSyntaxTest {

    @Test
    void acceptsObjectsOfEveryValueKind() {
        for (String ok : new String[] {"{}", " {\n\t} ", "{\"a\":\"\"}", "{\"a\":-0.5E+3,\"b\":0,\"c\":12e-1}",
                "{\"a\":[],\"b\":[[]],\"c\":[1,\"x\",{\"d\":null}],\"e\":true,\"f\":false}",
                "{\"esc\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\",\"中\":\"文\"}"}) {
            assertTrue(JsonSyntax.isObject(ok), ok);
        }
    }

    @Test
    void refusesEverythingElse() {
        for (String bad : new String[] {"", " ", "[]", "\"s\"", "1", "null", "{", "}", "{\"a\"}", "{\"a\":}", "{a:1}",
                "{\"a\":1,}", "{,}", "{\"a\":[1,]}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}",
                "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"line\nbreak\"}", "{\"a\":\"open}",
                "{} {}", "{}x", "{\"a\":1 \"b\":2}"}) {
            assertFalse(JsonSyntax.isObject(bad), bad);
        }
    }

    /** A number the REST side could not read back (Jackson's limit: 1,000 digits) is refused here already. */
    @Test
    void refusesANumberTooLongToReadBack() {
        assertTrue(JsonSyntax.isObject("{\"n\":" + "1".repeat(1000) + "}"));
        assertFalse(JsonSyntax.isObject("{\"n\":" + "1".repeat(1500) + "}"));
        assertFalse(JsonSyntax.isObject("{\"n\":0." + "1".repeat(1500) + "}"));
    }

    @Test
    void refusesNestingBeyondTheDepthLimit() {
        String deep = "{\"a\":" + "[".repeat(JsonSyntax.MAX_DEPTH + 1) + "]".repeat(JsonSyntax.MAX_DEPTH + 1) + "}";
        assertFalse(JsonSyntax.isObject(deep));
        String fine = "{\"a\":" + "[".repeat(JsonSyntax.MAX_DEPTH - 1) + "]".repeat(JsonSyntax.MAX_DEPTH - 1) + "}";
        assertTrue(JsonSyntax.isObject(fine));
    }
}
