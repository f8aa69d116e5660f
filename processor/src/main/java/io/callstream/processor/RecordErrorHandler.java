package io.callstream.processor;

import io.callstream.registry.client.RegistryException;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backstop behind the join's own per-record guard, for every node of the topology: a record
 * that fails to deserialize, process or serialize is sent to {@code dead-letters} (a {@link
 * DeadLetter} with the source record's bytes, coordinates and the reason) and processing goes on.
 * A transient failure (the schema registry unavailable) fails the task instead, so the record is
 * retried from the last commit rather than set aside; so does any other failure to send.
 */
public final class RecordErrorHandler
        implements ProcessingExceptionHandler, ProductionExceptionHandler, DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(RecordErrorHandler.class);

    private final KafkaAvroSerializer serializer = new KafkaAvroSerializer();

    @Override
    public void configure(Map<String, ?> configs) {
        serializer.configure(configs, false);
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (RegistryException.isTransient(exception)) {
            return ProcessingExceptionHandler.Response.fail();
        }
        return ProcessingExceptionHandler.Response.resume(deadLetter(context, "processing failed", exception));
    }

    @Override
    @SuppressWarnings("rawtypes") // the interface's own signature
    public ProductionExceptionHandler.Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        if (RegistryException.isTransient(exception)) {
            return ProductionExceptionHandler.Response.fail();
        }
        return ProductionExceptionHandler.Response.resume(
                deadLetter(context, "output to " + record.topic() + " could not be serialized", exception));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            return ProductionExceptionHandler.Response.resume(
                    deadLetter(context, "output to " + record.topic() + " is too large", exception));
        }
        return ProductionExceptionHandler.Response.fail();
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (RegistryException.isTransient(exception)) {
            return DeserializationExceptionHandler.Response.fail();
        }
        return DeserializationExceptionHandler.Response.resume(
                deadLetter(context, "record of " + record.topic() + " could not be deserialized", exception));
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(
            ErrorHandlerContext context, String what, Exception exception) {
        log.warn(
                "Dead-lettered {}-{}@{} at {}: {}: {}",
                context.topic(),
                context.partition(),
                context.offset(),
                context.processorNodeId(),
                what,
                exception.toString());
        DeadLetter letter = DeadLetter.newBuilder()
                .setDeadLetterId(UUID.randomUUID().toString())
                .setComponent("processor")
                .setError(what + " at " + context.processorNodeId() + ": " + exception)
                .setErrorClass(exception.getClass().getName())
                .setFailedAt(Instant.now())
                .setSourceTopic(context.topic())
                .setSourcePartition(context.partition())
                .setSourceOffset(context.offset())
                .setHeaders(headers(context.headers()))
                .setOriginalKey(wrap(context.sourceRawKey()))
                .setOriginalBytes(wrap(context.sourceRawValue()))
                .build();
        byte[] key = letter.getDeadLetterId().getBytes(StandardCharsets.UTF_8);
        return List.of(
                new ProducerRecord<>(Topics.DEAD_LETTERS, key, serializer.serialize(Topics.DEAD_LETTERS, letter)));
    }

    private static Map<String, String> headers(Headers headers) {
        Map<String, String> copy = new TreeMap<>();
        if (headers != null) {
            for (Header header : headers) {
                copy.put(
                        header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return copy;
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }
}
