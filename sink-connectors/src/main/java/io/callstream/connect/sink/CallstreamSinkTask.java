package io.callstream.connect.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every callstream sink task does: {@code put} maps records to rows and buffers them, writing
 * when {@code batch.size} rows are waiting; {@code preCommit} (before offsets are committed) writes
 * the rest and hands Connect only offsets whose rows are stored. A record that cannot be mapped goes
 * to the errant record reporter (Connect's dead-letter queue, {@code errors.tolerance=all}) with the
 * reason, or fails the task when none is configured. A transient write failure is retried from
 * {@code put}: the task throws {@link RetriableException} after asking Connect to wait {@code
 * retry.backoff.ms}, up to {@code max.retries} times in a row, then fails; a permanent one fails the
 * task at once unless a dead-letter queue is configured: then the record the store refuses is found
 * by halving the batch and dead-lettered with the reason, and the task goes on. Rows are idempotent (see {@link RowWriter}), so a re-delivery
 * after a failure or a restart writes nothing twice.
 */
public abstract class CallstreamSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(CallstreamSinkTask.class);

    private SinkSettings settings;
    private RowMapper mapper;
    private RowWriter writer;
    private ErrantRecordReporter reporter;
    /** The records put and not yet written, each with its rows (a call has a row per leg too). */
    private final List<Buffered> buffer = new ArrayList<>();

    private int bufferedRows;
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> written = new HashMap<>();
    private int failures;

    /** The writer of this task's store. */
    protected abstract RowWriter writer(SinkSettings settings);

    @Override
    public String version() {
        return CallstreamSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> properties) {
        settings = new SinkSettings(properties);
        mapper = new RowMapper(settings.tables());
        writer = writer(settings);
        reporter = reporter();
        try {
            writer.createTables();
        } catch (Exception e) {
            writer.close();
            throw new ConnectException("Cannot create the tables at " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    private ErrantRecordReporter reporter() {
        try {
            return context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null; // a worker older than Kafka 2.6
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            try {
                List<Row> rows = mapper.rows(record);
                buffer.add(new Buffered(record, rows));
                bufferedRows += rows.size();
            } catch (DataException e) {
                if (reporter == null) {
                    throw new ConnectException(
                            "Cannot map " + coordinates(record) + " (no dead-letter queue configured): "
                                    + e.getMessage(),
                            e);
                }
                log.warn("Sent {} to the dead-letter queue: {}", coordinates(record), e.getMessage());
                reporter.report(record, e);
            }
            pending.merge(
                    new TopicPartition(record.topic(), record.kafkaPartition()),
                    new OffsetAndMetadata(record.kafkaOffset() + 1),
                    (a, b) -> b.offset() > a.offset() ? b : a);
        }
        if (failures > 0 || bufferedRows >= settings.batchSize()) {
            writeOrThrow();
        }
    }

    /**
     * Writes what is buffered and lets Connect commit only offsets whose rows are stored. A failure
     * here is not thrown (Connect would only log it and rewind): it is kept, and the next {@code put}
     * retries the write, where Connect honours {@link RetriableException} and its backoff, and a
     * permanent failure fails the task.
     */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> current) {
        try {
            write();
        } catch (Exception e) {
            failures++;
            log.warn("Writing {} buffered rows failed ({}); the next put retries", bufferedRows, e.getMessage());
        }
        return Map.copyOf(written);
    }

    private void writeOrThrow() {
        try {
            write();
        } catch (Exception e) {
            if (!writer.isTransient(e) || failures >= settings.maxRetries()) {
                throw new ConnectException(
                        "Cannot write " + bufferedRows + " rows to " + settings.url() + " (after " + failures
                                + " retries): " + e.getMessage(),
                        e);
            }
            failures++;
            log.warn(
                    "Writing {} rows failed ({}), retry {} of {} in {} ms",
                    bufferedRows,
                    e.getMessage(),
                    failures,
                    settings.maxRetries(),
                    settings.retryBackoffMs());
            if (context != null) {
                context.timeout(settings.retryBackoffMs());
            }
            throw new RetriableException("Writing rows failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the buffer; afterwards every record put so far is stored (or dead-lettered) and its
     * offset may be committed.
     */
    private void write() throws Exception {
        if (!buffer.isEmpty()) {
            writeIsolating(buffer);
            buffer.clear();
            bufferedRows = 0;
        }
        failures = 0;
        written.putAll(pending);
    }

    /**
     * Writes the records' rows. A permanent failure (a value the store refuses) is narrowed down by
     * halving the batch until the record that causes it is alone; that record goes to the
     * dead-letter queue with the store's reason and the others are written. Transient failures, and
     * permanent ones without a dead-letter queue, are thrown. Rows are idempotent, so writing a half
     * again is harmless.
     */
    private void writeIsolating(List<Buffered> records) throws Exception {
        try {
            writer.write(Batches.latest(
                    records.stream().flatMap(entry -> entry.rows().stream()).toList()));
        } catch (Exception e) {
            if (writer.isTransient(e) || reporter == null) {
                throw e;
            }
            if (records.size() == 1) {
                SinkRecord record = records.getFirst().record();
                log.warn(
                        "Sent {} to the dead-letter queue: the store refused it: {}",
                        coordinates(record),
                        e.getMessage());
                reporter.report(record, e);
                return;
            }
            int half = records.size() / 2;
            writeIsolating(records.subList(0, half));
            writeIsolating(records.subList(half, records.size()));
        }
    }

    private record Buffered(SinkRecord record, List<Row> rows) {}

    @Override
    public void open(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> written.remove(partition));
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        // Rows of revoked partitions may stay buffered and be written later: rows are idempotent,
        // and the new owner re-reads those partitions from their committed offsets anyway.
        partitions.forEach(partition -> {
            pending.remove(partition);
            written.remove(partition);
        });
    }

    @Override
    public void stop() {
        if (writer != null) {
            writer.close();
        }
    }

    private static String coordinates(SinkRecord record) {
        return record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }
}
