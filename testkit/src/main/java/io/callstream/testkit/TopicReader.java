package io.callstream.testkit;

import io.callstream.registry.serde.KafkaAvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what integration tests wrote: string keys, Avro values as their generated classes. Reads
 * by assigning every partition (no consumer group), so there is no group join to wait for.
 */
public final class TopicReader {

    private TopicReader() {}

    /** Every record of {@code topic}, read until {@code quiet} passes with no new record. */
    public static List<ConsumerRecord<String, Object>> readAll(TestPlatform platform, String topic, Duration quiet) {
        return readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(), topic, quiet, false);
    }

    /**
     * Every record of {@code topic} from the beginning up to its end offsets when called (read
     * committed: up to the last stable offset); fails when they are not reached within {@code
     * timeout}. Unlike {@link #readAll}, it waits for nothing once the end is read.
     */
    public static List<ConsumerRecord<String, Object>> readToEnd(
            String bootstrapServers, String registryUrl, String topic, boolean committedOnly, Duration timeout) {
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        committedOnly ? "read_committed" : "read_uncommitted",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        5000),
                new StringDeserializer(),
                values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<ConsumerRecord<String, Object>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end);
                }
            }
            return records;
        }
    }

    /**
     * Every record of {@code topic} from the beginning, read until {@code quiet} passes with no new
     * record; with {@code committedOnly}, as a {@code read_committed} consumer sees it.
     */
    public static List<ConsumerRecord<String, Object>> readAll(
            String bootstrapServers, String registryUrl, String topic, Duration quiet, boolean committedOnly) {
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        committedOnly ? "read_committed" : "read_uncommitted"),
                new StringDeserializer(),
                values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, Object>> records = new ArrayList<>();
            long quietUntil = System.nanoTime() + quiet.toNanos();
            while (System.nanoTime() < quietUntil) {
                var batch = consumer.poll(Duration.ofMillis(100));
                if (!batch.isEmpty()) {
                    batch.forEach(records::add);
                    quietUntil = System.nanoTime() + quiet.toNanos();
                }
            }
            return records;
        }
    }
}
