package io.callstream.platform.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Read-only SQL against callstream's DuckDB store from outside the platform: through the running
 * platform's {@code POST /api/sql} (loopback only) when it runs, else by opening the file itself,
 * read-only (DuckDB lets one process hold a file open for writing, so while {@code ./callstream up}
 * runs only it can read the file).
 */
public final class SqlClient {

    private final String dashboardUrl;
    private final Path duckDbFile;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param dashboardUrl where a running platform serves its dashboard (and {@code /api/sql})
     * @param duckDbFile the store's file, opened when no platform answers
     */
    public SqlClient(String dashboardUrl, Path duckDbFile) {
        this.dashboardUrl = dashboardUrl.endsWith("/") ? dashboardUrl : dashboardUrl + "/";
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
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(dashboardUrl + "api/sql"))
                            .timeout(Duration.ofMinutes(5))
                            .header("Content-Type", "text/plain; charset=utf-8")
                            .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (answer.statusCode() == 200) {
                via.accept("through the running platform at " + dashboardUrl);
                return QueryResult.fromWire(answer.body());
            }
            throw new SqlException(errorOf(answer));
        } catch (ConnectException notRunning) {
            via.accept("from " + duckDbFile + " (no platform answers at " + dashboardUrl + ")");
            return local(sql);
        } catch (IOException e) {
            throw new SqlException("cannot reach the platform at " + dashboardUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SqlException("interrupted");
        }
    }

    private QueryResult local(String sql) {
        if (!Files.exists(duckDbFile)) {
            throw new SqlException("no platform answers at " + dashboardUrl + " and there is no store at " + duckDbFile
                    + " (run ./callstream up, or pass --data-dir / --dashboard-url)");
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
                        + " not at " + dashboardUrl + "? pass its --dashboard-url): " + firstLine(message));
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

    static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
