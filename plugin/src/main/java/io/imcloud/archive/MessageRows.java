package io.imcloud.archive;

import io.imcloud.tenancy.AppKey;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * How an {@link ArchivedMessage} is laid out in {@code ofImMessage}: the column list for reads, the row
 * mapper, and the conversation key {@code (userA, userB)}. Shared by the archive reader and the
 * conversation list so that both read a message the same way.
 */
public final class MessageRows {

    /** The columns {@link #read} expects, in order, without a table alias. */
    public static final String COLUMNS = columns("");

    private MessageRows() {
    }

    /** The read columns qualified with {@code alias} (e.g. {@code "m."}), or unqualified for {@code ""}. */
    public static String columns(String alias) {
        return String.join(", ", alias + "msgId", alias + "appKey", alias + "sender", alias + "receiver",
                alias + "sentAt", alias + "msgType", alias + "body", alias + "ext", alias + "stanza",
                alias + "clientMsgId", alias + "state");
    }

    /** Maps the row under the cursor, whose columns start at {@code first} in {@link #COLUMNS} order. */
    public static ArchivedMessage read(ResultSet rs, int first) throws SQLException {
        return new ArchivedMessage(rs.getLong(first), AppKey.parse(rs.getString(first + 1)),
                rs.getString(first + 2), rs.getString(first + 3), rs.getLong(first + 4), rs.getString(first + 5),
                rs.getString(first + 6), rs.getString(first + 7), rs.getString(first + 8), rs.getString(first + 9),
                DeliveryState.ofCode(rs.getInt(first + 10)));
    }

    /** The smaller of the two usernames: {@code userA} of their conversation. */
    public static String userA(String one, String other) {
        return one.compareTo(other) <= 0 ? one : other;
    }

    /** The larger of the two usernames: {@code userB} of their conversation. */
    public static String userB(String one, String other) {
        return one.compareTo(other) <= 0 ? other : one;
    }
}
