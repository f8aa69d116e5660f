package io.callstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.callstream.ingest.vendor.Fixtures;
import io.callstream.schema.CallEvent;
import io.callstream.schema.Topics;
import io.callstream.schema.WebhookEnvelope;
import io.callstream.testkit.EmbeddedTestPlatform;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Around a broker outage: a push is answered 503 while Kafka is down, never acknowledged, and
 * accepted again once it is back. Every push answered 200 has exactly one envelope on {@code
 * webhooks-raw} and all its events on {@code call-events}; a push refused 503 and sent again
 * carries the same event and push ids, whatever its refused attempts left behind, so the
 * processor counts it once.
 */
class IngestOutageIT {

    @Test
    void shouldAnswer503WhileKafkaIsDownAndStoreEveryAcknowledgedPushOnceWithStableIds() throws Exception {
        String template = new String(Fixtures.bytes("winnerlook", "answered.json"), StandardCharsets.UTF_8);
        byte[] before = template.replace("wl-001", "outage-before").getBytes(StandardCharsets.UTF_8);
        byte[] refusedFirst = template.replace("wl-001", "outage-retried").getBytes(StandardCharsets.UTF_8);
        byte[] after = template.replace("wl-001", "outage-after").getBytes(StandardCharsets.UTF_8);
        List<String> receipts = new ArrayList<>();
        try (EmbeddedTestPlatform platform = EmbeddedTestPlatform.start();
                IngestHarness ingest =
                        new IngestHarness(platform, Map.of("callstream.ingest.publish-timeout", "1500ms"))) {
            receipts.add(accepted(ingest.post("/webhooks/winnerlook", "application/json", before, Map.of())));

            platform.broker().stop();
            HttpResponse<String> refused =
                    ingest.post("/webhooks/winnerlook", "application/json", refusedFirst, Map.of());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body())
                    .isEqualTo("{\"resultCode\":\"503\",\"message\":\"temporarily unavailable, please retry\"}");
            assertThat(refused.headers().firstValue("X-Callstream-Envelope")).isEmpty();
            assertThat(ingest.get("/ready").statusCode()).isEqualTo(503);

            platform.broker().start();
            // the vendor sends the refused push again until it is taken
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        HttpResponse<String> retried =
                                ingest.post("/webhooks/winnerlook", "application/json", refusedFirst, Map.of());
                        assertThat(retried.statusCode()).isEqualTo(200);
                        receipts.add(accepted(retried));
                    });
            receipts.add(accepted(ingest.post("/webhooks/winnerlook", "application/json", after, Map.of())));

            List<WebhookEnvelope> envelopes = ingest.readAll(Topics.WEBHOOKS_RAW, Duration.ofSeconds(2)).stream()
                    .map(record -> (WebhookEnvelope) record.value())
                    .toList();
            List<CallEvent> events = ingest.readAll(Topics.CALL_EVENTS, Duration.ofSeconds(2)).stream()
                    .map(record -> (CallEvent) record.value())
                    .toList();
            assertThat(receipts).hasSize(3).allSatisfy(receipt -> {
                assertThat(envelopes)
                        .filteredOn(envelope -> envelope.getEnvelopeId().equals(receipt))
                        .hasSize(1);
                assertThat(events)
                        .filteredOn(event -> receipt.equals(event.getEnvelopeId()))
                        .hasSize(2) // the push states both legs
                        .extracting(CallEvent::getEventId)
                        .doesNotHaveDuplicates();
            });
            // what reached Kafka of the refused push (if anything) has the ids of the accepted one
            List<CallEvent> retried = events.stream()
                    .filter(event -> event.getCallId().equals("outage-retried"))
                    .toList();
            Set<String> acceptedIds = retried.stream()
                    .filter(event -> receipts.contains(event.getEnvelopeId()))
                    .map(CallEvent::getEventId)
                    .collect(Collectors.toSet());
            assertThat(retried).extracting(CallEvent::getEventId).allMatch(acceptedIds::contains);
            assertThat(retried)
                    .extracting(CallEvent::getPushId)
                    .containsOnly(retried.getFirst().getPushId());
        }
    }

    private static String accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("X-Callstream-Envelope").orElseThrow();
    }
}
