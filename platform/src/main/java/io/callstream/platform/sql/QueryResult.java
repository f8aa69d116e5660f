package io.callstream.platform.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The rows a query answered, in the shapes a user asks for: an aligned text table, CSV (RFC 4180)
 * or JSON (an array of objects, one per row); and the wire form the platform's {@code /api/sql}
 * answers ({@code {"columns":[…],"rows":[[…],…]}}).
 */
public record QueryResult(List<String> columns, List<List<Object>> rows) {

    /** Amounts keep their scale (1.500000 stays 1.500000). */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    public QueryResult {
        columns = List.copyOf(columns);
        rows = rows.stream()
                .map(row -> java.util.Collections.unmodifiableList(new ArrayList<>(row)))
                .toList();
    }

    /** The output formats of {@code ./callstream sql} and the reports. */
    public enum Format {
        TABLE,
        CSV,
        JSON
    }

    public String format(Format format) {
        return switch (format) {
            case TABLE -> table();
            case CSV -> csv();
            case JSON -> json();
        };
    }

    /** Columns padded to their widest value, numbers right-aligned; "(n rows)" last. */
    public String table() {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).length();
            for (List<Object> row : rows) {
                widths[i] = Math.max(widths[i], text(row.get(i)).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            int column = i;
            boolean numeric = rows.stream().anyMatch(row -> row.get(column) instanceof Number);
            out.append(i == 0 ? "" : "  ").append(pad(columns.get(i), widths[i], numeric));
        }
        out.append('\n');
        for (int i = 0; i < columns.size(); i++) {
            out.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
        }
        out.append('\n');
        for (List<Object> row : rows) {
            for (int i = 0; i < columns.size(); i++) {
                Object value = row.get(i);
                out.append(i == 0 ? "" : "  ").append(pad(text(value), widths[i], value instanceof Number));
            }
            out.append('\n');
        }
        out.append('(')
                .append(rows.size())
                .append(rows.size() == 1 ? " row)" : " rows)")
                .append('\n');
        return out.toString();
    }

    public String csv() {
        StringBuilder out = new StringBuilder();
        out.append(columns.stream().map(QueryResult::csvField).collect(Collectors.joining(",")))
                .append("\r\n");
        for (List<Object> row : rows) {
            out.append(row.stream()
                            .map(value -> value == null ? "" : csvField(text(value)))
                            .collect(Collectors.joining(",")))
                    .append("\r\n");
        }
        return out.toString();
    }

    public String json() {
        ArrayNode array = JSON.createArrayNode();
        for (List<Object> row : rows) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                object.put(columns.get(i), row.get(i));
            }
            array.add(JSON.valueToTree(object));
        }
        return array.toPrettyString() + "\n";
    }

    /** The wire form of {@code /api/sql}. */
    public String toWire() {
        ObjectNode wire = JSON.createObjectNode();
        wire.set("columns", JSON.valueToTree(columns));
        wire.set("rows", JSON.valueToTree(rows));
        try {
            return JSON.writeValueAsString(wire);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the wire form back (numbers as numbers, decimals exact). */
    public static QueryResult fromWire(String text) {
        try {
            JsonNode wire = JSON.readerFor(JsonNode.class)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .readValue(text);
            List<String> columns = new ArrayList<>();
            wire.get("columns").forEach(column -> columns.add(column.asText()));
            List<List<Object>> rows = new ArrayList<>();
            for (JsonNode row : wire.get("rows")) {
                List<Object> values = new ArrayList<>();
                for (JsonNode value : row) {
                    values.add(
                            value.isNull()
                                    ? null
                                    : value.isIntegralNumber()
                                            ? (Object) value.longValue()
                                            : value.isNumber()
                                                    ? (Object) value.decimalValue()
                                                    : value.isBoolean()
                                                            ? (Object) value.booleanValue()
                                                            : value.asText());
                }
                rows.add(values);
            }
            return new QueryResult(columns, rows);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an /api/sql answer: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double number) {
            // ratios and averages: four decimals are plenty to read (CSV and JSON keep every digit)
            return new BigDecimal(number)
                    .setScale(4, java.math.RoundingMode.HALF_EVEN)
                    .toPlainString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        return value.toString();
    }

    private static String pad(String text, int width, boolean right) {
        String padding = " ".repeat(Math.max(0, width - text.length()));
        return right ? padding + text : text + padding;
    }

    private static String csvField(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
