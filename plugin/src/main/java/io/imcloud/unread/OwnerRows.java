package io.imcloud.unread;

import io.imcloud.tenancy.AppUser;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * How one user's side of {@code ofImConversation} is read. The table holds one row per pair of users
 * {@code (appKey, userA, userB)}, {@code userA <= userB}, with a counter and read mark per side; a user's
 * conversations are the rows where they are A (a range of the primary key) and those where they are B (a
 * range of {@code ofImConversation_userB_idx}). One statement reads both ranges as
 * {@code (peer, unreadNum, lastTs, lastMsgId)}; a note to self comes from the first range only.
 */
final class OwnerRows {

    private OwnerRows() {
    }

    /**
     * The statement over both ranges; {@code whereA} and {@code whereB} (each empty or starting with
     * {@code " AND"}) narrow the range where the owner is A, resp. B, and bind the same parameters.
     */
    static String select(String whereA, String whereB) {
        return "SELECT userB AS peer, unreadA AS unreadNum, lastTs, lastMsgId FROM ofImConversation"
                + " WHERE appKey = ? AND userA = ?" + whereA
                + " UNION ALL SELECT userA, unreadB, lastTs, lastMsgId FROM ofImConversation"
                + " WHERE appKey = ? AND userB = ? AND userA <> userB" + whereB;
    }

    /**
     * Binds the owner and then {@code extra} (the condition's parameters) in both ranges; returns the next
     * parameter index.
     */
    static int bind(PreparedStatement ps, AppUser owner, long... extra) throws SQLException {
        int i = 1;
        for (int range = 0; range < 2; range++) {
            ps.setString(i++, owner.appKey().toString());
            ps.setString(i++, owner.username());
            for (long value : extra) {
                ps.setLong(i++, value);
            }
        }
        return i;
    }
}
