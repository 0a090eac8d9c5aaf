package io.imcloud.admin;

import io.imcloud.attachments.Attachments;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppUser;
import io.imcloud.users.UserAccount;
import io.imcloud.users.UserPage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Predicate;

/**
 * Renders the users page of one app: its figures (users, archived messages, stored files), a search by username
 * prefix, one page of users with their state and whether they are online, and the forms that deactivate, activate
 * or delete a user (deleting asks for the username typed again). Everything from data or the request is escaped.
 */
final class UsersPage extends ConsolePage {

    /** The page's servlet path. */
    static final String PAGE_ID = "imcloud-users";

    /** What the page shows of one app. */
    record Figures(long users, long messages, Attachments.FileUsage files) {
    }

    UsersPage(Texts texts, String token, String openfireToken) {
        // a page under the apps item: the sidebar keeps it selected
        super(texts, AppsPage.PAGE_ID, PAGE_ID, token, openfireToken);
    }

    /**
     * The page of {@code app} showing {@code page} of the users matching {@code query} ({@code ""} for all);
     * {@code online} tells who has a session.
     */
    String render(App app, Figures figures, String query, UserPage page, Predicate<AppUser> online, Outcome outcome) {
        String key = app.key().toString();
        head("imcloud.users", "imcloud.users.description");
        html.append("<h3>").append(escape(texts.get("imcloud.users.title", key))).append("</h3>\n");
        message(outcome);
        html.append("<p id=\"imcloud-figures\">").append(escape(texts.get("imcloud.users.figures", figures.users(),
                figures.messages(), figures.files().files(), size(figures.files().bytes())))).append("</p>\n");
        html.append("<form method=\"get\" action=\"").append(PAGE_ID).append("\"><input type=\"hidden\" name=\"app\" value=\"")
                .append(escape(key)).append("\"/><label>").append(escape(texts.get("imcloud.users.search")))
                .append(" <input type=\"text\" name=\"q\" maxlength=\"64\" value=\"").append(escape(echo(query)))
                .append("\"/></label> <input type=\"submit\" value=\"").append(escape(texts.get("imcloud.users.search.button")))
                .append("\"/></form>\n");
        userTable(app, page.users(), online);
        if (page.nextAfter() != null) {
            html.append("<p><a id=\"imcloud-next\" href=\"").append(escape(link(key, query, page.nextAfter()))).append("\">")
                    .append(escape(texts.get("imcloud.users.next"))).append("</a></p>\n");
        }
        html.append("<p><a href=\"").append(AppsPage.PAGE_ID).append("\">").append(escape(texts.get("imcloud.users.back")))
                .append("</a></p>\n");
        return end();
    }

    private void userTable(App app, List<UserAccount> users, Predicate<AppUser> online) {
        if (users.isEmpty()) {
            html.append("<p id=\"imcloud-no-users\">").append(escape(texts.get("imcloud.users.empty"))).append("</p>\n");
            return;
        }
        html.append("<div class=\"jive-table\"><table id=\"imcloud-users\"><thead><tr>");
        for (String column : List.of("username", "nickname", "created", "state", "online", "actions", "delete")) {
            html.append("<th>").append(escape(texts.get("imcloud.users." + column))).append("</th>");
        }
        html.append("</tr></thead><tbody>\n");
        String key = app.key().toString();
        for (UserAccount account : users) {
            String name = account.user().username();
            html.append("<tr><td><code>").append(escape(name)).append("</code></td><td>").append(escape(account.nickname()))
                    .append("</td><td>").append(Instant.ofEpochMilli(account.created()).truncatedTo(ChronoUnit.SECONDS))
                    .append("</td><td>").append(escape(texts.get(account.activated() ? "imcloud.users.active" : "imcloud.users.deactivated")))
                    .append("</td><td>").append(escape(texts.get(online.test(account.user()) ? "imcloud.admin.yes" : "imcloud.admin.no")))
                    .append("</td>\n<td>");
            form(account.activated() ? "deactivate" : "activate", "app", key, "username", name);
            submit(account.activated() ? "imcloud.users.deactivate" : "imcloud.users.activate");
            html.append("</td>\n<td>");
            form("delete", "app", key, "username", name);
            html.append("<label>").append(escape(texts.get("imcloud.users.delete.confirm")))
                    .append(" <input type=\"text\" name=\"confirm\" size=\"12\" autocomplete=\"off\"/></label> ");
            submit("imcloud.users.delete.button");
            html.append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n");
    }

    /** The page for an app that does not exist (or a malformed key), naming what was asked for. */
    String notFound(String app) {
        head("imcloud.users", "imcloud.users.description");
        html.append("<div class=\"error\" id=\"imcloud-error\">").append(escape(texts.get("imcloud.admin.error.not_found", app)))
                .append("</div>\n<p><a href=\"").append(AppsPage.PAGE_ID).append("\">")
                .append(escape(texts.get("imcloud.users.back"))).append("</a></p>\n");
        return end();
    }

    /** The page's address for {@code app}, optionally searching {@code query} and starting after {@code after}. */
    static String link(String app, String query, String after) {
        StringBuilder link = new StringBuilder(PAGE_ID).append("?app=").append(URLEncoder.encode(app, StandardCharsets.UTF_8));
        if (query != null && !query.isEmpty()) {
            link.append("&q=").append(URLEncoder.encode(query, StandardCharsets.UTF_8));
        }
        if (after != null) {
            link.append("&after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
        }
        return link.toString();
    }
}
