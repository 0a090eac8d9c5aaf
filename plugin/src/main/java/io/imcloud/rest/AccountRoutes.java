package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppUser;
import io.imcloud.users.AccountControl;
import io.imcloud.users.UserAccount;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Presence and account control, Easemob's shapes: a user's status ({@code online}/{@code offline}, from the sessions
 * of every cluster node), the status of a batch, deactivation (tokens end, logins are refused, open sessions are
 * closed) and activation, closing every session of a user, and the nickname.
 */
public final class AccountRoutes implements RouteGroup {

    /** Most usernames of one batch status request (Easemob's limit). */
    static final int MAX_BATCH_STATUS = 100;

    private final AccountControl accounts;

    /** The routes over the account control of app users (the console's too). */
    public AccountRoutes(AccountControl accounts) {
        this.accounts = accounts;
    }

    @Override
    public void register(Router router) {
        router.get("/{org}/{app}/users/{username}/status", this::status);
        router.post("/{org}/{app}/users/batch/status", this::batchStatus);
        router.post("/{org}/{app}/users/{username}/deactivate", ex -> activate(ex, false));
        router.post("/{org}/{app}/users/{username}/activate", ex -> activate(ex, true));
        router.get("/{org}/{app}/users/{username}/disconnect", this::disconnect);
        router.put("/{org}/{app}/users/{username}", this::nickname);
    }

    private void status(RestExchange ex) throws IOException {
        ex.requireApp();
        AppUser user = registered(ex);
        ObjectNode envelope = ex.envelope("get");
        envelope.putObject("data").put(user.username(), state(user));
        ex.reply(envelope);
    }

    /** {@code {"usernames": [...]}} to {@code data: [{name: "online"}, ...]}; names the app does not have are left out. */
    private void batchStatus(RestExchange ex) throws IOException {
        ex.requireApp();
        JsonNode names = ex.jsonObjectBody().get("usernames");
        if (names == null || !names.isArray() || names.isEmpty() || names.size() > MAX_BATCH_STATUS) {
            throw ApiException.illegalArgument(ErrorText.ARRAY_OF_USERNAMES, "usernames", MAX_BATCH_STATUS);
        }
        Set<String> usernames = new LinkedHashSet<>();
        for (JsonNode name : names) {
            if (!name.isTextual()) {
                throw ApiException.illegalArgument(ErrorText.CONTAINS_USERNAMES, "usernames");
            }
            usernames.add(RestExchange.username(name.asText(), "usernames"));
        }
        ArrayNode data = ex.array();
        for (String username : usernames) {
            AppUser user = new AppUser(ex.app().key(), username);
            if (ex.context().users().find(user).isPresent()) {
                data.addObject().put(username, state(user));
            }
        }
        ObjectNode envelope = ex.envelope("get batch user status");
        envelope.set("data", data);
        envelope.put("count", data.size());
        ex.reply(envelope);
    }

    /** Deactivation ends the user's tokens and logins, sessions and bound devices ({@link AccountControl}). */
    private void activate(RestExchange ex, boolean activated) throws IOException {
        ex.requireApp();
        AppUser user = ex.pathUser("username");
        UserAccount account = accounts.setActivated(user, activated).orElseThrow(() -> ApiException.userNotFound(user));
        UserRoutes.replyOne(ex, activated ? "activate user" : "deactivate user", account);
    }

    private void disconnect(RestExchange ex) throws IOException {
        ex.requireApp();
        AppUser user = registered(ex);
        int closed = accounts.disconnect(user);
        ObjectNode envelope = ex.envelope("get");
        envelope.putObject("data").put("result", true).put("sessions", closed);
        ex.reply(envelope);
    }

    /** {@code {"nickname": "..."}} with an app token or the user's own. */
    private void nickname(RestExchange ex) throws IOException {
        ex.requireAppOrUser(ex.pathParam("username"));
        AppUser user = ex.pathUser("username");
        JsonNode body = ex.jsonObjectBody();
        if (!body.has("nickname") || body.size() != 1) {
            throw ApiException.illegalArgument(ErrorText.BODY_MUST_BE, "{\"nickname\": \"...\"}");
        }
        UserAccount account = ex.context().users().setNickname(user, RestExchange.text(body, "nickname"))
                .orElseThrow(() -> ApiException.userNotFound(user));
        UserRoutes.replyOne(ex, "put", account);
    }

    private static AppUser registered(RestExchange ex) {
        AppUser user = ex.pathUser("username");
        if (ex.context().users().find(user).isEmpty()) {
            throw ApiException.userNotFound(user);
        }
        return user;
    }

    private String state(AppUser user) {
        return accounts.isOnline(user) ? "online" : "offline";
    }
}
