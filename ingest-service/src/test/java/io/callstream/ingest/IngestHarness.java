package io.callstream.ingest;

import io.callstream.testkit.TestPlatform;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The ingest service running on a test platform, with an HTTP client and topic readers. */
final class IngestHarness implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final TestPlatform platform;
    private final EmbeddedServer server;

    IngestHarness(TestPlatform platform, Map<String, Object> extraConfig) {
        this.platform = platform;
        Map<String, Object> config = new HashMap<>(extraConfig);
        config.put("micronaut.server.port", -1);
        config.put("callstream.ingest.bootstrap-servers", platform.bootstrapServers());
        config.put("callstream.ingest.schema-registry-url", platform.schemaRegistryUrl());
        this.server = ApplicationContext.run(EmbeddedServer.class, config);
    }

    HttpResponse<String> post(String pathAndQuery, String contentType, byte[] body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.getURL() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every record of a topic, read from the beginning until {@code quiet} passes without new ones. */
    List<ConsumerRecord<String, Object>> readAll(String topic, Duration quiet) {
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        platform.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "reader-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        "schema.registry.url",
                        platform.schemaRegistryUrl(),
                        "specific.avro.reader",
                        true),
                new StringDeserializer(),
                avroDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, Object>> records = new ArrayList<>();
            long quietUntil = System.nanoTime() + quiet.toNanos();
            while (System.nanoTime() < quietUntil) {
                var batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    batch.forEach(records::add);
                    quietUntil = System.nanoTime() + quiet.toNanos();
                }
            }
            return records;
        }
    }

    private io.callstream.registry.serde.KafkaAvroDeserializer avroDeserializer() {
        var deserializer = new io.callstream.registry.serde.KafkaAvroDeserializer();
        deserializer.configure(
                Map.of("schema.registry.url", platform.schemaRegistryUrl(), "specific.avro.reader", true), false);
        return deserializer;
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
