package io.callstream.connect.sink;

import static io.callstream.connect.sink.Column.optional;
import static io.callstream.connect.sink.Column.required;
import static io.callstream.connect.sink.ColumnType.BIGINT;
import static io.callstream.connect.sink.ColumnType.DOUBLE;
import static io.callstream.connect.sink.ColumnType.INT;
import static io.callstream.connect.sink.ColumnType.MONEY;
import static io.callstream.connect.sink.ColumnType.TEXT;
import static io.callstream.connect.sink.ColumnType.TIMESTAMP;

import java.util.List;

/**
 * A table the sinks write: its columns, its key, and the {@code version} column that decides which
 * of two rows with the same key is kept (the higher; an equal version replaces, so a re-delivery is
 * harmless). Every table ends with {@code version}. Columns added after a table's first release are
 * optional, so a store created by an earlier release gains them with {@code ALTER TABLE … ADD COLUMN
 * IF NOT EXISTS} ({@link #optionalColumns}) and keeps its rows.
 *
 * @param kind what the table holds, independent of its configured name
 * @param name the table's name in the store
 */
public record Table(Kind kind, String name, List<Column> columns, List<String> key) {

    /** The four kinds of table; their default names are the contract dashboards query. */
    public enum Kind {
        CALLS("calls"),
        CALL_LEGS("call_legs"),
        CALL_KPIS("call_kpis"),
        CALL_ALERTS("call_alerts");

        private final String defaultName;

        Kind(String defaultName) {
            this.defaultName = defaultName;
        }

        public String defaultName() {
            return defaultName;
        }
    }

    public Table {
        columns = List.copyOf(columns);
        key = List.copyOf(key);
        if (!columns.getLast().name().equals("version")) {
            throw new IllegalArgumentException(name + ": the last column must be version");
        }
    }

    /** The table of this kind under {@code name}. */
    public static Table of(Kind kind, String name) {
        return switch (kind) {
            case CALLS ->
                new Table(
                        kind,
                        name,
                        List.of(
                                required("vendor", TEXT),
                                required("call_id", TEXT),
                                required("tenant_id", TEXT),
                                optional("a_number", TEXT),
                                optional("b_number", TEXT),
                                optional("start_time", TIMESTAMP),
                                optional("bridge_time", TIMESTAMP),
                                optional("end_time", TIMESTAMP),
                                required("outcome", TEXT),
                                required("failure_category", TEXT),
                                required("hangup_side", TEXT),
                                required("talk_seconds", INT),
                                required("billed_seconds", INT),
                                optional("amount", MONEY),
                                optional("currency", TEXT),
                                optional("tariff_id", TEXT),
                                optional("vendor_billed_seconds", INT),
                                optional("billing_difference_seconds", INT),
                                optional("vendor_amount", MONEY),
                                optional("max_duration_seconds", INT),
                                optional("vendor_talk_seconds", INT),
                                optional("vendor_leg_a_seconds", INT),
                                optional("vendor_leg_b_seconds", INT),
                                optional("vendor_billed_source", TEXT),
                                optional("talk_difference_seconds", INT),
                                optional("amount_difference", MONEY),
                                optional("difference_class", TEXT),
                                optional("quality_flags", TEXT),
                                required("event_count", INT),
                                required("finalised_at", TIMESTAMP),
                                required("version", BIGINT)),
                        List.of("vendor", "call_id"));
            case CALL_LEGS ->
                new Table(
                        kind,
                        name,
                        List.of(
                                required("vendor", TEXT),
                                required("call_id", TEXT),
                                required("leg", TEXT),
                                required("tenant_id", TEXT),
                                optional("party_number", TEXT),
                                optional("displayed_number", TEXT),
                                optional("dial_time", TIMESTAMP),
                                optional("ring_time", TIMESTAMP),
                                optional("answer_time", TIMESTAMP),
                                optional("end_time", TIMESTAMP),
                                optional("state_code", TEXT),
                                optional("state_text", TEXT),
                                optional("state_source", TEXT),
                                required("failure_category", TEXT),
                                required("talk_seconds", INT),
                                required("version", BIGINT)),
                        List.of("vendor", "call_id", "leg"));
            case CALL_KPIS ->
                new Table(
                        kind,
                        name,
                        List.of(
                                required("tenant_id", TEXT),
                                required("vendor", TEXT),
                                required("window_start", TIMESTAMP),
                                required("window_end", TIMESTAMP),
                                required("attempts", BIGINT),
                                required("answered", BIGINT),
                                required("network_effective", BIGINT),
                                required("asr", DOUBLE),
                                required("ner", DOUBLE),
                                optional("acd_seconds", DOUBLE),
                                optional("avg_post_dial_delay_ms", DOUBLE),
                                required("talk_seconds", BIGINT),
                                required("billed_seconds", BIGINT),
                                required("failures", TEXT),
                                optional("flagged_calls", BIGINT),
                                optional("acd_calls", BIGINT),
                                optional("acd_talk_seconds", BIGINT),
                                optional("post_dial_delay_samples", BIGINT),
                                optional("post_dial_delay_total_ms", BIGINT),
                                optional("expired", BIGINT),
                                optional("no_final_push", BIGINT),
                                optional("short_calls", BIGINT),
                                optional("billed_amount", MONEY),
                                required("emitted_at", TIMESTAMP),
                                required("version", BIGINT)),
                        List.of("tenant_id", "vendor", "window_start"));
            case CALL_ALERTS ->
                new Table(
                        kind,
                        name,
                        List.of(
                                required("alert_id", TEXT),
                                required("state", TEXT),
                                required("tenant_id", TEXT),
                                required("vendor", TEXT),
                                required("event_time", TIMESTAMP),
                                required("window_start", TIMESTAMP),
                                required("window_end", TIMESTAMP),
                                required("attempts", BIGINT),
                                required("failures", BIGINT),
                                required("failure_rate", DOUBLE),
                                optional("baseline_rate", DOUBLE),
                                required("threshold", DOUBLE),
                                required("baseline_factor", DOUBLE),
                                required("top_categories", TEXT),
                                required("message", TEXT),
                                optional("kind", TEXT),
                                optional("expected_attempts", DOUBLE),
                                optional("billed_seconds", BIGINT),
                                optional("amount", MONEY),
                                optional("baseline_amount", MONEY),
                                optional("prefixes", TEXT),
                                optional("example_call_ids", TEXT),
                                required("version", BIGINT)),
                        List.of("alert_id", "state"));
        };
    }

    /** The nullable columns: those a writer adds to a table an earlier release created. */
    public List<Column> optionalColumns() {
        return columns.stream().filter(Column::nullable).toList();
    }

    /** The position of a column. */
    public int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name + " has no column " + column);
    }
}
