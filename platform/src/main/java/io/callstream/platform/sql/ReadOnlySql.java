package io.callstream.platform.sql;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Read-only SQL over the analytics store: one statement that reads ({@code SELECT}, {@code WITH},
 * {@code SHOW}, {@code DESCRIBE}, {@code EXPLAIN}, {@code SUMMARIZE}, {@code FROM}, {@code VALUES});
 * anything else is refused before it runs, and what runs runs inside a transaction that is always
 * rolled back, so not even a statement that slipped past the check could change the data.
 */
public final class ReadOnlySql {

    /** The first words of a statement that reads. */
    static final Set<String> READING =
            Set.of("SELECT", "WITH", "SHOW", "DESCRIBE", "EXPLAIN", "SUMMARIZE", "FROM", "VALUES");

    private static final Pattern COMMENTS = Pattern.compile("(?s)--[^\n]*|/\\*.*?\\*/");

    private ReadOnlySql() {}

    /** A refused statement: the message says why, for the person who typed it. */
    public static final class RefusedException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * The statement, without comments and a trailing semicolon, if it is one statement that reads.
     *
     * @throws RefusedException otherwise
     */
    public static String check(String sql) {
        String statement =
                COMMENTS.matcher(sql == null ? "" : sql).replaceAll(" ").trim();
        while (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1).trim();
        }
        if (statement.isEmpty()) {
            throw new RefusedException("no statement given");
        }
        if (statement.contains(";")) {
            throw new RefusedException("one statement at a time (this has a ';' inside)");
        }
        String first = statement.split("[\\s(]+", 2)[0].toUpperCase(Locale.ROOT);
        if (!READING.contains(first)) {
            throw new RefusedException(first + " statements are refused: this is read-only access; use one of "
                    + String.join(", ", READING.stream().sorted().toList()));
        }
        return statement;
    }

    /** Runs a checked statement on {@code connection} and rolls back whatever it did. */
    public static QueryResult query(Connection connection, String sql) throws SQLException {
        String statement = check(sql);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement jdbc = connection.createStatement();
                ResultSet rows = jdbc.executeQuery(statement)) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnLabel(i));
            }
            List<List<Object>> values = new ArrayList<>();
            while (rows.next()) {
                List<Object> row = new ArrayList<>(columns.size());
                for (int i = 1; i <= columns.size(); i++) {
                    row.add(plain(rows.getObject(i)));
                }
                values.add(row);
            }
            return new QueryResult(columns, values);
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    /** A value as JSON and text show it: numbers stay numbers, times become UTC ISO-8601 text. */
    public static Object plain(Object value) {
        return switch (value) {
            case null -> null;
            case Timestamp timestamp ->
                timestamp.toLocalDateTime().toInstant(ZoneOffset.UTC).toString();
            case LocalDateTime local -> local.toInstant(ZoneOffset.UTC).toString();
            case OffsetDateTime offset -> offset.toInstant().toString();
            case BigDecimal decimal -> decimal;
            case Number number -> number;
            case Boolean bool -> bool;
            default -> value.toString();
        };
    }
}
