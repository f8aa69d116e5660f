package io.callstream.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callstream.registry.client.CompatibilityLevel;
import io.callstream.registry.client.RegistryException;
import io.callstream.registry.core.RegistryRecord;
import io.callstream.registry.core.RegistryRecord.Config;
import io.callstream.registry.core.RegistryRecord.IdWatermark;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Stores the registry's changes in a compacted, single-partition Kafka topic ({@code _schemas}) in
 * the key/value layout Confluent's registry uses, and replays it on start-up. Each change is
 * written synchronously with {@code acks=all} before the registry applies it.
 *
 * <p>One registry instance writes the topic at a time: every write is a Kafka transaction under one
 * transactional id per topic, so an instance that starts fences the one before it (Kafka aborts the
 * older one's open transaction and refuses its later writes). The instance then replays the topic
 * (read committed) and is the only one that can issue ids; a fenced instance answers writes with
 * error 50001 and keeps serving reads. Besides Confluent's record kinds the topic holds the highest
 * id ever issued ({@code keytype} {@code CALLSTREAM_ID_WATERMARK}), so a permanently deleted id is
 * never issued again.
 */
public final class KafkaSchemaJournal implements Consumer<RegistryRecord>, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ID_WATERMARK = "CALLSTREAM_ID_WATERMARK";

    private final String topic;
    private final Duration timeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Object> clientConfig;
    private volatile boolean fenced;

    public KafkaSchemaJournal(String bootstrapServers, String topic, Duration timeout) {
        this.topic = topic;
        this.timeout = timeout;
        this.clientConfig = Map.of("bootstrap.servers", bootstrapServers);
        long timeoutMs = timeout.toMillis();
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "callstream-schema-registry-" + topic,
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

    /**
     * Becomes the topic's only writer, fencing any instance that wrote before; call before {@link
     * #replay}, so the replay sees everything the fenced instance committed.
     */
    public void claimWriter() {
        producer.initTransactions();
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
    public synchronized void accept(RegistryRecord record) {
        if (fenced) {
            throw fencedError();
        }
        try {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, key(record), value(record)));
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            fenced = true;
            throw fencedError();
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw new RegistryException(
                    500,
                    RegistryException.STORE_ERROR,
                    "Error while storing the schema change in Kafka topic " + topic + ": " + e,
                    e);
        }
    }

    private RegistryException fencedError() {
        return new RegistryException(
                500,
                RegistryException.STORE_ERROR,
                "This registry instance was fenced: another instance now writes " + topic
                        + "; send writes to it (reads are still served here)");
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
            case IdWatermark watermark -> key.put("keytype", ID_WATERMARK).put("magic", 0);
            case RegistryRecord.Mode mode ->
                key.put("keytype", "MODE").put("subject", mode.subject()).put("magic", 0);
        }
        return bytes(key);
    }

    static byte[] value(RegistryRecord record) {
        return switch (record) {
            case SchemaVersion version -> {
                ObjectNode value = JSON.createObjectNode()
                        .put("subject", version.subject())
                        .put("version", version.version())
                        .put("id", version.id())
                        .put("schema", version.schema())
                        .put("deleted", version.deleted());
                if (!version.references().isEmpty()) {
                    var references = value.putArray("references");
                    version.references()
                            .forEach(reference -> references
                                    .addObject()
                                    .put("name", reference.name())
                                    .put("subject", reference.subject())
                                    .put("version", reference.version()));
                }
                if (version.metadata() != null) {
                    // Confluent's layout: metadata and ruleSet as fields of their own
                    JsonNode extras = read(version.metadata().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    for (String field : new String[] {"metadata", "ruleSet"}) {
                        if (extras.hasNonNull(field)) {
                            value.set(field, extras.get(field));
                        }
                    }
                }
                yield bytes(value);
            }
            case SchemaVersionRemoved removed -> null;
            case IdWatermark watermark -> bytes(JSON.createObjectNode().put("maxId", watermark.maxId()));
            case RegistryRecord.Mode mode ->
                mode.mode() == null ? null : bytes(JSON.createObjectNode().put("mode", mode.mode()));
            case Config config ->
                config.level() == null
                        ? null
                        : bytes(
                                config.normalize() == null
                                        ? JSON.createObjectNode()
                                                .put(
                                                        "compatibilityLevel",
                                                        config.level().name())
                                        : JSON.createObjectNode()
                                                .put(
                                                        "compatibilityLevel",
                                                        config.level().name())
                                                .put("normalize", config.normalize()));
        };
    }

    /** Decodes one topic record; null for record kinds this registry does not use (e.g. NOOP, DELETE_SUBJECT). */
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
                                value.path("deleted").asBoolean(false),
                                extras(value.get("metadata"), value.get("ruleSet")),
                                references(value.get("references")));
            case "CONFIG" ->
                new Config(
                        subject,
                        value == null
                                ? null
                                : CompatibilityLevel.parse(
                                        value.get("compatibilityLevel").asText()),
                        value != null && value.hasNonNull("normalize")
                                ? value.get("normalize").asBoolean()
                                : null);
            case "MODE" ->
                new RegistryRecord.Mode(
                        subject, value == null ? null : value.get("mode").asText());
            case ID_WATERMARK ->
                value == null ? null : new IdWatermark(value.get("maxId").asInt());
            default -> null;
        };
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper SORTED =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /**
     * A JSON value as canonical text: object keys sorted at every level, no spaces; how a schema's
     * metadata is compared (two equal metadata objects are one text whatever their key order).
     */
    static String canonicalJson(JsonNode node) {
        try {
            return SORTED.writeValueAsString(SORTED.treeToValue(node, Object.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * What identifies a schema besides its text: its metadata and rule set as one canonical JSON
     * object, or null when it has neither (absent, null or empty).
     */
    static String extras(JsonNode metadata, JsonNode ruleSet) {
        ObjectNode extras = JSON.createObjectNode();
        if (metadata != null && !metadata.isNull() && !(metadata.isObject() && metadata.isEmpty())) {
            extras.set("metadata", metadata);
        }
        if (ruleSet != null && !ruleSet.isNull() && !(ruleSet.isObject() && ruleSet.isEmpty())) {
            extras.set("ruleSet", ruleSet);
        }
        return extras.isEmpty() ? null : canonicalJson(extras);
    }

    /** Confluent's {@code references} array: name, subject, version each. */
    static java.util.List<RegistryRecord.Reference> references(JsonNode array) {
        java.util.List<RegistryRecord.Reference> references = new java.util.ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode reference : array) {
                references.add(new RegistryRecord.Reference(
                        reference.path("name").asText(),
                        reference.path("subject").asText(),
                        reference.path("version").asInt(-1)));
            }
        }
        return references;
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
