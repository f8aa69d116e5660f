package io.callstream.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callstream.registry.client.CompatibilityLevel;
import io.callstream.registry.client.RegistryException;
import io.callstream.registry.core.RegistryRecord;
import io.callstream.registry.core.RegistryRecord.Config;
import io.callstream.registry.core.RegistryRecord.SchemaVersion;
import io.callstream.registry.core.RegistryRecord.SchemaVersionRemoved;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Stores the registry's changes in a compacted, single-partition Kafka topic ({@code _schemas}) in
 * the key/value layout Confluent's registry uses, and replays it on start-up. Each change is
 * written synchronously with {@code acks=all} before the registry applies it.
 *
 * <p>One registry instance writes the topic; running several writers against one topic is not
 * supported (Confluent's registry elects a leader for that).
 */
public final class KafkaSchemaJournal implements Consumer<RegistryRecord>, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final Duration timeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Object> clientConfig;

    public KafkaSchemaJournal(String bootstrapServers, String topic, Duration timeout) {
        this.topic = topic;
        this.timeout = timeout;
        this.clientConfig = Map.of("bootstrap.servers", bootstrapServers);
        long timeoutMs = timeout.toMillis();
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                timeoutMs,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(timeoutMs, 30_000),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) Math.max(timeoutMs, 30_000));
        this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Creates the topic if it is missing (compacted, one partition, {@code replicationFactor}). */
    public void ensureTopic(short replicationFactor) throws InterruptedException {
        try (Admin admin = Admin.create(clientConfig)) {
            NewTopic schemas = new NewTopic(topic, 1, replicationFactor)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(schemas)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create the schemas topic " + topic + ": " + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not create the schemas topic " + topic + " within " + timeout, e);
        }
    }

    /** Reads the whole topic from the beginning and hands each record to {@code apply}; returns the count. */
    public int replay(Consumer<RegistryRecord> apply) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        clientConfig.get("bootstrap.servers"),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long end = consumer.endOffsets(Set.of(partition), timeout).get(partition);
            int count = 0;
            while (consumer.position(partition, timeout) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    RegistryRecord decoded = decode(record.key(), record.value());
                    if (decoded != null) {
                        apply.accept(decoded);
                        count++;
                    }
                }
            }
            return count;
        }
    }

    @Override
    public void accept(RegistryRecord record) {
        try {
            producer.send(new ProducerRecord<>(topic, 0, key(record), value(record)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryException(
                    500,
                    RegistryException.STORE_ERROR,
                    "Error while storing the schema change in Kafka topic " + topic + ": " + e,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(500, RegistryException.STORE_ERROR, "Interrupted while storing", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    static byte[] key(RegistryRecord record) {
        ObjectNode key = JSON.createObjectNode();
        switch (record) {
            case SchemaVersion version -> schemaKey(key, version.subject(), version.version());
            case SchemaVersionRemoved removed -> schemaKey(key, removed.subject(), removed.version());
            case Config config ->
                key.put("keytype", "CONFIG").put("subject", config.subject()).put("magic", 0);
        }
        return bytes(key);
    }

    static byte[] value(RegistryRecord record) {
        return switch (record) {
            case SchemaVersion version ->
                bytes(JSON.createObjectNode()
                        .put("subject", version.subject())
                        .put("version", version.version())
                        .put("id", version.id())
                        .put("schema", version.schema())
                        .put("deleted", version.deleted()));
            case SchemaVersionRemoved removed -> null;
            case Config config ->
                config.level() == null
                        ? null
                        : bytes(JSON.createObjectNode()
                                .put("compatibilityLevel", config.level().name()));
        };
    }

    /** Decodes one topic record; null for record kinds this registry does not use (e.g. NOOP, MODE). */
    static RegistryRecord decode(byte[] keyBytes, byte[] valueBytes) {
        JsonNode key = read(keyBytes);
        JsonNode value = valueBytes == null ? null : read(valueBytes);
        String subject =
                key.path("subject").isNull() ? null : key.path("subject").asText(null);
        return switch (key.path("keytype").asText()) {
            case "SCHEMA" ->
                value == null
                        ? new SchemaVersionRemoved(subject, key.get("version").asInt())
                        : new SchemaVersion(
                                subject,
                                value.get("version").asInt(),
                                value.get("id").asInt(),
                                value.get("schema").asText(),
                                value.path("deleted").asBoolean(false));
            case "CONFIG" ->
                new Config(
                        subject,
                        value == null
                                ? null
                                : CompatibilityLevel.parse(
                                        value.get("compatibilityLevel").asText()));
            default -> null;
        };
    }

    private static void schemaKey(ObjectNode key, String subject, int version) {
        key.put("keytype", "SCHEMA")
                .put("subject", subject)
                .put("version", version)
                .put("magic", 1);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable record in the schemas topic", e);
        }
    }
}
