package io.imcloud.sql;

import java.util.Locale;

/**
 * The databases Openfire runs on and for which {@code database/imcloud_<type>.sql} exists.
 * The enum name, lower-cased, is the script suffix and Openfire's own database type name.
 */
public enum DatabaseType {
    HSQLDB, POSTGRESQL, MYSQL, MARIADB, ORACLE, SQLSERVER;

    /** Openfire's name for this type, also the schema script suffix. */
    public String scriptName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named by Openfire's {@code DbConnectionManager.DatabaseType} (or a JDBC URL scheme), if we support it. */
    public static DatabaseType fromName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (DatabaseType t : values()) {
            if (t.scriptName().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unsupported database type: " + name);
    }

    /** True where {@code FETCH FIRST n ROWS ONLY} is not understood and {@code LIMIT n} must be used. */
    private boolean usesLimitClause() {
        return this == MYSQL || this == MARIADB || this == POSTGRESQL || this == HSQLDB;
    }

    /** The clause that caps a query's rows, appended after ORDER BY. */
    public String limit(int rows) {
        return usesLimitClause() ? " LIMIT " + rows : " OFFSET 0 ROWS FETCH NEXT " + rows + " ROWS ONLY";
    }
}
