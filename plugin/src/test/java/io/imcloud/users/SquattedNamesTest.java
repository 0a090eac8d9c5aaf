package io.imcloud.users;

import io.imcloud.tenancy.AppKey;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.ScramUserDirectory;
import io.imcloud.testsupport.TestDatabase;
import io.imcloud.testsupport.TestMembership;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Openfire accounts named like app users without a registration, found for the start-up warning. */
class SquattedNamesTest {

    /** The column of Openfire's {@code ofUser} the scan reads. */
    private static void createOpenfireUsers(TestDatabase db, List<String> usernames) throws SQLException {
        try (Connection con = db.getConnection()) {
            try (Statement st = con.createStatement()) {
                st.execute("CREATE TABLE ofUser (username VARCHAR(64) NOT NULL, PRIMARY KEY (username))");
            }
            try (PreparedStatement ps = con.prepareStatement("INSERT INTO ofUser (username) VALUES (?)")) {
                for (String username : usernames) {
                    ps.setString(1, username);
                    ps.executeUpdate();
                }
            }
        }
    }

    @AllDatabases
    void findsOnlyTheAccountsNoAppRegistered(TestDatabase db) throws SQLException {
        UserService users = new UserService(db, new ScramUserDirectory(db), Clock.systemUTC(), TestMembership.on(db));
        users.register(AppKey.of("acme", "chat"), List.of(new NewUser("alice", "pw", null)), 0);
        users.register(AppKey.of("acme", "other"), List.of(new NewUser("eve", "pw", null)), 0);
        createOpenfireUsers(db, List.of("admin", "acme#chat_alice", "acme#chat_eve", "acme#other_eve", "x#y", "zed"));

        SquattedNames.Report report = new SquattedNames(db).find(10);
        assertEquals(List.of("acme#chat_eve", "x#y"), report.names());
        assertEquals(2, report.count());
    }

    @AllDatabases
    void countsBeyondThePageAndTheListedNames(TestDatabase db) throws SQLException {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 1203; i++) {
            names.add(String.format("acme#chat_u%04d", i));
        }
        createOpenfireUsers(db, names);

        SquattedNames.Report report = new SquattedNames(db).find(3);
        assertEquals(1203, report.count(), "every page scanned");
        assertEquals(names.subList(0, 3), report.names());
    }

    @AllDatabases
    void noAccountsNoReport(TestDatabase db) throws SQLException {
        createOpenfireUsers(db, List.of("admin"));
        assertEquals(new SquattedNames.Report(0, List.of()), new SquattedNames(db).find(20));
    }
}
