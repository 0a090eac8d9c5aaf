package io.imcloud.admin;

import io.imcloud.testsupport.TestJetty;
import org.eclipse.jetty.ee8.servlet.FilterHolder;
import org.eclipse.jetty.ee8.servlet.ServletContextHandler;
import org.eclipse.jetty.ee8.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Hosts {@link AppsAdminServlet} and {@link UsersAdminServlet} on an embedded Jetty 12 {@code ee8} with HTTP
 * sessions, at the addresses Openfire's console gives them ({@code /plugins/imcloud/imcloud-apps}, {@code
 * .../imcloud-users}), and plays an operator's browser: one cookie jar per {@link Browser}, forms posted as
 * {@code application/x-www-form-urlencoded}.
 * Hosts a console page ({@link AppsAdminServlet} unless told otherwise) on an embedded Jetty 12 {@code ee8} with HTTP
 * sessions, at the address Openfire's console gives it ({@code /plugins/imcloud/imcloud-apps}), and plays an operator's
 * browser: one cookie jar per {@link Browser}, forms posted as {@code application/x-www-form-urlencoded}.
 */
final class AdminPageHarness implements AutoCloseable {

    static final String PATH = "/plugins/imcloud/imcloud-apps";

    private static final Pattern TOKEN = Pattern.compile("name=\"" + CsrfToken.FIELD + "\" value=\"([^\"]*)\"");

    private final Server server;
    private final URI page;

    private AdminPageHarness(Server server, URI page) {
        this.server = server;
        this.page = page;
    }

    /** Starts Jetty with the pages on a free loopback port, the browsers on the apps page; {@code filter}, when not null, runs before the servlets. */
    static AdminPageHarness start(Filter filter) {
        return start("imcloud-apps", filter);
    }

    /**
     * Starts Jetty with every page at {@code /plugins/imcloud/{page}}, as Openfire serves them, the browsers on page
     * {@code item}.
     */
    static AdminPageHarness start(String item, Filter filter) {
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/plugins");
        context.addServlet(new ServletHolder(new AppsAdminServlet()), "/imcloud/imcloud-apps");
        context.addServlet(new ServletHolder(new UsersAdminServlet()), "/imcloud/imcloud-users");
        context.addServlet(new ServletHolder(new GroupsAdminServlet()), "/imcloud/imcloud-groups");
        if (filter != null) {
            context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        Server server = TestJetty.start("127.0.0.1", context.get());
        return new AdminPageHarness(server, URI.create("http://127.0.0.1:" + TestJetty.port(server) + "/plugins/imcloud/" + item));
    }

    /** A new browser, with its own cookies (so its own console session). */
    Browser browser() {
        return new Browser();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop Jetty", e);
        }
    }

    /** The CSRF token of the forms of {@code page}, or null when it has none. */
    static String tokenIn(String page) {
        Matcher m = TOKEN.matcher(page);
        return m.find() ? m.group(1) : null;
    }

    /** An HTTP answer. */
    record Page(int status, String body) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** One operator's browser. */
    final class Browser {

        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(10)).build();

        /** GETs the apps page. */
        Page get() {
            return send(HttpRequest.newBuilder(page).GET());
        }

        /** GETs {@code relative} (e.g. {@code imcloud-users?app=...}), a page next to this one. */
        Page open(String relative) {
            return send(HttpRequest.newBuilder(page.resolve(relative)).GET());
        }

        /** Like {@link #submit}, on page {@code relative}: its token, then a POST to it. */
        Page submitAt(String relative, String... fields) {
            String token = tokenIn(open(relative).body());
            Map<String, String> form = fields(fields);
            form.put(CsrfToken.FIELD, token);
            return postTo(page.resolve(relative), form);
        }

        /** GETs the page with {@code query} (already encoded, without {@code ?}). */
        Page get(String query) {
            return send(HttpRequest.newBuilder(URI.create(page + "?" + query)).GET());
        }

        /** GETs the page and posts {@code fields} with the token of the forms it shows, as a form submission does. */
        Page submit(String... fields) {
            String token = tokenIn(get().body());
            Map<String, String> form = fields(fields);
            form.put(CsrfToken.FIELD, token);
            return post(form);
        }

        /** GETs the page with {@code query} and posts {@code fields} with the token of the forms that page shows. */
        Page submitFrom(String query, String... fields) {
            String token = tokenIn(get(query).body());
            Map<String, String> form = fields(fields);
            form.put(CsrfToken.FIELD, token);
            return post(form);
        }

        /** POSTs exactly {@code form}. */
        Page post(Map<String, String> form) {
            return postTo(page, form);
        }

        /** POSTs exactly {@code form} to page {@code relative}. */
        Page postTo(String relative, Map<String, String> form) {
            return postTo(page.resolve(relative), form);
        }

        private Page postTo(URI target, Map<String, String> form) {
            String body = form.entrySet().stream()
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return send(HttpRequest.newBuilder(target).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        private Page send(HttpRequest.Builder request) {
            try {
                HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                return new Page(r.statusCode(), r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** {@code name, value, name, value, ...} as an ordered, modifiable map. */
    static Map<String, String> fields(String... namesAndValues) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return form;
    }
}
