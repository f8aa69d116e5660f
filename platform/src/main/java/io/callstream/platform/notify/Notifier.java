package io.callstream.platform.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.schema.CallAlert;
import io.callstream.schema.Topics;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Delivers alert transitions from {@code call-alerts} (read committed) to the configured receivers.
 *
 * <p>Each receiver has its own consumer group ({@code callstream-notify-<name>}) and thread, so a
 * receiver that is down falls behind alone and does not hold up the others. A transition is retried
 * with a backoff doubling from 1 s to 1 minute until the receiver takes it (HTTP 2xx and, for the
 * group robots, their {@code errcode}/{@code code} 0); only then is its offset committed. Across
 * restarts each transition is therefore delivered to each receiver once, except when the notifier
 * dies between a delivery and its commit: the transition is then delivered again with the same
 * {@code Idempotency-Key} ({@code <alertId>:<state>}), by which a receiver can drop it.
 */
public final class Notifier implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final NotifyConfig config;
    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final Consumer<String> log;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final List<KafkaConsumer<String, Object>> consumers = new ArrayList<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();

    private Notifier(
            NotifyConfig config, String bootstrapServers, String schemaRegistryUrl, Consumer<String> log, Clock clock) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.schemaRegistryUrl = schemaRegistryUrl;
        this.log = log;
        this.clock = clock;
    }

    /** Starts one delivery thread per receiver. */
    public static Notifier start(
            NotifyConfig config, String bootstrapServers, String schemaRegistryUrl, Consumer<String> log) {
        Notifier notifier = new Notifier(config, bootstrapServers, schemaRegistryUrl, log, Clock.systemUTC());
        for (Receiver receiver : config.receivers()) {
            KafkaConsumer<String, Object> consumer = notifier.consumer(receiver);
            notifier.consumers.add(consumer);
            notifier.threads.add(Thread.ofPlatform()
                    .name("notify-" + receiver.name())
                    .daemon()
                    .start(() -> notifier.run(receiver, consumer)));
        }
        log.accept("Notifying " + config.receivers().size() + " receiver(s) of alert transitions: "
                + config.receivers().stream()
                        .map(receiver -> receiver.name() + " ("
                                + receiver.format().name().toLowerCase() + ")")
                        .toList());
        return notifier;
    }

    /** Transitions delivered so far (all receivers). */
    public long delivered() {
        return delivered.get();
    }

    /** Delivery attempts refused or failed so far (each retried). */
    public long failedAttempts() {
        return failedAttempts.get();
    }

    private KafkaConsumer<String, Object> consumer(Receiver receiver) {
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(Map.of("schema.registry.url", schemaRegistryUrl, "specific.avro.reader", true), false);
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "callstream-notify-" + receiver.name(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        50,
                        // a receiver down for long holds a record between polls: stay in the group
                        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                        Integer.MAX_VALUE),
                new StringDeserializer(),
                values);
    }

    private void run(Receiver receiver, KafkaConsumer<String, Object> consumer) {
        try {
            consumer.subscribe(List.of(Topics.CALL_ALERTS));
            while (!stopping.get()) {
                for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() instanceof CallAlert alert
                            && receiver.wants(alert)
                            && !alert.getEventTime().isBefore(clock.instant().minus(config.maxAge()))) {
                        if (!deliver(receiver, alert)) {
                            return; // stopping
                        }
                    }
                    commit(consumer, record);
                }
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (RuntimeException e) {
            log.accept("Notifier for " + receiver.name() + " stopped: " + e);
        } finally {
            // an interrupt that ended a backoff or a delivery must not also break the consumer's close
            boolean interrupted = Thread.interrupted();
            consumer.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Commits past a record. A delivery that finished while the notifier closes is committed all
     * the same (the close's wakeup or interrupt would break the commit, and the transition would be
     * delivered again after a restart), then the close goes on.
     */
    private static void commit(KafkaConsumer<String, Object> consumer, ConsumerRecord<String, Object> record) {
        Map<TopicPartition, OffsetAndMetadata> next = Map.of(
                new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        try {
            consumer.commitSync(next);
        } catch (WakeupException | InterruptException e) {
            boolean interrupted = Thread.interrupted(); // (an InterruptException sets the flag again)
            try {
                consumer.commitSync(next, Duration.ofSeconds(5));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
    }

    /** Delivers until the receiver takes it; false when the notifier stops first. */
    private boolean deliver(Receiver receiver, CallAlert alert) {
        Duration backoff = Duration.ofSeconds(1);
        while (!stopping.get()) {
            Deliveries delivery = Deliveries.of(receiver, alert, config.dashboardUrl(), clock.instant());
            String refusal;
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(delivery.url())
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json; charset=utf-8")
                                .header("Idempotency-Key", delivery.idempotencyKey())
                                .POST(HttpRequest.BodyPublishers.ofString(delivery.body()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                refusal = refusal(receiver, response);
            } catch (IOException e) {
                refusal = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (refusal == null) {
                delivered.incrementAndGet();
                log.accept("Notified " + receiver.name() + " of " + alert.getKind() + " " + alert.getState() + " "
                        + alert.getTenantId() + "/" + alert.getVendor());
                return true;
            }
            failedAttempts.incrementAndGet();
            log.accept("Notifying " + receiver.name() + " of " + delivery.idempotencyKey() + " failed (" + refusal
                    + "); retrying in " + backoff.toSeconds() + " s");
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        return false;
    }

    /** Why the receiver did not take it, or null when it did. */
    static String refusal(Receiver receiver, HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            return "HTTP " + response.statusCode();
        }
        if (receiver.format() == Receiver.Format.DINGTALK
                || receiver.format() == Receiver.Format.WECOM
                || receiver.format() == Receiver.Format.FEISHU) {
            // the robots answer 200 with an error code in the body
            try {
                JsonNode body = JSON.readTree(response.body());
                JsonNode code = body.has("errcode") ? body.get("errcode") : body.get("code");
                if (code == null && body.has("StatusCode")) {
                    code = body.get("StatusCode");
                }
                if (code != null && code.asInt() != 0) {
                    return "code " + code.asInt() + ": "
                            + body.path(body.has("errmsg") ? "errmsg" : "msg").asText();
                }
            } catch (IOException e) {
                return "unreadable answer: " + response.body();
            }
        }
        return null;
    }

    @Override
    public void close() {
        stopping.set(true);
        consumers.forEach(KafkaConsumer::wakeup);
        try {
            // a poll ends at the wakeup; a backoff or a slow receiver only at an interrupt, after a
            // grace of 2 s that all receivers share
            awaitThreads(Instant.now().plusSeconds(2));
            threads.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
            awaitThreads(Instant.now().plusSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitThreads(Instant deadline) throws InterruptedException {
        for (Thread thread : threads) {
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isPositive()) {
                thread.join(left);
            }
        }
    }
}
