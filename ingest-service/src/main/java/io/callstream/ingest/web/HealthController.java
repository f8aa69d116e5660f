package io.callstream.ingest.web;

import io.callstream.registry.client.RestSchemaRegistryClient;
import io.micronaut.context.BeanContext;
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
 * the schema registry answer, and every registered {@link ReadinessCheck} (the processor, the sinks)
 * is up; 503 otherwise, so a load balancer routes around it and a supervisor sees the failure.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class HealthController {

    private final Admin admin;
    private final RestSchemaRegistryClient registry;
    private final BeanContext beans;

    HealthController(Admin admin, RestSchemaRegistryClient registry, BeanContext beans) {
        this.admin = admin;
        this.registry = registry;
        this.beans = beans;
    }

    @Get(uri = "/health", produces = MediaType.APPLICATION_JSON)
    String health() {
        return "{\"status\":\"UP\"}";
    }

    @Get(uri = "/ready", produces = MediaType.APPLICATION_JSON)
    HttpResponse<String> ready() {
        boolean kafka = kafkaAnswers();
        boolean schemaRegistry = registryAnswers();
        StringBuilder parts = new StringBuilder();
        boolean others = true;
        for (ReadinessCheck check : beans.getBeansOfType(ReadinessCheck.class).stream()
                .sorted(java.util.Comparator.comparing(ReadinessCheck::name))
                .toList()) {
            boolean part = check.isUp();
            others &= part;
            parts.append(",\"")
                    .append(check.name())
                    .append("\":\"")
                    .append(state(part))
                    .append('"');
        }
        boolean up = kafka && schemaRegistry && others;
        return HttpResponse.<String>status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body("{\"status\":\"" + state(up) + "\",\"kafka\":\"" + state(kafka) + "\",\"schemaRegistry\":\""
                        + state(schemaRegistry) + "\"" + parts + "}");
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
