package io.callstream.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every store's writer must do, run against the real store by each subclass: tables created
 * idempotently, and rows replaced only by equal or newer versions whatever the delivery order.
 */
public abstract class RowWriterContract {

    protected static final Instant T0 = Instant.parse("2024-05-01T02:00:00.123Z");
    protected final Map<Table.Kind, Table> tables = new SinkSettings(Map.of("connection.url", "unused")).tables();

    /** A writer of a fresh, empty store. */
    protected abstract RowWriter writer() throws Exception;

    /**
     * The rows of a table as {@code key|key…|version|column} lines, sorted; {@code column} is the
     * value of the given extra column (as the store returns it, in text).
     */
    protected abstract List<String> select(String table, String column) throws Exception;

    @Test
    void shouldKeepTheNewestVersionWhateverTheDeliveryOrder() throws Exception {
        try (RowWriter writer = writer()) {
            writer.createTables();
            writer.createTables(); // idempotent

            write(writer, call("c1", 1, 60), call("c2", 1, 30));
            write(writer, call("c1", 1, 60), call("c2", 1, 30)); // re-delivery
            write(writer, call("c1", 3, 180));
            write(writer, call("c1", 2, 120)); // older version arriving late
            write(writer, call("c2", 2, 90), call("c2", 1, 30)); // out of order within one batch

            assertThat(select(tables.get(Table.Kind.CALLS).name(), "talk_seconds"))
                    .containsExactly("ytx|c1|3|180", "ytx|c2|2|90");
            assertThat(select(tables.get(Table.Kind.CALL_LEGS).name(), "talk_seconds"))
                    .containsExactly("ytx|c1|A|3|180", "ytx|c1|B|3|180", "ytx|c2|A|2|90", "ytx|c2|B|2|90");
        }
    }

    /** Runs a statement on the store (names unqualified). */
    protected abstract void execute(String sql) throws Exception;

    /** The columns added to {@code calls} after its first release. */
    static final List<String> ADDED_TO_CALLS = List.of(
            "vendor_talk_seconds",
            "vendor_leg_a_seconds",
            "vendor_leg_b_seconds",
            "vendor_billed_source",
            "talk_difference_seconds",
            "amount_difference",
            "difference_class",
            "quality_flags");

    @Test
    void shouldGiveATableAnEarlierReleaseCreatedTheColumnsAddedSinceAndKeepItsRows() throws Exception {
        try (RowWriter writer = writer()) {
            writer.createTables();
            write(writer, call("old", 1, 60));
        }
        // the table as the earlier release left it: without the columns added since
        for (String view : List.of("billing_differences", "billing_reconciliation")) {
            execute("DROP VIEW IF EXISTS " + view);
        }
        for (String column : ADDED_TO_CALLS) {
            execute("ALTER TABLE calls DROP COLUMN " + column);
        }

        try (RowWriter writer = writer()) {
            writer.createTables();
            write(writer, call("new", 1, 90));
        }

        assertThat(select(tables.get(Table.Kind.CALLS).name(), "talk_seconds"))
                .containsExactly("ytx|new|1|90", "ytx|old|1|60");
        assertThat(select(tables.get(Table.Kind.CALLS).name(), "difference_class"))
                .contains("ytx|new|1|AGREES");
    }

    @Test
    void shouldKeepTheLatestKpiAndEveryAlertTransition() throws Exception {
        try (RowWriter writer = writer()) {
            writer.createTables();

            write(writer, kpi(10, 5), alert("a1", "RAISED", 3));
            write(writer, kpi(12, 9), alert("a1", "CLEARED", 4));
            write(writer, kpi(11, 7)); // an older emission re-delivered

            assertThat(select(tables.get(Table.Kind.CALL_KPIS).name(), "attempts"))
                    .hasSize(1)
                    .allMatch(line -> line.endsWith("|12|9"));
            assertThat(select(tables.get(Table.Kind.CALL_ALERTS).name(), "state"))
                    .containsExactly("a1|CLEARED|4|CLEARED", "a1|RAISED|3|RAISED");
        }
    }

    @Test
    void shouldCreateTheTablesFromTasksStartingTogether() throws Exception {
        List<RowWriter> writers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            writers.add(writer());
            writers.getLast().write(List.of()); // connected, so they race on the DDL itself
        }
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(writers.size());
        try {
            List<java.util.concurrent.CompletableFuture<Void>> creating = writers.stream()
                    .map(writer -> java.util.concurrent.CompletableFuture.runAsync(() -> {
                        try {
                            start.await();
                            writer.createTables();
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    }))
                    .toList();
            for (var created : creating) {
                created.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            write(writers.get(2), call("c1", 1, 60));
            assertThat(select(tables.get(Table.Kind.CALLS).name(), "talk_seconds"))
                    .containsExactly("ytx|c1|1|60");
        } finally {
            writers.forEach(RowWriter::close);
        }
    }

    private static void write(RowWriter writer, List<?>... batches) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (List<?> batch : batches) {
            batch.forEach(row -> rows.add((Row) row));
        }
        writer.write(Batches.latest(rows));
    }

    protected List<Row> call(String callId, long version, int talk) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(tables.get(Table.Kind.CALLS), new Object[] {
            "ytx",
            callId,
            "t-1",
            "18610559223",
            "01053189990",
            T0,
            T0.plusSeconds(9),
            T0.plusSeconds(9 + talk),
            "CONNECTED",
            "NONE",
            "A",
            talk,
            ((talk + 59) / 60) * 60,
            new BigDecimal("0.120000"),
            "CNY",
            null,
            talk,
            0,
            null,
            null,
            talk,
            null,
            talk,
            "derived",
            0,
            null,
            "AGREES",
            "",
            4,
            T0.plusSeconds(10 + talk),
            version
        }));
        for (String leg : List.of("A", "B")) {
            rows.add(new Row(tables.get(Table.Kind.CALL_LEGS), new Object[] {
                "ytx",
                callId,
                leg,
                "t-1",
                "18610559223",
                null,
                T0,
                T0.plusSeconds(3),
                T0.plusSeconds(9),
                T0.plusSeconds(9 + talk),
                null,
                "应答|正常",
                "stateDesc",
                "NONE",
                talk,
                version
            }));
        }
        return rows;
    }

    protected List<Row> kpi(long offset, long attempts) {
        return List.of(new Row(tables.get(Table.Kind.CALL_KPIS), new Object[] {
            "t-1",
            "ytx",
            T0,
            T0.plusSeconds(60),
            attempts,
            1L,
            1L,
            0.5,
            0.5,
            30.0,
            null,
            30L,
            60L,
            "{\"BUSY\":1}",
            0L,
            1L,
            30L,
            1L,
            2_000L,
            3L,
            4L,
            2L,
            new java.math.BigDecimal("1.250000"),
            T0,
            offset
        }));
    }

    protected List<Row> alert(String id, String state, long offset) {
        return List.of(new Row(tables.get(Table.Kind.CALL_ALERTS), new Object[] {
            id,
            state,
            "t-1",
            "ytx",
            T0,
            T0.minusSeconds(300),
            T0,
            40L,
            20L,
            0.5,
            0.05,
            0.3,
            2.0,
            "{\"NETWORK_ERROR\":20}",
            "a \"quoted\" message",
            "FAILURE_RATE",
            null,
            null,
            null,
            null,
            "00882,00537",
            "c-1,c-2",
            offset
        }));
    }
}
