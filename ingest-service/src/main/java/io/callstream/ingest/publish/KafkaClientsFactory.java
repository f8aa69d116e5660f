package io.callstream.ingest.publish;

import io.callstream.ingest.config.IngestConfig;
import io.callstream.registry.client.RegistryClientConfig;
import io.callstream.registry.client.RegistryException;
import io.callstream.registry.client.RestSchemaRegistryClient;
import io.callstream.registry.client.SchemaRegistryClient;
import io.callstream.registry.core.SchemaRegistryClients;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.CallEvent;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.Topics;
import io.callstream.schema.WebhookEnvelope;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Kafka and registry clients, built from {@link IngestConfig} (micronaut-kafka does not resolve here). */
@Factory
final class KafkaClientsFactory {

    private static final Logger log = LoggerFactory.getLogger(KafkaClientsFactory.class);

    /**
     * Batching window: concurrent pushes share produce requests. Measured with bench/run ingest
     * (README, Performance): 2 ms against 5 ms, more pushes/s and a lower p99 at 2,000/s; 10 ms halves the rate.
     */
    static final int LINGER_MS = 2;

    /**
     * Idempotent, {@code acks=all}: a push is acknowledged to its vendor only once every replica
     * has it. Blocking and delivery are bounded by the publish timeout, so an unreachable broker
     * turns into a 503 in time.
     */
    @Context // created at start-up, so a configuration error stops the service instead of failing pushes
    @Bean(preDestroy = "close")
    KafkaProducer<String, Object> producer(IngestConfig config) {
        long timeoutMs = config.publishTimeout().toMillis();
        Map<String, Object> producer = new HashMap<>();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeoutMs + LINGER_MS);
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, "callstream-ingest");
        producer.put(RegistryClientConfig.URL, config.schemaRegistryUrl());
        // A registry that hangs must not hold a push past the publish timeout: no retries, short timeouts.
        producer.put(RegistryClientConfig.MAX_RETRIES, 0);
        producer.put(RegistryClientConfig.CONNECT_TIMEOUT_MS, (int) timeoutMs);
        producer.put(RegistryClientConfig.READ_TIMEOUT_MS, (int) timeoutMs);
        SchemaRegistryClient registry = SchemaRegistryClients.create(producer);
        registerContracts(registry);
        KafkaAvroSerializer values = new KafkaAvroSerializer(registry);
        values.configure(producer, false);
        return new KafkaProducer<>(producer, new StringSerializer(), values);
    }

    /**
     * Registers the schemas of what ingest writes before the first push, so that their ids are
     * cached and a push never waits on the registry. An unreachable registry is logged, not fatal:
     * pushes are then answered 503 until it answers.
     */
    private static void registerContracts(SchemaRegistryClient registry) {
        Map<String, org.apache.avro.Schema> contracts = Map.of(
                Topics.WEBHOOKS_RAW, WebhookEnvelope.getClassSchema(),
                Topics.CALL_EVENTS, CallEvent.getClassSchema(),
                Topics.DEAD_LETTERS, DeadLetter.getClassSchema());
        contracts.forEach((topic, schema) -> {
            try {
                registry.register(topic + "-value", schema);
            } catch (RegistryException e) {
                log.warn("Could not register the schema of {} at start-up: {}", topic, e.getMessage());
            }
        });
    }

    @Singleton
    @Bean(preDestroy = "close")
    Admin admin(IngestConfig config) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
    }

    @Singleton
    RestSchemaRegistryClient registryClient(IngestConfig config) {
        return new RestSchemaRegistryClient(RegistryClientConfig.from(
                Map.of(RegistryClientConfig.URL, config.schemaRegistryUrl(), RegistryClientConfig.MAX_RETRIES, 0)));
    }
}
