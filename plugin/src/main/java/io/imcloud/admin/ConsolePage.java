package io.imcloud.admin;

import java.util.Locale;

/**
 * What every page of the plugin's console writes alike: the document head the console's decorator expects (its
 * {@code pageID} selects the sidebar item), the outcome of the last action, POST forms carrying both CSRF tokens,
 * and escaping of everything that comes from data or from a request.
 */
abstract class ConsolePage {

    /** Longest piece of user input echoed back into a page. */
    private static final int MAX_ECHO = 64;

    protected final Texts texts;
    protected final StringBuilder html = new StringBuilder(8192);
    private final String sidebarItem;
    private final String pageId;
    private final String token;
    private final String openfireToken;

    /**
     * @param sidebarItem   the item of plugin.xml's sidebar the page belongs to (the decorator shows it selected)
     * @param pageId        the page's servlet path, where its forms post
     * @param token         our CSRF token, put into every form
     * @param openfireToken Openfire's CSRF token of this request, or null when Openfire set none
     */
    ConsolePage(Texts texts, String sidebarItem, String pageId, String token, String openfireToken) {
        this.texts = texts;
        this.sidebarItem = sidebarItem;
        this.pageId = pageId;
        this.token = token;
        this.openfireToken = openfireToken;
    }

    /** Opens the document with the title of text {@code titleKey} and a first paragraph of text {@code introKey}. */
    protected void head(String titleKey, String introKey) {
        html.append("<!DOCTYPE html>\n<html><head><title>").append(escape(texts.get(titleKey))).append("</title>\n")
                .append("<meta name=\"pageID\" content=\"").append(sidebarItem).append("\"/>\n")
                .append("<meta name=\"decorator\" content=\"main\"/>\n</head><body>\n")
                .append("<p>").append(escape(texts.get(introKey))).append("</p>\n");
    }

    /** Closes the document; returns it. */
    protected String end() {
        html.append("</body></html>\n");
        return html.toString();
    }

    /** The error or success message of the last action, if any. */
    protected void message(Outcome outcome) {
        if (outcome.error() != null) {
            html.append("<div class=\"error\" id=\"imcloud-error\"><code>").append(escape(outcome.error()))
                    .append("</code>: ").append(escape(outcome.message())).append("</div>\n");
        } else if (outcome.message() != null) {
            html.append("<div class=\"success\" id=\"imcloud-success\">").append(escape(outcome.message())).append("</div>\n");
        }
    }

    /**
     * Opens a POST form for {@code action} with the CSRF tokens and the hidden {@code fields} (name, value pairs);
     * {@link #submit} closes it.
     */
    protected void form(String action, String... fields) {
        html.append("<form method=\"post\" action=\"").append(pageId).append("\">")
                .append(hidden("action", action)).append(hidden(CsrfToken.FIELD, token));
        if (openfireToken != null) {
            html.append(hidden(CsrfToken.OPENFIRE_FIELD, openfireToken));
        }
        for (int i = 0; i < fields.length; i += 2) {
            html.append(hidden(fields[i], fields[i + 1]));
        }
    }

    protected void submit(String labelKey) {
        html.append("<input type=\"submit\" value=\"").append(escape(texts.get(labelKey))).append("\"/></form>");
    }

    protected void checkbox(String name, boolean checked) {
        html.append("<label><input type=\"checkbox\" name=\"").append(name).append("\" value=\"true\"")
                .append(checked ? " checked" : "").append("/> ").append(escape(texts.get("imcloud.admin." + name)))
                .append("</label> ");
    }

    protected void number(String name, Integer value) {
        html.append("<label>").append(escape(texts.get("imcloud.admin." + name)))
                .append(" <input type=\"text\" name=\"").append(name).append("\" size=\"9\" maxlength=\"9\" value=\"")
                .append(value == null ? "" : value).append("\"/></label> ");
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escape(value) + "\"/>";
    }

    /** {@code bytes} as people read them: 512 B, 1.5 KB, 3.5 MB, 10 GB. */
    static String size(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = unit == 0 || value >= 100 || value == Math.rint(value)
                ? Long.toString(Math.round(value)) : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + units[unit];
    }

    /** Typed input as it is echoed: at most {@value #MAX_ECHO} characters. */
    static String echo(String typed) {
        if (typed == null) {
            return "";
        }
        if (typed.length() <= MAX_ECHO) {
            return typed;
        }
        // Never cut a surrogate pair in half.
        int end = Character.isHighSurrogate(typed.charAt(MAX_ECHO - 1)) ? MAX_ECHO - 1 : MAX_ECHO;
        return typed.substring(0, end);
    }

    /** {@code text} safe inside element content and quoted attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
