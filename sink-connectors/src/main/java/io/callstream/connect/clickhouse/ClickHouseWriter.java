package io.callstream.connect.clickhouse;

import io.callstream.connect.sink.Column;
import io.callstream.connect.sink.Row;
import io.callstream.connect.sink.RowWriter;
import io.callstream.connect.sink.SinkSettings;
import io.callstream.connect.sink.Table;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * ClickHouse over its HTTP interface (works with old and current servers): tables on {@code
 * ReplacingMergeTree(version)} ordered by the key, so merges keep the newest version of each key
 * (query with {@code FINAL} for exact results before a merge); each batch is one {@code INSERT …
 * FORMAT JSONEachRow} per table. Timestamps are {@code DateTime64(3, 'UTC')} on servers that have
 * it (20.1+), else {@code DateTime('UTC')} (whole seconds).
 */
public final class ClickHouseWriter implements RowWriter {

    /** A failed request: transient when the server said 5xx/429 (or was unreachable). */
    static final class ClickHouseException extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean transientFailure;

        ClickHouseException(String message, boolean transientFailure) {
            super(message);
            this.transientFailure = transientFailure;
        }
    }

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final SinkSettings settings;
    private final Map<Table.Kind, Table> tables;
    private final HttpClient http;
    /** Whether the server has DateTime64 (20.1+); asked on first use. */
    private Boolean millisecondTimestamps;

    public ClickHouseWriter(SinkSettings settings) {
        this.settings = settings;
        this.tables = settings.tables();
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(settings.timeoutMs()))
                .build();
    }

    @Override
    public void createTables() throws IOException, InterruptedException {
        detectServer();
        for (Table table : tables.values()) {
            query(createTable(table), null);
            // a table an earlier release created gains the columns added since (older servers have no
            // ADD COLUMN IF NOT EXISTS, so the existing columns are asked for)
            java.util.Set<String> existing = java.util.Set.copyOf(java.util.Arrays.asList(query(
                            "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '"
                                    + table.name() + "' FORMAT TabSeparated",
                            null)
                    .split("\n")));
            for (Column column : table.optionalColumns()) {
                if (!existing.contains(column.name())) {
                    query(
                            "ALTER TABLE " + table.name() + " ADD COLUMN " + column.name() + " " + typeName(column),
                            null);
                }
            }
        }
    }

    private void detectServer() throws IOException, InterruptedException {
        if (millisecondTimestamps == null) {
            String version = query("SELECT version()", null).trim();
            millisecondTimestamps = Integer.parseInt(version.substring(0, version.indexOf('.'))) >= 20;
        }
    }

    /** The documented DDL of a table. */
    public String createTable(Table table) {
        return "CREATE TABLE IF NOT EXISTS " + table.name() + " ("
                + table.columns().stream()
                        .map(column -> column.name() + " " + typeName(column))
                        .collect(Collectors.joining(", "))
                + ") ENGINE = ReplacingMergeTree(version) ORDER BY (" + String.join(", ", table.key()) + ")";
    }

    private String typeName(Column column) {
        String type = switch (column.type()) {
            case TEXT -> "String";
            case INT -> "Int32";
            case BIGINT -> column.name().equals("version") ? "UInt64" : "Int64";
            case DOUBLE -> "Float64";
            case TIMESTAMP -> millisecondTimestamps ? "DateTime64(3, 'UTC')" : "DateTime('UTC')";
            case MONEY -> "Decimal(18, 6)";
        };
        return column.nullable() ? "Nullable(" + type + ")" : type;
    }

    @Override
    public void write(List<Row> rows) throws IOException, InterruptedException {
        detectServer();
        Map<Table, StringBuilder> bodies = new LinkedHashMap<>();
        for (Row row : rows) {
            appendJson(bodies.computeIfAbsent(row.table(), table -> new StringBuilder()), row);
        }
        for (Map.Entry<Table, StringBuilder> body : bodies.entrySet()) {
            query(
                    "INSERT INTO " + body.getKey().name() + " FORMAT JSONEachRow",
                    body.getValue().toString());
        }
    }

    private void appendJson(StringBuilder out, Row row) {
        out.append('{');
        List<Column> columns = row.table().columns();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('"').append(columns.get(i).name()).append("\":");
            Object value = row.values()[i];
            switch (value) {
                case null -> out.append("null");
                case String text -> string(out, text);
                case Instant instant -> string(out, (millisecondTimestamps ? MILLIS : SECONDS).format(instant));
                case BigDecimal decimal -> out.append(decimal.toPlainString());
                default -> out.append(value);
            }
        }
        out.append("}\n");
    }

    private static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Runs a statement; {@code body} (rows for an INSERT) goes after it. Returns the response body. */
    String query(String statement, String body) throws IOException, InterruptedException {
        // connection.url may carry settings of its own, e.g. http://host:8123/?database=analytics
        String base = settings.url();
        StringBuilder url = new StringBuilder(base)
                .append(base.contains("?") ? "&" : base.endsWith("/") ? "?" : "/?")
                .append("query=")
                .append(URLEncoder.encode(statement, StandardCharsets.UTF_8));
        if (!settings.user().isEmpty()) {
            url.append("&user=").append(URLEncoder.encode(settings.user(), StandardCharsets.UTF_8));
            url.append("&password=").append(URLEncoder.encode(settings.password(), StandardCharsets.UTF_8));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url.toString()))
                .timeout(Duration.ofMillis(settings.timeoutMs()))
                .POST(
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status != 200) {
            String error = response.body().strip();
            throw new ClickHouseException(
                    "ClickHouse answered " + status + " to " + statement + ": "
                            + error.substring(0, Math.min(500, error.length())),
                    status >= 500 || status == 429);
        }
        return response.body();
    }

    @Override
    public boolean isTransient(Exception failure) {
        if (failure instanceof ClickHouseException clickHouse) {
            return clickHouse.transientFailure;
        }
        return failure instanceof HttpTimeoutException || failure instanceof IOException;
    }

    @Override
    public void close() {
        http.close();
    }
}
