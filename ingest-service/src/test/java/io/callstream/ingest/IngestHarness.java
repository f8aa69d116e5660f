package io.callstream.ingest;

import io.callstream.testkit.TestPlatform;
import io.callstream.testkit.TopicReader;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

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
        return TopicReader.readAll(platform, topic, quiet);
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
