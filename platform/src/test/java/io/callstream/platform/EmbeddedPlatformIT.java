package io.callstream.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.platform.EmbeddedPlatform.Settings;
import io.callstream.registry.client.RegistryClientConfig;
import io.callstream.registry.client.RestSchemaRegistryClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPlatformIT {

    @Test
    void shouldResumeWithItsDataAfterARestart(@TempDir Path data) throws Exception {
        Settings settings = new Settings(data, 0, 0, 0, -1);
        List<String> progress = new ArrayList<>();
        int id;
        try (EmbeddedPlatform first = EmbeddedPlatform.start(settings, progress::add)) {
            id = client(first).register("restart-value", Schema.create(Schema.Type.STRING));
            assertThat(first.vendors()).containsExactly("ucpaas", "winnerlook", "ytx", "yunhuni");
            assertThat(ready(first)).isEqualTo(200);
        }

        try (EmbeddedPlatform second = EmbeddedPlatform.start(settings, line -> {})) {
            assertThat(client(second).getLatest("restart-value").id()).isEqualTo(id);
        }
        assertThat(progress)
                .hasSize(6)
                .anySatisfy(line -> assertThat(line).startsWith("Kafka ready at 127.0.0.1:"))
                .anySatisfy(line -> assertThat(line).startsWith("Schema registry ready at http://127.0.0.1:"))
                .anySatisfy(line -> assertThat(line).startsWith("Ingest service ready at http://127.0.0.1:"));
    }

    private static int ready(EmbeddedPlatform platform) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(platform.ingestUrl() + "/ready"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static RestSchemaRegistryClient client(EmbeddedPlatform platform) {
        return new RestSchemaRegistryClient(RegistryClientConfig.of(platform.schemaRegistryUrl()));
    }
}
