package io.callstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.callstream.ingest.vendor.Fixtures;
import io.callstream.testkit.EmbeddedTestPlatform;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the broker down a push is answered 503, never acknowledged; with it back, accepted again. */
class IngestOutageIT {

    @Test
    void shouldAnswer503WhileKafkaIsDownAndAcceptAgainOnceItIsBack() throws Exception {
        byte[] body = Fixtures.bytes("winnerlook", "answered.json");
        try (EmbeddedTestPlatform platform = EmbeddedTestPlatform.start();
                IngestHarness ingest =
                        new IngestHarness(platform, Map.of("callstream.ingest.publish-timeout", "1500ms"))) {
            assertThat(ingest.post("/webhooks/winnerlook", "application/json", body, Map.of())
                            .statusCode())
                    .isEqualTo(200);

            platform.broker().stop();
            HttpResponse<String> refused = ingest.post("/webhooks/winnerlook", "application/json", body, Map.of());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body())
                    .isEqualTo("{\"resultCode\":\"503\",\"message\":\"temporarily unavailable, please retry\"}");
            assertThat(ingest.get("/ready").statusCode()).isEqualTo(503);

            platform.broker().start();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(
                            () -> assertThat(ingest.post("/webhooks/winnerlook", "application/json", body, Map.of())
                                            .statusCode())
                                    .isEqualTo(200));
        }
    }
}
