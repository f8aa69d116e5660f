package io.callstream.platform.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * Read-only SQL against callstream's DuckDB store from outside the platform: through the running
 * platform's {@code POST /api/sql} (loopback only) when it runs, else by opening the file itself,
 * read-only (DuckDB lets one process hold a file open for writing, so while {@code ./callstream up}
 * runs only it can read the file).
 */
public final class SqlClient {

    private final PlatformApi platform;
    private final Path duckDbFile;

    /**
     * @param dashboardUrl where a running platform serves its dashboard (and {@code /api/sql})
     * @param duckDbFile the store's file, opened when no platform answers
     */
    public SqlClient(String dashboardUrl, Path duckDbFile) {
        this.platform = new PlatformApi(dashboardUrl);
        this.duckDbFile = duckDbFile;
    }

    /** A failure the user must see, in a sentence: a refused or wrong statement, or no store. */
    public static final class SqlException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SqlException(String message) {
            super(message);
        }
    }

    /** The rows of a read-only statement; where they came from is told to {@code via}. */
    public QueryResult query(String sql, java.util.function.Consumer<String> via) {
        ReadOnlySql.check(sql); // refused here already, with or without a platform
        Optional<HttpResponse<String>> answer = platform.post("api/sql", "text/plain; charset=utf-8", sql);
        if (answer.isEmpty()) {
            via.accept("from " + duckDbFile + " (no platform answers at " + platform.baseUrl() + ")");
            return local(sql);
        }
        if (answer.get().statusCode() != 200) {
            throw new SqlException(errorOf(answer.get()));
        }
        via.accept("through the running platform at " + platform.baseUrl());
        return QueryResult.fromWire(answer.get().body());
    }

    private QueryResult local(String sql) {
        if (!Files.exists(duckDbFile)) {
            throw new SqlException("no platform answers at " + platform.baseUrl() + " and there is no store at "
                    + duckDbFile + " (run ./callstream up, or pass --data-dir / --dashboard-url)");
        }
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection connection =
                DriverManager.getConnection("jdbc:duckdb:" + duckDbFile.toAbsolutePath(), readOnly)) {
            return ReadOnlySql.query(connection, sql);
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("lock")) {
                throw new SqlException(duckDbFile + " is held by another process (a ./callstream up whose dashboard is"
                        + " not at " + platform.baseUrl() + "? pass its --dashboard-url): " + firstLine(message));
            }
            throw new SqlException(firstLine(message));
        }
    }

    private static String errorOf(HttpResponse<String> answer) {
        try {
            return new ObjectMapper().readTree(answer.body()).path("error").asText(answer.body());
        } catch (IOException notJson) {
            return "the platform answered " + answer.statusCode() + ": " + answer.body();
        }
    }

    /** The first line of a (store's multi-line) message. */
    public static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
