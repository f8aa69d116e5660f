package io.callstream.processor;

import io.callstream.processor.domain.CodeRule;
import io.callstream.processor.domain.CodeTable;
import io.callstream.processor.domain.Tariff;
import io.callstream.processor.domain.TariffTable;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.TariffRule;
import io.callstream.schema.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes code tables and tariffs to their compacted topics ({@code code-mappings}, {@code
 * tariffs}), which the processor reads as global tables. A load is a diff against what the topic
 * holds: new and changed rows are published, rows of a loaded table that the file no longer has get
 * a tombstone, unchanged rows are left alone. The processor seeds empty topics with the tables
 * shipped in the repository on start; later corrections are loaded with {@code ./callstream
 * reference}.
 */
public final class ReferenceDataLoader {

    /** What one load changed on one topic. */
    public record Summary(String topic, int added, int changed, int removed, int unchanged) {
        @Override
        public String toString() {
            return String.format(
                    "%s: %d added, %d changed, %d removed, %d unchanged", topic, added, changed, removed, unchanged);
        }
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReferenceDataLoader.class);

    /** Stands for a row on the topic that does not decode: never equal to a row being loaded. */
    private static final Object UNDECODABLE = new Object();

    private final String bootstrapServers;
    private final Map<String, Object> serdeConfig;

    public ReferenceDataLoader(String bootstrapServers, Map<String, Object> serdeConfig) {
        this.bootstrapServers = bootstrapServers;
        this.serdeConfig = Map.copyOf(serdeConfig);
    }

    /** Creates the compacted reference topics (one partition each) if they do not exist. */
    public void ensureTopics(int replicationFactor) {
        new TopicProvisioner(bootstrapServers, 1, replicationFactor, System.getenv())
                .provision(List.of(Topics.CODE_MAPPINGS, Topics.TARIFFS));
    }

    /**
     * Publishes the tables shipped with callstream to topics that have never been written to, so a
     * first start categorises and bills without any set-up; topics with data are left alone (they
     * hold the operator's tables).
     */
    public List<Summary> seedIfEmpty() {
        List<Summary> seeded = new ArrayList<>();
        if (neverWritten(Topics.CODE_MAPPINGS)) {
            seeded.add(loadCodes(CodeTable.bundledRules(), Set.copyOf(CodeTable.BUNDLED_VENDORS)));
        }
        if (neverWritten(Topics.TARIFFS)) {
            seeded.add(loadTariffs(TariffTable.bundledRules()));
        }
        return seeded;
    }

    /**
     * Makes the code tables of {@code vendors} equal to {@code rules} (each vendor's rows in the
     * given order); other vendors' rows are untouched.
     */
    public Summary loadCodes(List<CodeRule> rules, Set<String> vendors) {
        Map<String, Object> desired = new LinkedHashMap<>();
        Map<String, Integer> positions = new HashMap<>();
        for (CodeRule rule : rules) {
            if (!vendors.contains(rule.vendor())) {
                throw new IllegalArgumentException("rule " + rule.key() + " is not of the vendors loaded: " + vendors);
            }
            int position = positions.merge(rule.vendor(), 1, Integer::sum);
            desired.put(rule.key(), rule.toMapping(position));
        }
        return publish(Topics.CODE_MAPPINGS, desired, key -> vendors.contains(key.substring(0, key.indexOf('|'))));
    }

    /** Makes the tariffs equal to {@code tariffs}. */
    public Summary loadTariffs(List<Tariff> tariffs) {
        Map<String, Object> desired = new LinkedHashMap<>();
        for (Tariff tariff : tariffs) {
            TariffRule rule = tariff.toRule();
            if (desired.put(rule.getTariffId(), rule) != null) {
                throw new IllegalArgumentException("tariff id " + rule.getTariffId() + " appears twice");
            }
        }
        return publish(Topics.TARIFFS, desired, key -> true);
    }

    private Summary publish(String topic, Map<String, Object> desired, Predicate<String> replaced) {
        Map<String, Object> current = read(topic);
        int added = 0;
        int changed = 0;
        int removed = 0;
        int unchanged = 0;
        Map<String, Object> producerConfig = new HashMap<>(serdeConfig);
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, Object> producer =
                new KafkaProducer<>(producerConfig, new StringSerializer(), valueSerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (Map.Entry<String, Object> row : desired.entrySet()) {
                Object before = current.get(row.getKey());
                if (row.getValue().equals(before)) {
                    unchanged++;
                    continue;
                }
                if (before == null) {
                    added++;
                } else {
                    changed++;
                }
                sent.add(producer.send(new ProducerRecord<>(topic, row.getKey(), row.getValue())));
            }
            for (String key : current.keySet()) {
                if (!desired.containsKey(key) && replaced.test(key)) {
                    removed++;
                    sent.add(producer.send(new ProducerRecord<>(topic, key, null)));
                }
            }
            for (Future<?> result : sent) {
                result.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot publish to " + topic + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing to " + topic, e);
        }
        return new Summary(topic, added, changed, removed, unchanged);
    }

    /** The rows a compacted topic holds now (latest per key, tombstones removed). */
    public Map<String, Object> read(String topic) {
        Map<String, Object> config = new HashMap<>(serdeConfig);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        Map<String, Object> valueConfig = new HashMap<>(serdeConfig);
        valueConfig.put("specific.avro.reader", true);
        values.configure(valueConfig, false);
        Map<String, Object> rows = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        rows.remove(record.key());
                        continue;
                    }
                    try {
                        rows.put(record.key(), values.deserialize(topic, record.headers(), record.value()));
                    } catch (RuntimeException e) {
                        // a row the processor ignores too; a load replaces or removes it
                        log.warn(
                                "{} row '{}' at offset {} does not decode: {}",
                                topic,
                                record.key(),
                                record.offset(),
                                e.getMessage());
                        rows.put(record.key(), UNDECODABLE);
                    }
                }
            }
        }
        return rows;
    }

    private boolean neverWritten(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream().allMatch(offset -> offset == 0);
        }
    }

    private KafkaAvroSerializer valueSerializer() {
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(serdeConfig, false);
        return serializer;
    }
}
