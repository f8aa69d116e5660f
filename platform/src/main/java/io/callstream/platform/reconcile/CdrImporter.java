package io.callstream.platform.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.platform.sql.SqlClient;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps an imported export in the store: through the running platform's {@code POST
 * /api/vendor-cdrs} (loopback only), or in the DuckDB file itself when no platform runs.
 */
public final class CdrImporter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String dashboardUrl;
    private final Path duckDbFile;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public CdrImporter(String dashboardUrl, Path duckDbFile) {
        this.dashboardUrl = dashboardUrl.endsWith("/") ? dashboardUrl : dashboardUrl + "/";
        this.duckDbFile = duckDbFile;
    }

    /** The request body of {@code /api/vendor-cdrs}. */
    static String body(String vendor, String source, List<VendorCdr> calls) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("vendor", vendor);
        body.put("source", source);
        body.put("rows", calls.stream().map(CdrStore::toMap).toList());
        return JSON.writeValueAsString(body);
    }

    public CdrStore.Summary store(String vendor, String source, List<VendorCdr> calls, Consumer<String> via) {
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(dashboardUrl + "api/vendor-cdrs"))
                            .timeout(Duration.ofMinutes(5))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    body(vendor, source, calls), StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            var reply = JSON.readTree(answer.body());
            if (answer.statusCode() != 200) {
                throw new SqlClient.SqlException(reply.path("error").asText(answer.body()));
            }
            via.accept("through the running platform at " + dashboardUrl);
            return new CdrStore.Summary(
                    reply.get("added").asInt(),
                    reply.get("changed").asInt(),
                    reply.get("unchanged").asInt());
        } catch (ConnectException notRunning) {
            via.accept("into " + duckDbFile + " (no platform answers at " + dashboardUrl + ")");
            if (!Files.exists(duckDbFile)) {
                throw new SqlClient.SqlException("no platform answers at " + dashboardUrl + " and there is no store at "
                        + duckDbFile + " (run ./callstream up, or pass --data-dir / --dashboard-url)");
            }
            try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + duckDbFile.toAbsolutePath())) {
                return CdrStore.store(connection, vendor, source, calls);
            } catch (SQLException e) {
                throw new SqlClient.SqlException(e.getMessage());
            }
        } catch (IOException e) {
            throw new SqlClient.SqlException("cannot reach the platform at " + dashboardUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SqlClient.SqlException("interrupted");
        }
    }

    /** What {@code /api/vendor-cdrs} does with a request body, in the platform. */
    @SuppressWarnings("unchecked")
    public static CdrStore.Summary serve(Connection connection, String body) throws IOException, SQLException {
        Map<String, Object> request = JSON.readValue(body, Map.class);
        Object vendor = request.get("vendor");
        Object rows = request.get("rows");
        if (!(vendor instanceof String name) || name.isBlank() || !(rows instanceof List<?> list)) {
            throw new IllegalArgumentException("expected {\"vendor\":…,\"source\":…,\"rows\":[…]}");
        }
        List<VendorCdr> calls = list.stream()
                .map(row -> CdrStore.fromMap((Map<String, Object>) row))
                .toList();
        return CdrStore.store(connection, name, String.valueOf(request.get("source")), calls);
    }
}
