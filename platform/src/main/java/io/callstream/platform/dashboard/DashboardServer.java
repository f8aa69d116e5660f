package io.callstream.platform.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.callstream.connect.duckdb.DuckDbDatabases;
import io.callstream.platform.sql.QueryResult;
import io.callstream.platform.sql.ReadOnlySql;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;

/**
 * The live dashboard of the embedded platform: a page ({@code /}) that polls {@code /api/dashboard}
 * every two seconds and draws, per vendor and tenant, calls per minute, ASR, NER, ACD and billed
 * minutes, the failure breakdown, active alerts and the latest calls, from the DuckDB tables the
 * sink writes.
 */
public final class DashboardServer implements AutoCloseable {

    private final HttpServer server;
    private final String duckDbUrl;
    private final Explainer explainer;
    private final ObjectMapper json = new ObjectMapper();

    /** Explains a call's bill as text (the same as {@code ./callstream explain}). */
    @FunctionalInterface
    public interface Explainer {
        String explain(String vendor, String callId, String dashboardUrl);
    }

    private DashboardServer(HttpServer server, String duckDbUrl, Explainer explainer) {
        this.server = server;
        this.duckDbUrl = duckDbUrl;
        this.explainer = explainer;
    }

    /**
     * Serves the dashboard of the DuckDB database at {@code duckDbUrl} on {@code port} (0: any free
     * port); {@code /explain?vendor=…&callId=…} answers what {@code explainer} says of a call.
     */
    public static DashboardServer start(String duckDbUrl, int port, Explainer explainer) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve the dashboard on port " + port, e);
        }
        DashboardServer dashboard = new DashboardServer(server, duckDbUrl, explainer);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/dashboard", dashboard::data);
        server.createContext("/explain", dashboard::explain);
        server.createContext("/api/sql", dashboard::sql);
        server.createContext("/api/vendor-cdrs", dashboard::vendorCdrs);
        server.createContext("/", dashboard::asset);
        server.start();
        return dashboard;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void data(HttpExchange exchange) throws IOException {
        if (refusedForeign(exchange)) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        int status = 200;
        DashboardFilter filter;
        try {
            filter = DashboardFilter.of(query(exchange), java.time.Instant.now());
        } catch (IllegalArgumentException e) {
            body.put("error", e.getMessage());
            send(exchange, 400, "application/json", json.writeValueAsBytes(body));
            return;
        }
        try (Connection connection = DuckDbDatabases.connect(duckDbUrl);
                Statement statement = connection.createStatement()) {
            for (Map.Entry<String, String> query : filter.queries().entrySet()) {
                body.put(query.getKey(), rows(statement, query.getValue()));
            }
        } catch (SQLException e) {
            // before the sink's first write the tables do not exist yet
            status = e.getMessage() != null && e.getMessage().contains("does not exist") ? 200 : 500;
            body.put("waiting", status == 200);
            body.put("error", e.getMessage());
        }
        send(exchange, status, "application/json", json.writeValueAsBytes(body));
    }

    /**
     * {@code POST /api/sql} with one read-only statement as the body: {@code {"columns":[…],
     * "rows":[[…]]}}, or 400 {@code {"error":…}} for a refused or failing statement. Served on
     * loopback only, and only to requests that name a loopback host and come from no other site (a
     * web page cannot use a user's browser to read the data).
     */
    private void sql(HttpExchange exchange) throws IOException {
        if (refusedForeign(exchange)) {
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            error(exchange, 405, "POST one read-only SQL statement as the body");
            return;
        }
        String statement;
        try (InputStream body = exchange.getRequestBody()) {
            statement = new String(body.readNBytes(1 << 20), StandardCharsets.UTF_8);
        }
        try (Connection connection = DuckDbDatabases.connect(duckDbUrl)) {
            QueryResult result = ReadOnlySql.query(connection, statement);
            send(exchange, 200, "application/json", result.toWire().getBytes(StandardCharsets.UTF_8));
        } catch (ReadOnlySql.RefusedException | SQLException e) {
            error(exchange, 400, io.callstream.platform.sql.SqlClient.firstLine(String.valueOf(e.getMessage())));
        }
    }

    /**
     * {@code POST /api/vendor-cdrs}: keeps an imported vendor export ({@code ./callstream reconcile})
     * in the store's {@code vendor_cdrs} table; loopback only, like {@code /api/sql}.
     */
    private void vendorCdrs(HttpExchange exchange) throws IOException {
        if (refusedForeign(exchange)) {
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            error(exchange, 405, "POST an import");
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readNBytes(64 << 20), StandardCharsets.UTF_8);
        }
        try (Connection connection = DuckDbDatabases.connect(duckDbUrl)) {
            io.callstream.platform.reconcile.CdrStore.Summary summary =
                    io.callstream.platform.reconcile.CdrImporter.serve(connection, body);
            answer.put("added", summary.added());
            answer.put("changed", summary.changed());
            answer.put("unchanged", summary.unchanged());
            send(exchange, 200, "application/json", json.writeValueAsBytes(answer));
        } catch (SQLException | IllegalArgumentException | IOException | ClassCastException e) {
            error(exchange, 400, "cannot keep the import: " + e.getMessage());
        }
    }

    /** Answers 403 and returns true unless the request is a loopback one from no other site. */
    private boolean refusedForeign(HttpExchange exchange) throws IOException {
        if (loopbackRequest(exchange)) {
            return false;
        }
        error(exchange, 403, "only for loopback requests from no other site");
        return true;
    }

    private void error(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, "application/json", json.writeValueAsBytes(Map.of("error", message)));
    }

    private static boolean loopbackRequest(HttpExchange exchange) {
        String host = Objects.toString(exchange.getRequestHeaders().getFirst("Host"), "");
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        return loopbackAuthority(host) && (origin == null || loopbackAuthority(origin.replaceFirst("^https?://", "")));
    }

    private static boolean loopbackAuthority(String authority) {
        String host = authority.startsWith("[")
                ? authority.substring(0, authority.indexOf(']') + 1)
                : authority.replaceFirst(":\\d+$", "");
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
    }

    /** The request's query parameters (the last of a repeated one). */
    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = Objects.toString(exchange.getRequestURI().getRawQuery(), "");
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                query.put(
                        java.net.URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private void explain(HttpExchange exchange) throws IOException {
        if (!loopbackRequest(exchange)) {
            send(
                    exchange,
                    403,
                    "text/plain; charset=utf-8",
                    "only for loopback requests from no other site\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, String> query = query(exchange);
        String vendor = query.get("vendor");
        String callId = query.get("callId");
        if (vendor == null || callId == null || vendor.isBlank() || callId.isBlank()) {
            send(
                    exchange,
                    400,
                    "text/plain; charset=utf-8",
                    "use /explain?vendor=VENDOR&callId=CALL_ID\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String text;
        int status = 200;
        try {
            text = explainer.explain(vendor, callId, url());
            status = text.startsWith("No call ") ? 404 : 200;
        } catch (RuntimeException e) {
            status = 503;
            text = "cannot explain " + vendor + "/" + callId + " now: " + e.getMessage() + "\n";
        }
        send(exchange, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Map<String, Object>> rows(Statement statement, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery(sql)) {
            ResultSetMetaData meta = result.getMetaData();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = ReadOnlySql.plain(result.getObject(i));
                    row.put(meta.getColumnLabel(i), value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private void asset(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String name = path.equals("/") ? "index.html" : path.substring(1);
        if (!name.matches("[a-z]+\\.(html|js|css)")) {
            send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = DashboardServer.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String type = name.endsWith(".html")
                    ? "text/html; charset=utf-8"
                    : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
            send(exchange, 200, type, in.readAllBytes());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
