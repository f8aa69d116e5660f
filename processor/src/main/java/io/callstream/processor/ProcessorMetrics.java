package io.callstream.processor;

import com.sun.net.httpserver.HttpServer;
import io.callstream.processor.topology.TopologyListener;
import io.callstream.schema.AlertKind;
import io.callstream.schema.Call;
import io.callstream.schema.CallAlert;
import io.callstream.schema.DeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The processor's metrics at {@code GET /prometheus} on {@code METRICS_PORT}: Kafka Streams' own
 * (lag, rates, latencies: {@code kafka_stream_*}, {@code kafka_consumer_*}) and what the topology
 * emits: {@code callstream_processor_calls_total{vendor,outcome,category}} (call versions),
 * {@code callstream_processor_alerts_total{kind,tenant,vendor,state}} (alert transitions: kind
 * FAILURE_RATE, SILENCE, MISSING_FINALS, SHORT_CALLS, NEW_DESTINATIONS or SPEND, each born at 0 with a
 * tenant and vendor's first call)
 * and {@code callstream_processor_dead_letters_total}.
 */
final class ProcessorMetrics implements TopologyListener, AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();
    private final Map<String, Counter> alerts = new ConcurrentHashMap<>();
    private final Counter deadLetters = Counter.builder("callstream.processor.dead.letters")
            .description("Records the processor sent to dead-letters")
            .register(registry);
    private final Counter transientFailures = Counter.builder("callstream.processor.transient.failures")
            .description("Records whose processing waited for an unavailable dependency (schema registry)")
            .register(registry);
    private final Counter threadRestarts = Counter.builder("callstream.processor.thread.restarts")
            .description("Stream threads replaced after a failure (the task resumed from its last commit)")
            .register(registry);
    private KafkaStreamsMetrics streamsMetrics;
    private HttpServer server;

    /** Serves the metrics on {@code host}:{@code port} (0: any free port). */
    void serve(String host, int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve the processor's metrics on port " + port, e);
        }
        server.createContext("/prometheus", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void bind(KafkaStreams streams) {
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        io.micrometer.core.instrument.Gauge.builder(
                        "callstream.processor.running", streams, s -> s.state().isRunningOrRebalancing() ? 1 : 0)
                .description("1 while the Kafka Streams client runs (or rebalances), 0 when it has failed or stopped")
                .register(registry);
    }

    String scrape() {
        return registry.scrape();
    }

    @Override
    public void callEmitted(Call call) {
        String outcome = call.getOutcome().name();
        String category = call.getFailureCategory().name();
        calls.computeIfAbsent(
                        call.getVendor() + '\n' + outcome + '\n' + category,
                        key -> Counter.builder("callstream.processor.calls")
                                .description("Call versions emitted, by vendor, outcome and failure category")
                                .tag("vendor", call.getVendor())
                                .tag("outcome", outcome)
                                .tag("category", category)
                                .register(registry))
                .increment();
        // The transition counters of the tenant and vendor exist at 0 before their first transition:
        // Prometheus cannot see the first increment of a series born at 1 (increase() is 0 then).
        bornAtZero(call.getTenantId(), call.getVendor());
    }

    /**
     * Counts transitions rather than keeping a raised/cleared gauge: a gauge in one instance goes
     * stale when another instance takes the tenant's partition over; counters sum correctly.
     */
    @Override
    public void alertEmitted(CallAlert alert) {
        bornAtZero(alert.getTenantId(), alert.getVendor());
        alertCounter(
                        alert.getKind().name(),
                        alert.getTenantId(),
                        alert.getVendor(),
                        alert.getState().name())
                .increment();
    }

    /** Every kind the processor raises (all but UNKNOWN). */
    private static final List<AlertKind> KINDS = Arrays.stream(AlertKind.values())
            .filter(kind -> kind != AlertKind.UNKNOWN)
            .toList();

    private void bornAtZero(String tenant, String vendor) {
        for (AlertKind kind : KINDS) {
            alertCounter(kind.name(), tenant, vendor, "RAISED");
            alertCounter(kind.name(), tenant, vendor, "CLEARED");
        }
    }

    private Counter alertCounter(String kind, String tenant, String vendor, String state) {
        return alerts.computeIfAbsent(
                kind + '\n' + tenant + '\n' + vendor + '\n' + state,
                key -> Counter.builder("callstream.processor.alerts")
                        .description(
                                "Alert transitions, by kind (FAILURE_RATE, SILENCE, MISSING_FINALS, SHORT_CALLS, NEW_DESTINATIONS,"
                                        + " SPEND), tenant, vendor and state"
                                        + " (RAISED, CLEARED)")
                        .tag("kind", kind)
                        .tag("tenant", tenant)
                        .tag("vendor", vendor)
                        .tag("state", state)
                        .register(registry));
    }

    @Override
    public void deadLettered(DeadLetter letter) {
        deadLetters.increment();
    }

    @Override
    public void transientFailure(Exception failure) {
        transientFailures.increment();
    }

    void threadRestarted() {
        threadRestarts.increment();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        registry.close();
    }
}
