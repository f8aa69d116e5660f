package io.callstream.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.Test;

/** Buffering, retries and error reporting of the shared task, over a recording writer. */
class CallstreamSinkTaskTest {

    /** Records what it is asked to write; throws the queued failures first. */
    static final class RecordingWriter implements RowWriter {
        final List<List<Row>> batches = new ArrayList<>();
        final Deque<Exception> failures = new ArrayDeque<>();

        @Override
        public void createTables() {}

        /** A value the store refuses whenever a batch contains it (as PostgreSQL refuses a NUL character). */
        Long refusedAttempts;

        @Override
        public void write(List<Row> rows) throws Exception {
            if (!failures.isEmpty()) {
                throw failures.pop();
            }
            if (rows.stream().anyMatch(row -> refusedAttempts != null && refusedAttempts.equals(row.get("attempts")))) {
                throw new IllegalArgumentException("invalid byte sequence for encoding \"UTF8\": 0x00");
            }
            batches.add(rows);
        }

        @Override
        public boolean isTransient(Exception failure) {
            return failure instanceof IOException;
        }

        @Override
        public void close() {}
    }

    final RecordingWriter writer = new RecordingWriter();
    final List<SinkRecord> reported = new ArrayList<>();
    final List<Long> timeouts = new ArrayList<>();

    CallstreamSinkTask task(boolean withReporter, String batchSize) {
        CallstreamSinkTask task = new CallstreamSinkTask() {
            @Override
            protected RowWriter writer(SinkSettings settings) {
                return writer;
            }
        };
        task.initialize(context(withReporter));
        task.start(Map.of("connection.url", "test", "batch.size", batchSize, "max.retries", "2"));
        return task;
    }

    @Test
    void shouldBufferUntilTheCommitAndWriteTheNewestVersionOfEachKeyOnce() {
        CallstreamSinkTask task = task(false, "100");

        task.put(List.of(kpi(1, 10), kpi(2, 20), kpi(3, 30)));
        assertThat(writer.batches).isEmpty();
        task.preCommit(Map.of());

        assertThat(writer.batches).hasSize(1);
        assertThat(writer.batches.getFirst())
                .singleElement()
                .satisfies(row -> assertThat(row.version()).isEqualTo(3));
        task.preCommit(Map.of());
        assertThat(writer.batches).hasSize(1);
    }

    @Test
    void shouldWriteWhenTheBatchIsFullWithoutWaitingForTheCommit() {
        CallstreamSinkTask task = task(false, "2");

        task.put(List.of(kpi(1, 10), kpi(2, 20)));

        assertThat(writer.batches).hasSize(1);
    }

    @Test
    void shouldCommitOnlyOffsetsWhoseRowsAreStored() {
        CallstreamSinkTask task = task(false, "100");
        task.put(List.of(kpi(1, 10)));
        writer.failures.add(new IOException("connection reset"));

        assertThat(task.preCommit(Map.of())).as("nothing stored yet").isEmpty();
        task.put(List.of(kpi(2, 20))); // retries the write first
        assertThat(task.preCommit(Map.of()))
                .containsEntry(new TopicPartition("call-kpis", 0), new OffsetAndMetadata(3));
    }

    @Test
    void shouldRetryTransientFailuresFromPutThenFailTheTask() {
        CallstreamSinkTask task = task(false, "100");
        task.put(List.of(kpi(1, 10)));
        for (int i = 0; i < 4; i++) {
            writer.failures.add(new IOException("down"));
        }
        assertThat(task.preCommit(Map.of())).isEmpty(); // failure 1, kept for put

        assertThatThrownBy(() -> task.put(List.of())).isInstanceOf(RetriableException.class);
        assertThat(timeouts).containsExactly(1000L);
        assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("after 2 retries");
    }

    @Test
    void shouldFailAtOnceOnAPermanentFailure() {
        CallstreamSinkTask task = task(false, "2");
        writer.failures.add(new IllegalStateException("syntax error"));

        assertThatThrownBy(() -> task.put(List.of(kpi(1, 10), kpi(2, 20))))
                .isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("syntax error");
    }

    @Test
    void shouldReportUnmappableRecordsToTheDeadLetterQueueOrFailWithoutOne() {
        SinkRecord unknown = new SinkRecord("calls", 0, null, "k", Schema.STRING_SCHEMA, "text", 5);

        task(true, "100").put(List.of(unknown, kpi(6, 1)));
        assertThat(reported).containsExactly(unknown);

        assertThatThrownBy(() -> task(false, "100").put(List.of(unknown)))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("calls-0@5")
                .hasMessageContaining("no dead-letter queue");
    }

    @Test
    void shouldDeadLetterOnlyTheRecordTheStoreRefusesAndWriteTheOthers() {
        CallstreamSinkTask task = task(true, "100");
        writer.refusedAttempts = 13L;
        List<SinkRecord> records = new ArrayList<>();
        for (int minute = 0; minute < 7; minute++) {
            records.add(kpi(minute, minute == 4 ? 13 : minute + 1, minute));
        }

        task.put(records);
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of());

        assertThat(reported).containsExactly(records.get(4));
        assertThat(writer.batches.stream().flatMap(List::stream).map(row -> row.get("attempts")))
                .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 6L, 7L);
        assertThat(committed).containsEntry(new TopicPartition("call-kpis", 0), new OffsetAndMetadata(7));
    }

    @Test
    void shouldFailOnARefusedRecordWithoutADeadLetterQueue() {
        CallstreamSinkTask task = task(false, "2");
        writer.refusedAttempts = 13L;

        assertThatThrownBy(() -> task.put(List.of(kpi(1, 13, 0), kpi(2, 1, 1))))
                .isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("0x00");
    }

    static final Schema CATEGORY = SchemaBuilder.struct()
            .field("category", Schema.STRING_SCHEMA)
            .field("count", Schema.INT64_SCHEMA)
            .build();
    static final Schema KPI = SchemaBuilder.struct()
            .name("io.callstream.schema.CallKpi")
            .field("tenantId", Schema.STRING_SCHEMA)
            .field("vendor", Schema.STRING_SCHEMA)
            .field("windowStart", org.apache.kafka.connect.data.Timestamp.SCHEMA)
            .field("windowEnd", org.apache.kafka.connect.data.Timestamp.SCHEMA)
            .field("attempts", Schema.INT64_SCHEMA)
            .field("answered", Schema.INT64_SCHEMA)
            .field("networkEffective", Schema.INT64_SCHEMA)
            .field("asr", Schema.FLOAT64_SCHEMA)
            .field("ner", Schema.FLOAT64_SCHEMA)
            .field("acdSeconds", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("avgPostDialDelayMillis", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("talkSeconds", Schema.INT64_SCHEMA)
            .field("billedSeconds", Schema.INT64_SCHEMA)
            .field("failures", SchemaBuilder.array(CATEGORY).build())
            .field("emittedAt", org.apache.kafka.connect.data.Timestamp.SCHEMA)
            .build();

    /** One KPI emission of the same window at {@code offset}. */
    static SinkRecord kpi(long offset, long attempts) {
        return kpi(offset, attempts, 0);
    }

    /** One KPI emission of the window {@code minutes} after a fixed minute, at {@code offset}. */
    static SinkRecord kpi(long offset, long attempts, int minutes) {
        java.util.Date minute = new java.util.Date(1_714_528_800_000L + minutes * 60_000L);
        Struct kpi = new Struct(KPI)
                .put("tenantId", "t-1")
                .put("vendor", "ytx")
                .put("windowStart", minute)
                .put("windowEnd", minute)
                .put("attempts", attempts)
                .put("answered", 0L)
                .put("networkEffective", 0L)
                .put("asr", 0.0)
                .put("ner", 0.0)
                .put("talkSeconds", 0L)
                .put("billedSeconds", 0L)
                .put("failures", List.of())
                .put("emittedAt", minute);
        return new SinkRecord("call-kpis", 0, null, "k", KPI, kpi, offset);
    }

    private SinkTaskContext context(boolean withReporter) {
        return new SinkTaskContext() {
            @Override
            public Map<String, String> configs() {
                return Map.of();
            }

            @Override
            public void offset(Map<TopicPartition, Long> offsets) {}

            @Override
            public void offset(TopicPartition partition, long offset) {}

            @Override
            public void timeout(long millis) {
                timeouts.add(millis);
            }

            @Override
            public Set<TopicPartition> assignment() {
                return Set.of();
            }

            @Override
            public void pause(TopicPartition... partitions) {}

            @Override
            public void resume(TopicPartition... partitions) {}

            @Override
            public void requestCommit() {}

            @Override
            public ErrantRecordReporter errantRecordReporter() {
                return withReporter ? CallstreamSinkTaskTest.this::report : null;
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return null;
            }
        };
    }

    private Future<Void> report(SinkRecord record, Throwable error) {
        reported.add(record);
        return CompletableFuture.completedFuture(null);
    }
}
