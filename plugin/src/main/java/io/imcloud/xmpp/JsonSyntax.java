package io.imcloud.xmpp;

/**
 * A strict, allocation-free syntax check for JSON text (RFC 8259), so that an Easemob {@code ext}
 * taken from a stanza is stored only when the REST side can later emit it as JSON. The xmpp
 * package may not use Jackson (DESIGN.md section 4), and a check is all it needs.
 */
final class JsonSyntax {

    /** Nesting deeper than this is refused (a stack-depth guard). */
    static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;

    private JsonSyntax(String text) {
        this.text = text;
    }

    /** True when {@code text} is exactly one JSON object, with optional surrounding whitespace. */
    static boolean isObject(String text) {
        JsonSyntax parser = new JsonSyntax(text);
        parser.skipWhitespace();
        if (parser.pos >= text.length() || text.charAt(parser.pos) != '{') {
            return false;
        }
        if (!parser.value(0)) {
            return false;
        }
        parser.skipWhitespace();
        return parser.pos == text.length();
    }

    private boolean value(int depth) {
        if (depth > MAX_DEPTH || pos >= text.length()) {
            return false;
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        };
    }

    private boolean object(int depth) {
        pos++; // '{'
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return true;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"' || !string()) {
                return false;
            }
            skipWhitespace();
            if (peek() != ':') {
                return false;
            }
            pos++;
            skipWhitespace();
            if (!value(depth)) {
                return false;
            }
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                return true;
            }
            if (c != ',') {
                return false;
            }
        }
    }

    private boolean array(int depth) {
        pos++; // '['
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return true;
        }
        while (true) {
            skipWhitespace();
            if (!value(depth)) {
                return false;
            }
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                return true;
            }
            if (c != ',') {
                return false;
            }
        }
    }

    private boolean string() {
        pos++; // opening quote
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return true;
            }
            if (c < 0x20) {
                return false;
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    return false;
                }
                char e = text.charAt(pos++);
                if (e == 'u') {
                    for (int i = 0; i < 4; i++) {
                        if (pos >= text.length() || Character.digit(text.charAt(pos++), 16) < 0) {
                            return false;
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    return false;
                }
            }
        }
        return false;
    }

    private boolean number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            return false;
        }
        if (peek() == '.') {
            pos++;
            if (!digits()) {
                return false;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                return false;
            }
        }
        return pos > start;
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private boolean literal(String word) {
        if (text.startsWith(word, pos)) {
            pos += word.length();
            return true;
        }
        return false;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }
}
