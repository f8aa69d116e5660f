package io.callstream.ingest.publish;

import io.callstream.ingest.config.IngestConfig;
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

/**
 * Writes pushes to Kafka and waits until Kafka has them: the raw envelope on {@code webhooks-raw}
 * first, then the events on {@code call-events} keyed by call; or a rejected push on {@code
 * dead-letters}. Returns only when every record is acknowledged, else throws {@link
 * PublishException} within the publish timeout.
 */
@Singleton
public final class PushPublisher {

    private final KafkaProducer<String, Object> producer;
    private final Duration timeout;

    PushPublisher(KafkaProducer<String, Object> producer, IngestConfig config) {
        this.producer = producer;
        this.timeout = config.publishTimeout();
    }

    public void publish(WebhookEnvelope envelope, List<CallEvent> events) throws PublishException {
        List<ProducerRecord<String, Object>> records = new ArrayList<>();
        records.add(new ProducerRecord<>(Topics.WEBHOOKS_RAW, envelope.getEnvelopeId(), envelope));
        for (CallEvent event : events) {
            records.add(new ProducerRecord<>(
                    Topics.CALL_EVENTS, Topics.callKey(event.getVendor(), event.getCallId()), event));
        }
        sendAndAwait(records);
    }

    public void deadLetter(DeadLetter deadLetter) throws PublishException {
        sendAndAwait(List.of(new ProducerRecord<>(Topics.DEAD_LETTERS, deadLetter.getDeadLetterId(), deadLetter)));
    }

    private void sendAndAwait(List<ProducerRecord<String, Object>> records) throws PublishException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<String, Object> record : records) {
                acks.add(producer.send(record));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (KafkaException e) {
            throw new PublishException("Kafka refused the push: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new PublishException("Kafka did not store the push: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("Kafka did not acknowledge the push within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing", e);
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
