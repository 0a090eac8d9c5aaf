package io.imcloud.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs a {@code database/imcloud_<type>.sql} script the way Openfire 5.1.1's {@code SchemaManager}
 * does: lines starting with a comment marker are skipped, a statement ends with a line ending in
 * {@code ;}, and each statement is sent as it is (Oracle and DB2 without the semicolon).
 */
public final class SchemaScript {

    private SchemaScript() {
    }

    /** The project directory (Surefire sets {@code imcloud.projectDir}; the working directory otherwise). */
    public static Path projectDir() {
        return Path.of(System.getProperty("imcloud.projectDir", "."));
    }

    /** The install script for a database type name such as {@code hsqldb}. */
    public static Path installScript(String type) {
        return projectDir().resolve("database").resolve("imcloud_" + type + ".sql");
    }

    /** Executes every statement of {@code script} on {@code con}. */
    public static void run(Connection con, Path script, boolean stripSemicolon) throws IOException, SQLException {
        try (BufferedReader in = Files.newBufferedReader(script, StandardCharsets.UTF_8)) {
            StringBuilder command = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (isCommandPart(line)) {
                    command.append(' ').append(line);
                }
                if (line.trim().endsWith(";")) {
                    String sql = command.toString().trim();
                    if (stripSemicolon) {
                        sql = sql.substring(0, sql.length() - 1);
                    }
                    try (Statement st = con.createStatement()) {
                        st.execute(sql);
                    } catch (SQLException e) {
                        throw new SQLException("Failed in " + script.getFileName() + ": " + sql, e);
                    }
                    command.setLength(0);
                }
            }
        }
    }

    private static boolean isCommandPart(String line) {
        String l = line.trim();
        return !l.isEmpty() && !(l.startsWith("//") || l.startsWith("--") || l.startsWith("#")
                || l.startsWith("REM") || l.startsWith("/*") || l.startsWith("*"));
    }
}
