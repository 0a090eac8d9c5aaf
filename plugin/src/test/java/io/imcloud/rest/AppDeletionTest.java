package io.imcloud.rest;

import io.imcloud.rest.ArchiveApiStack.TestApp;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarness.Response;
import io.imcloud.testsupport.RestHarnessStack;
import io.imcloud.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Deleting an app takes its users, archive, unread counters and conversation list with it, and nothing of other apps. */
class AppDeletionTest {

    @AllDatabases
    void deletingAnAppPurgesItsArchiveAndLeavesOtherAppsAlone(TestDatabase db) throws Exception {
        try (ArchiveApiStack stack = ArchiveApiStack.start(db)) {
            TestApp chat = stack.app("acme", "chat", "alice", "bob");
            TestApp other = stack.app("acme", "other", "alice", "bob");
            for (int i = 0; i < 5; i++) {
                chat.chat("alice", "bob", "hi " + i, "c" + i);
            }
            other.chat("bob", "alice", "kept", "o1");
            stack.archive.flush();

            Response deleted = stack.s.http.send(stack.s.http.request("/management/apps/acme/chat", null)
                    .header("Authorization", RestHarnessStack.adminAuthorization()).DELETE());

            assertEquals(200, deleted.status(), deleted.body());
            assertEquals(2, deleted.json().at("/data/users_deleted").asInt());
            assertEquals(5, deleted.json().at("/data/messages_deleted").asInt());
            assertEquals(0, rows(db, "ofImMessage", "acme#chat"));
            assertEquals(0, rows(db, "ofImConversation", "acme#chat"));
            assertEquals(1, rows(db, "ofImMessage", "acme#other"));
            assertEquals(1, other.get("/users/alice/unread", other.token()).json().at("/data/total").asInt());
        }
    }

    private static long rows(TestDatabase db, String table, String appKey) throws SQLException {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE appKey = ?")) {
            ps.setString(1, appKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
