package io.imcloud.admin;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The console pages' own protection against cross-site request forgery: one random token per
 * admin console session, rendered into every form as a hidden field and required, compared in
 * constant time, on every POST. It works whatever Openfire does: Openfire 5.1's own check
 * ({@code csrfProtectionEnabled} in plugin.xml, field {@value #OPENFIRE_FIELD}) renews its token in
 * the session before the servlet runs, so the servlet cannot verify that one itself.
 */
final class CsrfToken {

    /** The form field that carries our token. */
    static final String FIELD = "imcloud_csrf";
    /** The form field (and request attribute) of Openfire's own token, echoed so its check passes. */
    static final String OPENFIRE_FIELD = "csrf";

    private static final String SESSION_ATTRIBUTE = "io.imcloud.admin.csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CsrfToken() {
    }

    /** The session's token, created with the session on first use. */
    static String of(HttpServletRequest request) {
        HttpSession session = request.getSession(true);
        synchronized (session) {
            Object token = session.getAttribute(SESSION_ATTRIBUTE);
            if (token instanceof String existing) {
                return existing;
            }
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            String created = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            session.setAttribute(SESSION_ATTRIBUTE, created);
            return created;
        }
    }

    /** True when the request carries the token of its (existing) session. */
    static boolean matches(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        String sent = request.getParameter(FIELD);
        if (session == null || sent == null) {
            return false;
        }
        Object expected = session.getAttribute(SESSION_ATTRIBUTE);
        return expected instanceof String token && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }

    /** Openfire's token for this request, when Openfire set one (5.1 with csrfProtectionEnabled). */
    static String openfireToken(HttpServletRequest request) {
        Object token = request.getAttribute(OPENFIRE_FIELD);
        return token instanceof String s ? s : null;
    }
}
