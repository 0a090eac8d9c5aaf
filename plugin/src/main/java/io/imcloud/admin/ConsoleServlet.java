package io.imcloud.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What every console page does alike: 503 until the plugin has {@linkplain AdminConsole#install installed} its
 * components, the console's language, and POSTs that change something only with the session's {@link CsrfToken};
 * each page then renders itself with the outcome.
 */
abstract class ConsoleServlet extends HttpServlet {

    private static final Logger Log = LoggerFactory.getLogger(ConsoleServlet.class);

    @Override
    protected final void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AdminConsole.Services services = AdminConsole.current();
        if (services == null) {
            unavailable(request, response);
            return;
        }
        render(request, response, services, Texts.in(services.locale().get()), Outcome.none());
    }

    @Override
    protected final void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AdminConsole.Services services = AdminConsole.current();
        if (services == null) {
            unavailable(request, response);
            return;
        }
        if (request.getCharacterEncoding() == null) {
            request.setCharacterEncoding(StandardCharsets.UTF_8.name());
        }
        Texts texts = Texts.in(services.locale().get());
        Outcome outcome = CsrfToken.matches(request) ? performOrFail(request, services, texts)
                : Outcome.failure(HttpServletResponse.SC_FORBIDDEN, "csrf_failed", texts.get("imcloud.admin.error.csrf"));
        render(request, response, services, texts, outcome);
    }

    /**
     * {@link #perform}, or, when it fails on the server's side (the database), a failure the page shows: the operator
     * learns that the action may have stopped part way, and repeats it, instead of getting Openfire's blank error page.
     */
    private Outcome performOrFail(HttpServletRequest request, AdminConsole.Services services, Texts texts) {
        try {
            return perform(request, services, texts);
        } catch (RuntimeException e) {
            Log.warn("imcloud: admin console action {} on {} failed", request.getParameter("action"), request.getRequestURI(), e);
            return Outcome.failure(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "internal_server_error",
                    texts.get("imcloud.admin.error.failed", String.valueOf(e.getMessage())));
        }
    }

    /** Carries out the POST's {@code action}; the outcome is shown on the page. */
    abstract Outcome perform(HttpServletRequest request, AdminConsole.Services services, Texts texts);

    /** Answers with the page, after {@code outcome}. */
    abstract void render(HttpServletRequest request, HttpServletResponse response, AdminConsole.Services services,
                         Texts texts, Outcome outcome) throws IOException;

    /** 503, in the browser's language: without the plugin's components the console's language is not known. */
    private static void unavailable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("text/plain; charset=UTF-8");
        // without Accept-Language, getLocale() is the server's default language: English then, as everywhere
        Locale browser = request.getHeader("Accept-Language") == null ? Locale.ENGLISH : request.getLocale();
        response.getWriter().write(Texts.in(browser).get("imcloud.admin.unavailable"));
    }
}
