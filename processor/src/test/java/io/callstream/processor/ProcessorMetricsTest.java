package io.callstream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.Call;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.HangupSide;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the processor reports to Prometheus about what its topology emits. */
class ProcessorMetricsTest {

    @Test
    void shouldCountCallsByCategoryAndAlertTransitionsOverHttp() throws Exception {
        try (ProcessorMetrics metrics = new ProcessorMetrics()) {
            metrics.serve("127.0.0.1", 0);
            metrics.callEmitted(call(FailureCategory.NONE, CallOutcome.CONNECTED));
            // born at 0 with the first call of the tenant and vendor, so that Prometheus sees the
            // first transition as an increase
            assertThat(metrics.scrape())
                    .contains(
                            "callstream_processor_alerts_total{kind=\"FAILURE_RATE\",state=\"RAISED\",tenant=\"t-1\",vendor=\"ytx\"} 0.0",
                            "callstream_processor_alerts_total{kind=\"FAILURE_RATE\",state=\"CLEARED\",tenant=\"t-1\",vendor=\"ytx\"} 0.0",
                            "callstream_processor_alerts_total{kind=\"SILENCE\",state=\"RAISED\",tenant=\"t-1\",vendor=\"ytx\"} 0.0",
                            "callstream_processor_alerts_total{kind=\"SILENCE\",state=\"CLEARED\",tenant=\"t-1\",vendor=\"ytx\"} 0.0");
            metrics.callEmitted(call(FailureCategory.NETWORK_ERROR, CallOutcome.FAILED));
            metrics.callEmitted(call(FailureCategory.NETWORK_ERROR, CallOutcome.FAILED));
            metrics.alertEmitted(alert(AlertKind.FAILURE_RATE, AlertState.RAISED));

            String scraped = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + "/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();

            assertThat(scraped)
                    .contains(
                            "callstream_processor_calls_total{category=\"NETWORK_ERROR\",outcome=\"FAILED\",vendor=\"ytx\"} 2.0")
                    .contains(
                            "callstream_processor_calls_total{category=\"NONE\",outcome=\"CONNECTED\",vendor=\"ytx\"} 1.0")
                    .contains(
                            "callstream_processor_alerts_total{kind=\"FAILURE_RATE\",state=\"RAISED\",tenant=\"t-1\",vendor=\"ytx\"} 1.0");

            metrics.alertEmitted(alert(AlertKind.SILENCE, AlertState.RAISED));
            assertThat(metrics.scrape())
                    .contains(
                            "callstream_processor_alerts_total{kind=\"SILENCE\",state=\"RAISED\",tenant=\"t-1\",vendor=\"ytx\"} 1.0",
                            "callstream_processor_alerts_total{kind=\"FAILURE_RATE\",state=\"RAISED\",tenant=\"t-1\",vendor=\"ytx\"} 1.0",
                            "callstream_processor_alerts_total{kind=\"SILENCE\",state=\"CLEARED\",tenant=\"t-1\",vendor=\"ytx\"} 0.0");
        }
    }

    static Call call(FailureCategory category, CallOutcome outcome) {
        return Call.newBuilder()
                .setVendor("ytx")
                .setTenantId("t-1")
                .setCallId("c")
                .setVersion(1)
                .setOutcome(outcome)
                .setFailureCategory(category)
                .setHangupSide(HangupSide.A)
                .setTalkSeconds(0)
                .setBilledSeconds(0)
                .setEventCount(1)
                .setFinalisedAt(Instant.EPOCH)
                .build();
    }

    static CallAlert alert(AlertKind kind, AlertState state) {
        return CallAlert.newBuilder()
                .setAlertId("a")
                .setKind(kind)
                .setTenantId("t-1")
                .setVendor("ytx")
                .setState(state)
                .setEventTime(Instant.EPOCH)
                .setWindowStart(Instant.EPOCH)
                .setWindowEnd(Instant.EPOCH)
                .setAttempts(1)
                .setFailures(1)
                .setFailureRate(1)
                .setThreshold(0.3)
                .setBaselineFactor(2)
                .setTopCategories(List.of())
                .setMessage("m")
                .build();
    }
}
