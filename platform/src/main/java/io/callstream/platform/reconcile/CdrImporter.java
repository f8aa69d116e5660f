package io.callstream.platform.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.platform.sql.PlatformApi;
import io.callstream.platform.sql.SqlClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Keeps an imported export in the store: through the running platform's {@code POST
 * /api/vendor-cdrs} (loopback only), or in the DuckDB file itself when no platform runs.
 */
public final class CdrImporter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PlatformApi platform;
    private final Path duckDbFile;

    public CdrImporter(String dashboardUrl, Path duckDbFile) {
        this.platform = new PlatformApi(dashboardUrl);
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
            Optional<HttpResponse<String>> answer =
                    platform.post("api/vendor-cdrs", "application/json", body(vendor, source, calls));
            if (answer.isEmpty()) {
                via.accept("into " + duckDbFile + " (no platform answers at " + platform.baseUrl() + ")");
                return local(vendor, source, calls);
            }
            var reply = JSON.readTree(answer.get().body());
            if (answer.get().statusCode() != 200) {
                throw new SqlClient.SqlException(
                        reply.path("error").asText(answer.get().body()));
            }
            via.accept("through the running platform at " + platform.baseUrl());
            return new CdrStore.Summary(
                    reply.get("added").asInt(),
                    reply.get("changed").asInt(),
                    reply.get("unchanged").asInt());
        } catch (IOException e) {
            throw new SqlClient.SqlException(
                    "cannot reach the platform at " + platform.baseUrl() + ": " + e.getMessage());
        }
    }

    private CdrStore.Summary local(String vendor, String source, List<VendorCdr> calls) {
        if (!Files.exists(duckDbFile)) {
            throw new SqlClient.SqlException(
                    "no platform answers at " + platform.baseUrl() + " and there is no store at " + duckDbFile
                            + " (run ./callstream up, or pass --data-dir / --dashboard-url)");
        }
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + duckDbFile.toAbsolutePath())) {
            return CdrStore.store(connection, vendor, source, calls);
        } catch (SQLException e) {
            throw new SqlClient.SqlException(e.getMessage());
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
