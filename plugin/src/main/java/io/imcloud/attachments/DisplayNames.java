package io.imcloud.attachments;

/**
 * A client's file name made safe to keep and show: the last path segment only, no control or format characters,
 * at most {@value #MAX_LENGTH} characters. It is display text: no path is ever made from it.
 */
public final class DisplayNames {

    /** Longest name kept, in UTF-16 units (the column holds 255). */
    public static final int MAX_LENGTH = 255;

    private DisplayNames() {
    }

    /** The cleaned name, or null when nothing printable is left. */
    public static String clean(String name) {
        if (name == null) {
            return null;
        }
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder out = new StringBuilder(Math.min(last.length(), MAX_LENGTH));
        last.codePoints().filter(DisplayNames::printable).forEach(cp -> {
            if (out.length() + Character.charCount(cp) <= MAX_LENGTH) {
                out.appendCodePoint(cp);
            }
        });
        String cleaned = out.toString().strip();
        return cleaned.isEmpty() || cleaned.equals(".") || cleaned.equals("..") ? null : cleaned;
    }

    private static boolean printable(int cp) {
        int type = Character.getType(cp);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.UNASSIGNED
                && type != Character.SURROGATE && type != Character.PRIVATE_USE
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
    }
}
