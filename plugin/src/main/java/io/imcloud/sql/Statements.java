package io.imcloud.sql;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Parameter binding that JDBC drivers do not agree on. */
public final class Statements {

    private Statements() {
    }

    /** Binds {@code value}, or an SQL NULL of type VARCHAR when it is null (some drivers refuse {@code setString(i, null)}). */
    public static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }
}
