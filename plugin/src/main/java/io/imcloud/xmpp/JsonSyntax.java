package io.imcloud.xmpp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;

/**
 * The check of an Easemob {@code ext} taken from a stanza: exactly one JSON object (RFC 8259), read by Jackson, as the
 * REST side reads it back, with its limits (a number of at most 1,000 digits, among them) and nesting of at most
 * {@value #MAX_DEPTH}: what is stored can always be given back as JSON.
 */
final class JsonSyntax {

    /** Nesting deeper than this is refused. */
    static final int MAX_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private JsonSyntax() {
    }

    /** True when {@code text} is exactly one JSON object, with optional surrounding whitespace. */
    static boolean isObject(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren(); // reads every token: a syntax error or a broken limit throws
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
