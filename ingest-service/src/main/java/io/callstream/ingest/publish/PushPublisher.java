package io.callstream.ingest.publish;

import io.callstream.ingest.config.IngestConfig;
import io.callstream.registry.client.RegistryException;
import io.callstream.schema.CallEvent;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.Topics;
import io.callstream.schema.WebhookEnvelope;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Writes pushes to Kafka and waits until Kafka has them: the raw envelope on {@code webhooks-raw}
 * first, then the events on {@code call-events} keyed by call; or a rejected push on {@code
 * dead-letters}. Returns only when every record is acknowledged, else throws {@link
 * PublishException} within the publish timeout, or {@link RejectedException} when a record cannot be
 * written at all.
 */
@Singleton
public final class PushPublisher {

    private final KafkaProducer<String, Object> producer;
    private final Duration timeout;

    PushPublisher(KafkaProducer<String, Object> producer, IngestConfig config) {
        this.producer = producer;
        this.timeout = config.publishTimeout();
    }

    public void publish(WebhookEnvelope envelope, List<CallEvent> events) throws PublishException, RejectedException {
        List<ProducerRecord<String, Object>> records = new ArrayList<>();
        records.add(new ProducerRecord<>(Topics.WEBHOOKS_RAW, envelope.getEnvelopeId(), envelope));
        for (CallEvent event : events) {
            records.add(new ProducerRecord<>(
                    Topics.CALL_EVENTS, Topics.callKey(event.getVendor(), event.getCallId()), event));
        }
        sendAndAwait(records);
    }

    public void deadLetter(DeadLetter deadLetter) throws PublishException {
        try {
            sendAndAwait(List.of(new ProducerRecord<>(Topics.DEAD_LETTERS, deadLetter.getDeadLetterId(), deadLetter)));
        } catch (RejectedException e) {
            throw new PublishException("the dead letter itself cannot be written: " + e.getMessage(), e);
        }
    }

    private void sendAndAwait(List<ProducerRecord<String, Object>> records) throws PublishException, RejectedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<String, Object> record : records) {
                acks.add(producer.send(record));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (SerializationException e) {
            if (RegistryException.isTransient(e)) {
                throw new PublishException("the schema registry is unavailable: " + e.getMessage(), e);
            }
            throw new RejectedException("the push does not fit the contract: " + e.getMessage(), e);
        } catch (RecordTooLargeException e) {
            throw new RejectedException("the push is too large for Kafka: " + e.getMessage(), e);
        } catch (KafkaException e) {
            throw new PublishException("Kafka refused the push: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RecordTooLargeException) {
                throw new RejectedException(
                        "the push is too large for Kafka: " + e.getCause().getMessage(), e);
            }
            throw new PublishException("Kafka did not store the push: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("Kafka did not acknowledge the push within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing", e);
        }
    }

    /** The push's records cannot be written whatever the retries (they do not fit the contract). */
    public static final class RejectedException extends Exception {
        private static final long serialVersionUID = 1L;

        RejectedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Kafka (or the schema registry) did not take a push in time. */
    public static final class PublishException extends Exception {
        private static final long serialVersionUID = 1L;

        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
