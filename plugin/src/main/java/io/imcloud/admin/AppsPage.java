package io.imcloud.admin;

import io.imcloud.attachments.Attachments;
import io.imcloud.push.CallbackReport;
import io.imcloud.push.PushHealth;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.CallbackUrls;
import io.imcloud.tenancy.FilePolicy;
import io.imcloud.users.SquattedNames;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;

/**
 * Renders the apps page: the outcome of the last action (an error, or a success with the new client or
 * callback secret, shown this once), the apps with their callbacks' health and their option, rotate and
 * delete forms, and the create form. A callback secret is never put into a form: the options keep it while
 * the URL stays, the remove box drops it with the URL. Everything that comes from data or from the request is
 * HTML-escaped. The page is a complete HTML document; the admin console's decorator wraps it and selects the
 * sidebar item named by the {@code pageID} meta element.
 */
final class AppsPage extends ConsolePage {

    /** The sidebar item of plugin.xml this page belongs to. */
    static final String PAGE_ID = "imcloud-apps";


    private final Function<AppKey, Attachments.FileUsage> storage;
    private final Function<AppKey, CallbackReport> callbacks;

    /**
     * @param token         our CSRF token, put into every form
     * @param openfireToken Openfire's CSRF token of this request, or null when Openfire set none
     * @param storage       the attachments each app stores
     * @param callbacks     how each app's offline-message callbacks fare
     */
    AppsPage(Texts texts, String token, String openfireToken, Function<AppKey, Attachments.FileUsage> storage,
             Function<AppKey, CallbackReport> callbacks) {
        super(texts, PAGE_ID, PAGE_ID, token, openfireToken);
        this.storage = storage;
        this.callbacks = callbacks;
    }

    /**
     * The whole page for {@code apps}; {@code truncated} when more apps exist than are listed; {@code squatted}: the
     * Openfire accounts named like app users that no app registered, which only the operator can delete.
     */
    String render(List<App> apps, boolean truncated, Outcome outcome, SquattedNames.Report squatted) {
        head("imcloud.apps", "imcloud.apps.description");
        outcome(outcome);
        squatted(squatted);
        appList(apps, truncated);
        createForm(outcome);
        return end();
    }

    private void outcome(Outcome outcome) {
        message(outcome);
        Outcome.Secrets secrets = outcome.secrets();
        if (secrets != null) {
            html.append("<div class=\"warning\" id=\"imcloud-credentials\">");
            if (secrets.clientSecret() != null) {
                html.append("<p>").append(escape(texts.get("imcloud.admin.secret.once"))).append("</p>");
            }
            if (secrets.callbackSecret() != null) {
                html.append("<p>").append(escape(texts.get("imcloud.admin.callback_secret.once"))).append("</p>");
            }
            html.append("<table>\n");
            row(texts.get("imcloud.admin.app_key"), secrets.app().toString());
            if (secrets.clientSecret() != null) {
                row(texts.get("imcloud.admin.client_id"), secrets.clientId());
                row(texts.get("imcloud.admin.client_secret"), secrets.clientSecret());
            }
            if (secrets.callbackSecret() != null) {
                row(texts.get("imcloud.admin.callback_secret"), secrets.callbackSecret());
            }
            html.append("</table></div>\n");
        }
    }

    private void squatted(SquattedNames.Report squatted) {
        if (squatted.count() == 0) {
            return;
        }
        html.append("<div class=\"warning\" id=\"imcloud-squatted\"><p>")
                .append(escape(texts.get("imcloud.admin.squatted", squatted.count()))).append("</p><p>");
        for (String name : squatted.names()) {
            html.append("<code>").append(escape(name)).append("</code> ");
        }
        if (squatted.count() > squatted.names().size()) {
            html.append("...");
        }
        html.append("</p></div>\n");
    }

    private void row(String label, String value) {
        html.append("<tr><th>").append(escape(label)).append("</th><td><code>").append(escape(value)).append("</code></td></tr>\n");
    }

    private void appList(List<App> apps, boolean truncated) {
        html.append("<h3>").append(escape(texts.get("imcloud.admin.list.title"))).append("</h3>\n");
        if (apps.isEmpty()) {
            html.append("<p id=\"imcloud-no-apps\">").append(escape(texts.get("imcloud.admin.list.empty"))).append("</p>\n");
            return;
        }
        html.append("<div class=\"jive-table\"><table id=\"imcloud-apps\"><thead><tr>");
        for (String key : List.of("app_key", "client_id", "open_registration", "max_users", "retention_days", "files",
                "callbacks", "created_on", "options", "secret", "delete")) {
            html.append("<th>").append(escape(texts.get("imcloud.admin." + key))).append("</th>");
        }
        html.append("</tr></thead><tbody>\n");
        for (App app : apps) {
            String key = app.key().toString();
            html.append("<tr><td style=\"white-space: nowrap\"><a href=\"").append(escape(UsersPage.link(key, null, null)))
                    .append("\"><code>")
                    .append(escape(key)).append("</code></a></td><td><code>")
                    .append(escape(app.clientId())).append("</code></td><td>")
                    .append(escape(texts.get(app.openRegistration() ? "imcloud.admin.yes" : "imcloud.admin.no")))
                    .append("</td><td>").append(app.maxUsers()).append("</td><td>").append(app.retentionDays())
                    .append("</td><td>").append(escape(storageText(app, storage.apply(app.key()))))
                    .append("</td><td class=\"imcloud-callbacks\">");
            callbackHealth(app, callbacks.apply(app.key()));
            html.append("</td><td>").append(time(app.created())).append("</td>\n<td>");
            form("update", "app_key", key);
            checkbox("open_registration", app.openRegistration());
            number("max_users", app.maxUsers());
            number("retention_days", app.retentionDays());
            number("file_retention_days", app.files().retentionDays());
            checkbox("uploads_media_only", app.files().mediaOnly());
            callbackUrl(app.callbackUrl());
            if (app.hasCallback()) {
                checkbox("remove_callback", false);
            }
            submit("imcloud.admin.options.save");
            html.append("</td>\n<td>");
            form("rotate", "app_key", key);
            checkbox("confirm_rotate", false);
            submit("imcloud.admin.rotate");
            if (app.hasCallback()) {
                html.append(' ');
                form("rotate_callback", "app_key", key);
                checkbox("confirm_rotate", false);
                submit("imcloud.admin.rotate_callback");
            }
            html.append("</td>\n<td>");
            form("delete", "app_key", key);
            html.append("<label>").append(escape(texts.get("imcloud.admin.delete.confirm")))
                    .append(" <input type=\"text\" name=\"confirm\" size=\"16\" autocomplete=\"off\"/></label> ");
            submit("imcloud.admin.delete.button");
            html.append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n");
        if (truncated) {
            html.append("<p>").append(escape(texts.get("imcloud.admin.list.truncated", apps.size()))).append("</p>\n");
        }
    }

    /**
     * The app's callback URL (or that it has none), its counts, and while callbacks fail the retry due first and the
     * latest dead letter with their last errors.
     */
    private void callbackHealth(App app, CallbackReport report) {
        if (app.hasCallback()) {
            html.append("<code>").append(escape(app.callbackUrl())).append("</code>");
        } else {
            html.append(escape(texts.get("imcloud.admin.callback.none")));
        }
        PushHealth counts = report.counts();
        html.append("<br/>").append(escape(texts.get("imcloud.admin.callback.counts", counts.pending(), counts.delivered(),
                counts.dead(), counts.dropped())));
        CallbackReport.Failure next = report.nextRetry();
        if (next != null) {
            html.append("<br/><span class=\"imcloud-callback-retrying\">").append(escape(texts.get(
                    "imcloud.admin.callback.retrying", report.retrying(), time(next.at()), next.attempts(), next.error())))
                    .append("</span>");
        }
        CallbackReport.Failure dead = report.latestDead();
        if (dead != null) {
            html.append("<br/><span class=\"imcloud-callback-dead\">").append(escape(texts.get(
                    "imcloud.admin.callback.dead", time(dead.at()), dead.attempts(), dead.error()))).append("</span>");
        }
    }

    /** The callback URL field, filled with the app's URL (none: empty). */
    private void callbackUrl(String url) {
        html.append("<label>").append(escape(texts.get("imcloud.admin.callback_url")))
                .append(" <input type=\"text\" name=\"callback_url\" size=\"32\" maxlength=\"").append(CallbackUrls.MAX_LENGTH)
                .append("\" value=\"").append(escape(url)).append("\"/></label> ");
    }

    /** A time as the page shows times: UTC, to the second. */
    private static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** "3 files, 1.2 MB of 10 GB" in the page's language; no quota is shown as unbounded. */
    private String storageText(App app, Attachments.FileUsage usage) {
        FilePolicy policy = app.files();
        String quota = policy.quotaBytes() == 0 ? texts.get("imcloud.admin.files.unbounded") : size(policy.quotaBytes());
        return texts.get("imcloud.admin.files.used", usage.files(), size(usage.bytes()), quota);
    }

    private void createForm(Outcome outcome) {
        html.append("<h3>").append(escape(texts.get("imcloud.admin.create.title"))).append("</h3>\n");
        form("create");
        html.append("<table>\n<tr><td><label for=\"imcloud-org\">").append(escape(texts.get("imcloud.admin.org")))
                .append("</label></td><td><input id=\"imcloud-org\" type=\"text\" name=\"org\" maxlength=\"32\" value=\"")
                .append(escape(echo(outcome.org()))).append("\"/></td></tr>\n")
                .append("<tr><td><label for=\"imcloud-app\">").append(escape(texts.get("imcloud.admin.app")))
                .append("</label></td><td><input id=\"imcloud-app\" type=\"text\" name=\"app\" maxlength=\"32\" value=\"")
                .append(escape(echo(outcome.app()))).append("\"/></td></tr>\n<tr><td colspan=\"2\">");
        checkbox("open_registration", false);
        number("max_users", null);
        number("retention_days", null);
        number("file_retention_days", null);
        checkbox("uploads_media_only", false);
        callbackUrl(null);
        html.append("</td></tr>\n</table>\n<p>").append(escape(texts.get("imcloud.admin.create.hint"))).append("</p>\n");
        submit("imcloud.admin.create.button");
    }
}
