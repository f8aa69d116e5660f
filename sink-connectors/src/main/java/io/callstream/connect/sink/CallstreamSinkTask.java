package io.callstream.connect.sink;

import java.util.ArrayList;
import java.util.Collection;
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
 * when {@code batch.size} rows are waiting; {@code flush} (before offsets are committed) writes the
 * rest, so an offset is only committed once its rows are stored. A record that cannot be mapped goes
 * to the errant record reporter (Connect's dead-letter queue, {@code errors.tolerance=all}) with the
 * reason, or fails the task when none is configured. A transient write failure is retried: the task
 * throws {@link RetriableException} after asking Connect to wait {@code retry.backoff.ms}, up to
 * {@code max.retries} times in a row. Rows are idempotent (see {@link RowWriter}), so a re-delivery
 * after a failure or a restart writes nothing twice.
 */
public abstract class CallstreamSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(CallstreamSinkTask.class);

    private SinkSettings settings;
    private RowMapper mapper;
    private RowWriter writer;
    private ErrantRecordReporter reporter;
    private final List<Row> buffer = new ArrayList<>();
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
                buffer.addAll(mapper.rows(record));
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
        }
        if (buffer.size() >= settings.batchSize()) {
            writeBuffer();
        }
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> offsets) {
        writeBuffer();
    }

    private void writeBuffer() {
        if (buffer.isEmpty()) {
            return;
        }
        List<Row> rows = Batches.latest(buffer);
        try {
            writer.write(rows);
            buffer.clear();
            failures = 0;
        } catch (Exception e) {
            if (!writer.isTransient(e) || failures >= settings.maxRetries()) {
                throw new ConnectException(
                        "Cannot write " + rows.size() + " rows to " + settings.url() + " (after " + failures
                                + " retries): " + e.getMessage(),
                        e);
            }
            failures++;
            log.warn(
                    "Writing {} rows failed ({}), retry {} of {} in {} ms",
                    rows.size(),
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
