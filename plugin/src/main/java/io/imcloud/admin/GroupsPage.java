package io.imcloud.admin;

import io.imcloud.groups.Group;
import io.imcloud.groups.GroupMember;
import io.imcloud.groups.GroupPage;
import io.imcloud.groups.MemberPage;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppKey;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;


/**
 * Renders the groups page: a choice of app; the app's groups, a page at a time, each with its members link and a
 * delete form; or one group's members, a page at a time. Everything from data or the request is HTML-escaped.
 */
final class GroupsPage extends ConsolePage {

    /** The sidebar item of plugin.xml this page belongs to. */
    static final String PAGE_ID = "imcloud-groups";

    /**
     * @param token         our CSRF token, put into every form
     * @param openfireToken Openfire's CSRF token of this request, or null when Openfire set none
     */
    GroupsPage(Texts texts, String token, String openfireToken) {
        super(texts, PAGE_ID, PAGE_ID, token, openfireToken);
    }

    /** The page choosing among {@code apps}, with {@code selected} (or null) shown. */
    GroupsPage start(List<App> apps, AppKey selected, Outcome outcome) {
        head("imcloud.groups", "imcloud.groups.description");
        message(outcome);
        html.append("<form method=\"get\" action=\"").append(PAGE_ID).append("\"><label>")
                .append(escape(texts.get("imcloud.admin.app_key"))).append(" <select name=\"app\">");
        for (App app : apps) {
            String key = app.key().toString();
            html.append("<option value=\"").append(escape(key)).append("\"").append(app.key().equals(selected) ? " selected" : "")
                    .append(">").append(escape(key)).append("</option>");
        }
        html.append("</select></label> <input type=\"submit\" value=\"").append(escape(texts.get("imcloud.groups.show")))
                .append("\"/></form>\n");
        return this;
    }

    /** The app's groups of {@code page}, or a note that it has none. */
    GroupsPage groups(AppKey app, GroupPage page) {
        html.append("<h3>").append(escape(texts.get("imcloud.groups.list.title", app))).append("</h3>\n");
        if (page.groups().isEmpty()) {
            html.append("<p id=\"imcloud-no-groups\">").append(escape(texts.get("imcloud.groups.list.empty"))).append("</p>\n");
            return this;
        }
        html.append("<div class=\"jive-table\"><table id=\"imcloud-groups\"><thead><tr>");
        for (String key : List.of("id", "name", "owner", "members", "public", "created_on", "delete")) {
            html.append("<th>").append(escape(texts.get("imcloud.groups." + key))).append("</th>");
        }
        html.append("</tr></thead><tbody>\n");
        for (Group g : page.groups()) {
            String id = Long.toString(g.groupId());
            html.append("<tr><td><code>").append(id).append("</code></td><td>").append(escape(g.name()))
                    .append("</td><td>").append(escape(g.owner())).append("</td><td><a href=\"")
                    .append(escape(PAGE_ID + "?app=" + encode(app.toString()) + "&group=" + id)).append("\">")
                    .append(escape(texts.get("imcloud.groups.members.count", g.memberCount(), g.maxUsers()))).append("</a></td><td>")
                    .append(escape(texts.get(g.isPublic() ? "imcloud.admin.yes" : "imcloud.admin.no"))).append("</td><td>")
                    .append(Instant.ofEpochMilli(g.created()).truncatedTo(ChronoUnit.SECONDS)).append("</td><td>");
            form("delete", "app", app.toString(), "group", id);
            html.append("<label>").append(escape(texts.get("imcloud.groups.delete.confirm")))
                    .append(" <input type=\"text\" name=\"confirm\" size=\"20\" autocomplete=\"off\"/></label> ");
            submit("imcloud.groups.delete.button");
            html.append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n");
        if (page.cursor() != null) {
            html.append("<p><a id=\"imcloud-next\" href=\"").append(escape(PAGE_ID + "?app=" + encode(app.toString()) + "&cursor="
                    + encode(page.cursor()))).append("\">").append(escape(texts.get("imcloud.groups.next"))).append("</a></p>\n");
        }
        return this;
    }

    /** The members of {@code group} of {@code page}. */
    GroupsPage members(Group group, MemberPage page) {
        html.append("<h3>").append(escape(texts.get("imcloud.groups.members.title", group.name(), Long.toString(group.groupId()))))
                .append("</h3>\n<div class=\"jive-table\"><table id=\"imcloud-members\"><thead><tr><th>")
                .append(escape(texts.get("imcloud.groups.member"))).append("</th><th>").append(escape(texts.get("imcloud.groups.role")))
                .append("</th><th>").append(escape(texts.get("imcloud.groups.joined"))).append("</th></tr></thead><tbody>\n");
        for (GroupMember m : page.members()) {
            html.append("<tr><td>").append(escape(m.username())).append("</td><td>").append(escape(texts.get("imcloud.groups.role." + m.role().label())))
                    .append("</td><td>").append(Instant.ofEpochMilli(m.joined()).truncatedTo(ChronoUnit.SECONDS)).append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n");
        String base = PAGE_ID + "?app=" + encode(group.appKey().toString()) + "&group=" + group.groupId();
        if (page.cursor() != null) {
            html.append("<p><a id=\"imcloud-next\" href=\"").append(escape(base + "&member_cursor=" + encode(page.cursor()))).append("\">")
                    .append(escape(texts.get("imcloud.groups.next"))).append("</a></p>\n");
        }
        html.append("<p><a href=\"").append(escape(PAGE_ID + "?app=" + encode(group.appKey().toString()))).append("\">")
                .append(escape(texts.get("imcloud.groups.back"))).append("</a></p>\n");
        return this;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
