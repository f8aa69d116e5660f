package io.callstream.bench;

import io.callstream.platform.EmbeddedPlatform;
import io.callstream.registry.serde.KafkaAvroSerializer;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** The producer benchmarks fill their input topics with: string keys, Avro values, large batches. */
final class BulkProducer {

    private BulkProducer() {}

    static KafkaProducer<String, Object> open(EmbeddedPlatform platform) {
        return open(platform.bootstrapServers(), platform.schemaRegistryUrl());
    }

    static KafkaProducer<String, Object> open(String bootstrapServers, String schemaRegistryUrl) {
        KafkaAvroSerializer values = new KafkaAvroSerializer();
        values.configure(Map.of("schema.registry.url", schemaRegistryUrl), false);
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024),
                new StringSerializer(),
                values);
    }
}
