package io.callstream.connect.sink;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a table back over JDBC as {@link RowWriterContract#select} lines. */
public final class JdbcSelect {

    private JdbcSelect() {}

    public static List<String> select(Connection connection, Table table, String column) throws SQLException {
        String keys = String.join(", ", table.key());
        List<String> lines = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT " + keys + ", version, " + column + " FROM " + table.name() + " ORDER BY " + keys)) {
            int width = table.key().size() + 2;
            while (rows.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= width; i++) {
                    cells.add(rows.getString(i));
                }
                lines.add(String.join("|", cells));
            }
        }
        return lines;
    }

    public static Table table(String name) {
        return new SinkSettings(Map.of("connection.url", "unused"))
                .tables().values().stream()
                        .filter(table -> table.name().equals(name))
                        .findFirst()
                        .orElseThrow();
    }
}
