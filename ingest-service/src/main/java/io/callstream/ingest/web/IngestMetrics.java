package io.callstream.ingest.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's Prometheus metrics: pushes per vendor and outcome, push latency per vendor,
 * events published, and Kafka produce errors. Meters are cached: vendors are a fixed set (unknown
 * ones count as "unknown"), so the maps stay small.
 */
@Singleton
final class IngestMetrics {

    private final PrometheusMeterRegistry registry;
    private final Map<String, Counter> pushes = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private final Map<String, Counter> produceErrors = new ConcurrentHashMap<>();

    IngestMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    void push(String vendor, Outcome outcome, Duration latency) {
        pushes.computeIfAbsent(
                        vendor + '\n' + outcome.tag,
                        key -> Counter.builder("callstream.ingest.pushes")
                                .description("Pushes received, by vendor and outcome")
                                .tag("vendor", vendor)
                                .tag("outcome", outcome.tag)
                                .register(registry))
                .increment();
        latencies
                .computeIfAbsent(
                        vendor,
                        key -> Timer.builder("callstream.ingest.push.latency")
                                .description("Time from receipt to answer")
                                .tag("vendor", vendor)
                                .publishPercentileHistogram()
                                .register(registry))
                .record(latency);
    }

    void events(String vendor, int count) {
        events.computeIfAbsent(
                        vendor,
                        key -> Counter.builder("callstream.ingest.events")
                                .description("Normalized call events published")
                                .tag("vendor", vendor)
                                .register(registry))
                .increment(count);
    }

    void produceError(String vendor) {
        produceErrors
                .computeIfAbsent(
                        vendor,
                        key -> Counter.builder("callstream.ingest.produce.errors")
                                .description("Pushes Kafka did not take in time (answered 503)")
                                .tag("vendor", vendor)
                                .register(registry))
                .increment();
    }

    String scrape() {
        return registry.scrape();
    }

    /** What became of a push. */
    enum Outcome {
        ACCEPTED("accepted"),
        IGNORED("ignored"),
        INVALID("invalid"),
        UNAUTHORIZED("unauthorized"),
        FORBIDDEN("forbidden"),
        TOO_LARGE("too_large"),
        UNKNOWN_VENDOR("unknown_vendor"),
        UNAVAILABLE("unavailable"),
        FAILED("failed");

        final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }

    @Factory
    static final class RegistryFactory {
        @Singleton
        @Bean(preDestroy = "close")
        PrometheusMeterRegistry prometheusMeterRegistry() {
            return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        }
    }
}
