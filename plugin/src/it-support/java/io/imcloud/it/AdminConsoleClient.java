package io.imcloud.it;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Openfire's admin console as a browser uses it: log in (with the login page's CSRF token), then read pages. */
public final class AdminConsoleClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final String base;

    /** A console on {@code http://127.0.0.1:{port}}. */
    public AdminConsoleClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** Logs in as {@code user} and returns the page at {@code path}. */
    public String loginAndGet(String user, String password, String path) throws IOException, InterruptedException {
        String loginPage = get("/login.jsp");
        Matcher csrf = CSRF.matcher(loginPage);
        if (!csrf.find()) {
            throw new AssertionError("the login page has no CSRF field: " + loginPage);
        }
        String form = "login=true&username=" + encode(user) + "&password=" + encode(password) + "&csrf=" + encode(csrf.group(1));
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login.jsp"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (login.uri().getPath().endsWith("login.jsp")) {
            throw new AssertionError("console login failed: " + login.body());
        }
        return get(path);
    }

    /**
     * Submits the form of the page at {@code page} (after {@link #loginAndGet}) as its GET action {@code action}, with
     * {@code fields} and the page's CSRF token; returns the page it leads to.
     */
    public String submit(String page, String action, Map<String, String> fields) throws IOException, InterruptedException {
        Matcher csrf = CSRF.matcher(get(page));
        if (!csrf.find()) {
            throw new AssertionError("the page " + page + " has no CSRF field");
        }
        StringBuilder query = new StringBuilder("csrf=").append(encode(csrf.group(1)));
        fields.forEach((name, value) -> query.append('&').append(encode(name)).append('=').append(encode(value)));
        return get(action + "?" + query);
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (page.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + page.statusCode());
        }
        return page.body();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
