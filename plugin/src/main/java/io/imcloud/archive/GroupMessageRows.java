package io.imcloud.archive;

import io.imcloud.tenancy.AppKey;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * How a {@link GroupMessage} is laid out in {@code ofImGroupMessage}: the column list for reads and the row mapper,
 * shared by the group archive's reader and the conversation list.
 */
public final class GroupMessageRows {

    /** The columns {@link #read} expects, in order. */
    public static final String COLUMNS = "msgId, appKey, groupId, sender, sentAt, msgType, body, ext, stanza, clientMsgId";

    private GroupMessageRows() {
    }

    /** Maps the row under the cursor, whose columns start at {@code first} in {@link #COLUMNS} order. */
    public static GroupMessage read(ResultSet rs, int first) throws SQLException {
        return new GroupMessage(rs.getLong(first), AppKey.parse(rs.getString(first + 1)), rs.getLong(first + 2),
                rs.getString(first + 3), rs.getLong(first + 4), rs.getString(first + 5), rs.getString(first + 6),
                rs.getString(first + 7), rs.getString(first + 8), rs.getString(first + 9));
    }
}
