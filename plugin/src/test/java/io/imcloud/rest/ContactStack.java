package io.imcloud.rest;

import io.imcloud.contacts.ContactLimits;
import io.imcloud.contacts.Contacts;
import io.imcloud.contacts.InMemoryBlockLists;
import io.imcloud.contacts.InMemoryRosters;
import io.imcloud.sql.DatabaseType;
import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The REST stack with {@link ContactRoutes} over in-memory rosters and block lists (Openfire's own are proven by the
 * integration suite), on an embedded database for apps and users, and app {@code acme#chat} with the users asked for.
 */
final class ContactStack implements AutoCloseable {

    static final String PASSWORD = "pw-secret";

    final TestDatabase db = TestDatabase.create(DatabaseType.HSQLDB);
    final InMemoryRosters rosters = new InMemoryRosters();
    final InMemoryBlockLists blocks = new InMemoryBlockLists();
    final AtomicReference<ContactLimits> limits = new AtomicReference<>(ContactLimits.defaults());
    final RestHarnessStack s = RestHarnessStack.withMembership(db,
            membership -> List.of(new ContactRoutes(new Contacts(rosters, blocks, membership, limits::get))));
    final AppCredentials app;
    final String token;

    ContactStack(String... usernames) {
        app = s.createApp("acme", "chat", false);
        token = s.appToken(app);
        register(app, token, usernames);
    }

    /** Registers {@code usernames} in {@code app} over HTTP. */
    void register(AppCredentials app, String token, String... usernames) {
        List<Map<String, String>> batch = new ArrayList<>();
        Arrays.stream(usernames).forEach(u -> batch.add(RestHarnessStack.user(u, PASSWORD, u)));
        Response r = s.register(app, token, batch);
        assertEquals(200, r.status(), r.body());
    }

    /** The user {@code username} of {@code acme#chat}. */
    AppUser user(String username) {
        return new AppUser(app.app().key(), username);
    }

    /** The user {@code username} of app {@code key}. */
    static AppUser user(AppKey key, String username) {
        return new AppUser(key, username);
    }

    String userToken(String username) {
        return s.userToken(app, username, PASSWORD);
    }

    Response get(String path, String bearer) {
        return s.http.get("/acme/chat" + path, bearer);
    }

    Response post(String path, String bearer, Object json) {
        return s.http.post("/acme/chat" + path, bearer, json);
    }

    Response delete(String path, String bearer) {
        return s.http.delete("/acme/chat" + path, bearer);
    }

    /** The usernames in {@code data} of a successful answer. */
    static List<String> data(Response r) {
        assertEquals(200, r.status(), r.body());
        List<String> names = new ArrayList<>();
        r.json().get("data").forEach(n -> names.add(n.asText()));
        assertEquals(names.size(), r.json().get("count").asInt(), r.body());
        return names;
    }

    @Override
    public void close() {
        s.close();
        db.close();
    }
}
