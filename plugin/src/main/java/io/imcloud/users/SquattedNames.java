package io.imcloud.users;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Openfire accounts named like app users ({@code #} in the name, table {@code ofUser}) that no app
 * registered (no {@code ofImUser} row): made by in-band registration before imcloud refused it, or
 * left behind. They cannot log in while imcloud runs; the operator should delete them.
 */
public final class SquattedNames {

    /** Accounts read from {@code ofUser} per query while scanning. */
    private static final int PAGE = 500;

    /**
     * The result of a scan.
     *
     * @param count how many such accounts exist
     * @param names the first of them in name order, at most as many as asked for
     */
    public record Report(long count, List<String> names) {
    }

    private final ConnectionProvider db;

    /** Scans Openfire's and imcloud's tables in {@code db}. */
    public SquattedNames(ConnectionProvider db) {
        this.db = db;
    }

    /**
     * Scans every account with {@code #} in its name, a page at a time, each page checked against the
     * registrations of its apps in one query per app.
     *
     * @param maxNames how many names the report lists at most
     */
    public Report find(int maxNames) {
        long count = 0;
        List<String> names = new ArrayList<>();
        String after = "";
        List<String> page;
        while (!(page = hashNamesAfter(after)).isEmpty()) {
            for (String squatted : unregistered(page)) {
                count++;
                if (names.size() < maxNames) {
                    names.add(squatted);
                }
            }
            after = page.get(page.size() - 1);
        }
        return new Report(count, List.copyOf(names));
    }

    private List<String> hashNamesAfter(String after) {
        String sql = "SELECT username FROM ofUser WHERE username LIKE '%#%' AND username > ? ORDER BY username"
                + db.databaseType().limit(PAGE);
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> page = new ArrayList<>();
                while (rs.next()) {
                    page.add(rs.getString(1));
                }
                return page;
            }
        } catch (SQLException e) {
            throw new StoreException("Listing Openfire accounts named like app users after '" + after + "'", e);
        }
    }

    /** The names of {@code page} without a registration, in page order. */
    private List<String> unregistered(List<String> page) {
        Map<AppKey, List<String>> usernamesByApp = new LinkedHashMap<>();
        for (String node : page) {
            AppUser.fromNode(node).ifPresent(user ->
                    usernamesByApp.computeIfAbsent(user.appKey(), app -> new ArrayList<>()).add(user.username()));
        }
        Set<String> registered = new HashSet<>();
        usernamesByApp.forEach((app, usernames) -> registered.addAll(registeredNodes(app, usernames)));
        return page.stream().filter(node -> !registered.contains(node)).toList();
    }

    private Set<String> registeredNodes(AppKey app, List<String> usernames) {
        String sql = "SELECT username FROM ofImUser WHERE appKey = ? AND username IN ("
                + String.join(", ", Collections.nCopies(usernames.size(), "?")) + ")";
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, app.toString());
            for (int i = 0; i < usernames.size(); i++) {
                ps.setString(i + 2, usernames.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                Set<String> nodes = new HashSet<>();
                while (rs.next()) {
                    nodes.add(new AppUser(app, rs.getString(1)).node());
                }
                return nodes;
            }
        } catch (SQLException e) {
            throw new StoreException("Reading the registrations of " + usernames.size() + " users of " + app, e);
        }
    }
}
