package io.imcloud.contacts;

import io.imcloud.tenancy.AppUser;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Rosters} in memory: each user's roster maps a contact to its subscription ({@code both}, {@code to}, {@code from}). */
public final class InMemoryRosters implements Rosters {

    private final Map<AppUser, Map<AppUser, String>> rosters = new ConcurrentHashMap<>();

    @Override
    public List<AppUser> contactsOf(AppUser owner) {
        return roster(owner).entrySet().stream()
                .filter(e -> e.getValue().equals("both") || e.getValue().equals("to"))
                .map(Map.Entry::getKey).toList();
    }

    @Override
    public void befriend(AppUser owner, AppUser friend) {
        roster(owner).put(friend, "both");
        roster(friend).put(owner, "both");
    }

    @Override
    public void unfriend(AppUser owner, AppUser friend) {
        roster(owner).remove(friend);
        roster(friend).remove(owner);
    }

    /** Puts {@code contact} on {@code owner}'s roster with {@code subscription}, as an XMPP client's subscription would. */
    public void subscribe(AppUser owner, AppUser contact, String subscription) {
        roster(owner).put(contact, subscription);
    }

    /** {@code contact}'s subscription on {@code owner}'s roster, or null when it is not there. */
    public String subscription(AppUser owner, AppUser contact) {
        return roster(owner).get(contact);
    }

    /** How many items {@code owner}'s roster has, whatever their subscription. */
    public int size(AppUser owner) {
        return roster(owner).size();
    }

    private Map<AppUser, String> roster(AppUser owner) {
        return rosters.computeIfAbsent(owner, o -> new ConcurrentHashMap<>());
    }
}
