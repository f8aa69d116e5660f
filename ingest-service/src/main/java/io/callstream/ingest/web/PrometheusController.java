package io.callstream.ingest.web;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** {@code GET /prometheus}: the service's metrics in Prometheus' text format. */
@Controller
final class PrometheusController {

    private final IngestMetrics metrics;

    PrometheusController(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    @Get(uri = "/prometheus", produces = "text/plain; version=0.0.4; charset=utf-8")
    String scrape() {
        return metrics.scrape();
    }
}
