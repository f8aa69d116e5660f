package io.callstream.ingest.web;

import io.callstream.registry.client.RestSchemaRegistryClient;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code GET /health}: the process is up. {@code GET /ready}: it can take pushes, i.e. Kafka and
 * the schema registry answer; 503 otherwise, so a load balancer routes around it.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class HealthController {

    private final Admin admin;
    private final RestSchemaRegistryClient registry;

    HealthController(Admin admin, RestSchemaRegistryClient registry) {
        this.admin = admin;
        this.registry = registry;
    }

    @Get(uri = "/health", produces = MediaType.APPLICATION_JSON)
    String health() {
        return "{\"status\":\"UP\"}";
    }

    @Get(uri = "/ready", produces = MediaType.APPLICATION_JSON)
    HttpResponse<String> ready() {
        boolean kafka = kafkaAnswers();
        boolean schemaRegistry = registryAnswers();
        boolean up = kafka && schemaRegistry;
        return HttpResponse.<String>status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body("{\"status\":\"" + state(up) + "\",\"kafka\":\"" + state(kafka) + "\",\"schemaRegistry\":\""
                        + state(schemaRegistry) + "\"}");
    }

    private boolean kafkaAnswers() {
        try {
            return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private boolean registryAnswers() {
        try {
            registry.getCompatibility(null);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String state(boolean up) {
        return up ? "UP" : "DOWN";
    }
}
