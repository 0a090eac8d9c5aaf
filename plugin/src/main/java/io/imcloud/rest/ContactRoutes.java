package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.contacts.Contacts;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppUser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Easemob's contacts and block list API, with an app token or the owner's own user token, but for adding a contact:
 * <ul>
 * <li>{@code POST}, {@code DELETE /{org}/{app}/users/{owner}/contacts/users/{friend}}: make or end a (mutual)
 * friendship, answered with the friend's user entity (making one takes an app token: it opens the friend's presence
 * to the owner, which only the app's back-end may decide for them; a user asks over XMPP, where the other user
 * answers);</li>
 * <li>{@code POST /{org}/{app}/users/{owner}/contacts/users} with {@code {"usernames": [...]}}: add several at once,
 * answered with their usernames in {@code data};</li>
 * <li>{@code GET /{org}/{app}/users/{owner}/contacts/users}: {@code data: ["bob", ...]};</li>
 * <li>{@code POST /{org}/{app}/users/{owner}/blocks/users} with {@code {"usernames": [...]}}, {@code GET} the same
 * path, and {@code DELETE .../blocks/users/{user}}.</li>
 * </ul>
 * The lists are the users' XMPP roster and XEP-0191 block list (see {@link Contacts}).
 */
public final class ContactRoutes implements RouteGroup {

    private final Contacts contacts;

    /** The routes over {@code contacts}. */
    public ContactRoutes(Contacts contacts) {
        this.contacts = contacts;
    }

    @Override
    public void register(Router router) {
        router.get("/{org}/{app}/users/{username}/contacts/users", this::listContacts);
        router.post("/{org}/{app}/users/{username}/contacts/users", this::addContacts);
        router.post("/{org}/{app}/users/{username}/contacts/users/{friend}", this::addContact);
        router.delete("/{org}/{app}/users/{username}/contacts/users/{friend}", this::removeContact);
        router.get("/{org}/{app}/users/{username}/blocks/users", this::listBlocked);
        router.post("/{org}/{app}/users/{username}/blocks/users", this::block);
        router.delete("/{org}/{app}/users/{username}/blocks/users/{blocked}", this::unblock);
    }

    private void listContacts(RestExchange ex) throws IOException {
        replyNames(ex, "get", contacts.contacts(ex.owner()));
    }

    private void addContacts(RestExchange ex) throws IOException {
        ex.requireApp();
        AppUser owner = ex.owner();
        replyNames(ex, "post", names(contacts.add(owner, usernames(ex.jsonBody()))));
    }

    private void addContact(RestExchange ex) throws IOException {
        ex.requireApp();
        AppUser owner = ex.owner();
        replyUser(ex, "post", contacts.add(owner, List.of(ex.pathParam("friend"))).get(0));
    }

    private void removeContact(RestExchange ex) throws IOException {
        AppUser owner = ex.owner();
        replyUser(ex, "delete", contacts.remove(owner, ex.pathParam("friend")));
    }

    private void listBlocked(RestExchange ex) throws IOException {
        replyNames(ex, "get", contacts.blocked(ex.owner()));
    }

    private void block(RestExchange ex) throws IOException {
        AppUser owner = ex.owner();
        replyNames(ex, "post", names(contacts.block(owner, usernames(ex.jsonBody()))));
    }

    private void unblock(RestExchange ex) throws IOException {
        AppUser owner = ex.owner();
        replyUser(ex, "delete", contacts.unblock(owner, ex.pathParam("blocked")));
    }

    /** The strings of {@code {"usernames": [...]}}; how many and which are checked by {@link Contacts}. */
    private static List<String> usernames(JsonNode body) {
        JsonNode array = body.get("usernames");
        if (!body.isObject() || array == null || !array.isArray()) {
            throw ApiException.illegalArgument(ErrorText.BODY_MUST_BE, "{\"usernames\": [\"...\", ...]}");
        }
        List<String> usernames = new ArrayList<>(array.size());
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                throw ApiException.illegalArgument(ErrorText.CONTAINS_USERNAMES, "usernames");
            }
            usernames.add(item.asText());
        }
        return usernames;
    }

    private static List<String> names(List<AppUser> users) {
        return users.stream().map(AppUser::username).toList();
    }

    /** {@code data: [usernames]} with {@code count}. */
    private static void replyNames(RestExchange ex, String action, List<String> usernames) throws IOException {
        ObjectNode envelope = ex.envelope(action);
        ArrayNode data = envelope.putArray("data");
        usernames.forEach(data::add);
        envelope.put("count", usernames.size());
        ex.reply(envelope);
    }

    /** {@code entities: [user]}, Easemob's answer naming the one other user of the request. */
    private static void replyUser(RestExchange ex, String action, AppUser user) throws IOException {
        ObjectNode envelope = ex.envelope(action);
        envelope.set("entities", ex.array().add(ex.userEntity(
                ex.context().users().find(user).orElseThrow(() -> ApiException.userNotFound(user)))));
        ex.reply(envelope);
    }
}
