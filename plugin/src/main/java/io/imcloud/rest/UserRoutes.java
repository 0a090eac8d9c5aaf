package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppUser;
import io.imcloud.users.NewUser;
import io.imcloud.users.UserAccount;
import io.imcloud.users.UserException;
import io.imcloud.users.UserPage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The users API: register (one or a batch), list with a cursor, get, delete, change password.
 * Registration is rate limited per app and, without a token (open registration), per remote address.
 */
final class UserRoutes implements RouteGroup {

    /** Most users in one registration request. */
    static final int MAX_BATCH = 60;
    /** Largest and default page size of the user list. */
    static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 10;

    @Override
    public void register(Router router) {
        router.post("/{org}/{app}/users", this::create);
        router.get("/{org}/{app}/users", this::list);
        router.get("/{org}/{app}/users/{username}", this::get);
        router.delete("/{org}/{app}/users/{username}", this::delete);
        router.put("/{org}/{app}/users/{username}/password", this::password);
    }

    /**
     * Registers one user ({@code {username,password,nickname}}) or an array of up to {@value #MAX_BATCH},
     * all or nothing (see {@link io.imcloud.users.UserService#register}).
     */
    private void create(RestExchange ex) throws IOException {
        App app = ex.app();
        Optional<Caller> caller = ex.caller();
        if (caller.isEmpty() && !app.openRegistration()) {
            throw ApiException.unauthorized(ErrorText.REGISTRATION_NEEDS_TOKEN);
        }
        if (caller.isPresent() && !caller.get().isApp()) {
            throw ApiException.forbidden(ErrorText.REGISTRATION_APP_TOKEN);
        }
        List<NewUser> batch = newUsers(ex.jsonBody());
        RestSettings s = ex.settings();
        if (caller.isEmpty()) {
            ex.rateLimit("ip:" + addressKey(ex.remoteAddress()), batch.size(), s.openRegistrationPerIpPerSecond(),
                    s.openRegistrationPerIpBurst());
        }
        ex.rateLimit("app:" + app.key(), batch.size(), s.registrationPerSecond(), s.registrationBurst());
        List<UserAccount> created = ex.context().users().register(app.key(), batch, app.maxUsers());
        ArrayNode entities = ex.array();
        created.forEach(a -> entities.add(ex.userEntity(a)));
        ObjectNode envelope = ex.envelope("post");
        envelope.set("entities", entities);
        ex.reply(envelope);
    }

    /**
     * The rate-limit key of a remote address: the address itself for IPv4, its /64 network for IPv6
     * (one subscriber usually holds a whole /64). Only literals are parsed, so nothing is resolved.
     */
    static String addressKey(String address) {
        if (address != null && address.indexOf(':') >= 0 && address.matches("\\[?[0-9a-fA-F:.]+(%\\w+)?]?")) {
            try {
                byte[] bytes = InetAddress.getByName(address).getAddress();
                if (bytes.length == 16) {
                    return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
                }
            } catch (UnknownHostException e) {
                return address;
            }
        }
        return address;
    }

    private static List<NewUser> newUsers(JsonNode body) {
        List<JsonNode> items = new ArrayList<>();
        if (body.isArray()) {
            if (body.isEmpty()) {
                throw ApiException.illegalArgument(ErrorText.USERS_EMPTY);
            }
            if (body.size() > MAX_BATCH) {
                throw ApiException.illegalArgument(ErrorText.USERS_TOO_MANY, MAX_BATCH);
            }
            body.forEach(items::add);
        } else {
            items.add(body);
        }
        List<NewUser> users = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            if (!item.isObject()) {
                throw ApiException.illegalArgument(ErrorText.USER_OBJECT, "{username, password, nickname}");
            }
            users.add(new NewUser(RestExchange.text(item, "username"), RestExchange.text(item, "password"),
                    RestExchange.text(item, "nickname")));
        }
        return users;
    }

    private void list(RestExchange ex) throws IOException {
        ex.requireApp();
        int limit = ex.intQuery("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        UserPage page = ex.context().users().page(ex.app().key(), decodeCursor(ex.query("cursor")), limit);
        ArrayNode entities = ex.array();
        page.users().forEach(a -> entities.add(ex.userEntity(a)));
        ObjectNode envelope = ex.envelope("get");
        envelope.set("entities", entities);
        envelope.put("count", page.users().size());
        if (page.nextAfter() != null) {
            envelope.put("cursor", encodeCursor(page.nextAfter()));
        }
        ex.reply(envelope);
    }

    /** The opaque cursor: base64url of the last username of the page (usernames are ASCII). */
    private static String encodeCursor(String lastUsername) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastUsername.getBytes(StandardCharsets.US_ASCII));
    }

    private static String decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String username = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (AppUser.isValidUsername(username)) {
                return username;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below like any other bad cursor
        }
        throw ApiException.illegalArgument(ErrorText.INVALID_CURSOR);
    }

    private void get(RestExchange ex) throws IOException {
        ex.requireAppOrUser(ex.pathParam("username"));
        AppUser user = ex.pathUser("username");
        UserAccount account = ex.context().users().find(user).orElseThrow(() -> ApiException.userNotFound(user));
        replyOne(ex, "get", account);
    }

    private void delete(RestExchange ex) throws IOException {
        ex.requireApp();
        AppUser user = ex.pathUser("username");
        UserAccount account = ex.context().users().delete(user).orElseThrow(() -> ApiException.userNotFound(user));
        replyOne(ex, "delete", account);
    }

    /**
     * {@code {newpassword}} with an app token (a reset); {@code {oldpassword, newpassword}} with the user's own
     * token, where a missing or wrong old password is 400 (guesses count against the password-grant limit of
     * the user). Either way the user's tokens issued so far stop working.
     */
    private void password(RestExchange ex) throws IOException {
        Caller caller = ex.requireAppOrUser(ex.pathParam("username"));
        AppUser user = ex.pathUser("username");
        JsonNode body = ex.jsonBody();
        if (!body.isObject()) {
            throw ApiException.illegalArgument(ErrorText.BODY_MUST_BE, "{\"newpassword\": \"...\"}");
        }
        String newPassword = RestExchange.text(body, "newpassword");
        if (caller.isApp()) {
            ex.context().users().changePassword(user, newPassword);
        } else {
            TokenRoutes.beforePasswordCheck(ex, user);
            try {
                ex.context().users().changeOwnPassword(user, RestExchange.text(body, "oldpassword"), newPassword);
            } catch (UserException e) {
                if (e.description().text() == ErrorText.OLD_PASSWORD_WRONG) {
                    TokenRoutes.passwordFailed(ex, user);
                }
                throw e;
            }
        }
        ex.reply(ex.envelope("set user password"));
    }

    static void replyOne(RestExchange ex, String action, UserAccount account) throws IOException {
        ObjectNode envelope = ex.envelope(action);
        envelope.set("entities", ex.array().add(ex.userEntity(account)));
        envelope.put("count", 1);
        ex.reply(envelope);
    }
}
