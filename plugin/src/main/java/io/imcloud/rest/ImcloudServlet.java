package io.imcloud.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.i18n.ErrorText;
import io.imcloud.i18n.LocalizedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The imcloud REST API: one plain servlet (mapped to {@code /*} under the {@code /imcloud}
 * context) that dispatches every request through a {@link Router} filled by {@link RouteGroup}s, and
 * turns refusals into Easemob-shaped errors {@code {error, exception, timestamp, duration,
 * error_description}}, the description in the caller's language ({@link RestExchange#language(String)}). Pages of the
 * origins {@link RestSettings#corsOrigins} names may call it from a browser: their preflight requests are answered
 * here, and every answer to them says so. It knows no Openfire or Jetty type.
 */
public class ImcloudServlet extends HttpServlet {

    private static final Logger Log = LoggerFactory.getLogger(ImcloudServlet.class);

    /**
     * Most of a refused request's body read to keep the connection (an upload refused by its declared length is
     * read and dropped up to this much, so that its client reads our answer rather than a reset connection).
     */
    private static final long MAX_DRAINED_BYTES = 1024 * 1024;
    private static final String CORS_METHODS = "GET, HEAD, POST, PUT, DELETE";
    /** The request headers the API reads, besides those browsers always allow. */
    private static final String CORS_REQUEST_HEADERS = "Authorization, Content-Type, Accept-Language, Range, If-Range,"
            + " If-None-Match, share-secret, thumbnail, restrict-access";
    private static final String CORS_EXPOSED_HEADERS = "Retry-After, Content-Disposition, Content-Range, Accept-Ranges, ETag";
    /** Seconds a browser may keep a preflight's answer. */
    private static final String CORS_MAX_AGE = "600";

    private final transient RestContext context;
    private final transient Router router = new Router();

    /**
     * @param context shared services and settings
     * @param groups  the route groups to serve, e.g. {@link CoreRoutes#all} plus the history routes
     */
    public ImcloudServlet(RestContext context, List<? extends RouteGroup> groups) {
        this.context = context;
        for (RouteGroup group : groups) {
            group.register(router);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long start = System.nanoTime();
        try {
            if (corsHeaders(request, response) && isPreflight(request)) {
                response.setHeader("Access-Control-Allow-Methods", CORS_METHODS);
                response.setHeader("Access-Control-Allow-Headers", CORS_REQUEST_HEADERS);
                response.setHeader("Access-Control-Max-Age", CORS_MAX_AGE);
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                return;
            }
            String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
            Router.Match match = router.resolve(request.getMethod(), path);
            match.handler().handle(new RestExchange(context, context.settings(), request, response, match.params(), start));
        } catch (LocalizedException e) {
            writeError(request, response, Refusals.of(e), start);
        } catch (ClientBody.Unreadable e) {
            // the client's doing (gone mid-upload), answered in case it still listens
            Log.debug("The body of {} {} could not be read: {}", request.getMethod(), request.getRequestURI(),
                    e.getCause().toString());
            try {
                writeError(request, response, ApiException.illegalArgument(ErrorText.BODY_UNREADABLE), start);
            } catch (IOException gone) {
                Log.debug("Cannot answer {}: {}", request.getRequestURI(), gone.toString());
            }
        } catch (IOException e) {
            if (response.isCommitted()) {
                // the client went away while we wrote our answer: nothing left to tell it
                Log.debug("I/O failed on {} {}: {}", request.getMethod(), request.getRequestURI(), e.toString());
            } else {
                failed(request, response, e, start);
            }
        } catch (Exception e) {
            failed(request, response, e, start);
        }
    }

    /**
     * Adds the CORS headers an answer to {@code request} needs; true when its origin may call the API. Set again after
     * an error resets the answer.
     */
    private boolean corsHeaders(HttpServletRequest request, HttpServletResponse response) {
        CorsOrigins cors = context.settings().corsOrigins();
        if (cors.variesByOrigin()) {
            response.addHeader("Vary", "Origin");
        }
        String origin = request.getHeader("Origin");
        if (!cors.allows(origin)) {
            return false;
        }
        response.setHeader("Access-Control-Allow-Origin", cors.any() ? "*" : origin);
        response.setHeader("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS);
        return true;
    }

    private static boolean isPreflight(HttpServletRequest request) {
        return "OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null;
    }

    private void failed(HttpServletRequest request, HttpServletResponse response, Exception e, long start) {
        Log.error("Failed: {} {}", request.getMethod(), request.getRequestURI(), e);
        try {
            writeError(request, response, new ApiException(500, "internal_server_error", "java.lang.RuntimeException",
                    ErrorText.SERVER_FAILED), start);
        } catch (IOException gone) {
            Log.debug("Cannot report the failure of {}: {}", request.getRequestURI(), gone.toString());
        }
    }

    /**
     * Reads what is left of a refused request's body (up to {@link #MAX_DRAINED_BYTES}), so that the connection
     * can carry the client's next request; false when too much is left (then the connection is
     * closed after the answer, and the client knows not to reuse it).
     */
    private boolean drained(HttpServletRequest request) {
        long left = Math.max(context.settings().maxBodyBytes(), MAX_DRAINED_BYTES);
        try {
            InputStream in = request.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                left -= n;
                if (left < 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    private void writeError(HttpServletRequest request, HttpServletResponse response, ApiException e, long start)
            throws IOException {
        if (response.isCommitted()) {
            Log.warn("Cannot report {} ({}): the response is already committed", e.error(), e.getMessage());
            return;
        }
        response.reset();
        corsHeaders(request, response);
        if (!drained(request)) {
            response.setHeader("Connection", "close");
        }
        response.setStatus(e.status());
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        e.headers().forEach(response::setHeader);
        response.addHeader("Vary", "Accept-Language");
        ObjectNode body = context.json().createObjectNode();
        body.put("error", e.error());
        body.put("exception", e.exception());
        body.put("timestamp", context.clock().millis());
        body.put("duration", (System.nanoTime() - start) / 1_000_000);
        body.put("error_description", e.description().in(RestExchange.language(request.getHeader("Accept-Language"))));
        byte[] bytes = context.json().writeValueAsBytes(body);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
