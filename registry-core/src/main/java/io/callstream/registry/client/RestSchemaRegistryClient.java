package io.callstream.registry.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry client speaking Confluent's REST API over {@code java.net.http}. Transient
 * failures (unreachable, 408, 429, 5xx) are retried with exponential backoff, moving on to the next
 * configured URL; errors the registry answers are thrown as {@link RegistryException}. No caching:
 * wrap it in {@link CachingSchemaRegistryClient}.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final AtomicInteger nextUrl = new AtomicInteger();

    public RestSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public int register(String subject, Schema schema) {
        return send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema))
                .get("id")
                .asInt();
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        return metadata(send("POST", "/subjects/" + encode(subject), schemaBody(schema)));
    }

    @Override
    public Schema getById(int id) {
        return new Schema.Parser()
                .parse(send("GET", "/schemas/ids/" + id, null).get("schema").asText());
    }

    @Override
    public SchemaMetadata getLatest(String subject) {
        return metadata(send("GET", "/subjects/" + encode(subject) + "/versions/latest", null));
    }

    @Override
    public SchemaMetadata getVersion(String subject, int version) {
        return metadata(send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null));
    }

    @Override
    public List<String> subjects() {
        return JSON.convertValue(send("GET", "/subjects", null), new TypeReference<List<String>>() {});
    }

    @Override
    public List<Integer> versions(String subject) {
        return JSON.convertValue(
                send("GET", "/subjects/" + encode(subject) + "/versions", null), new TypeReference<List<Integer>>() {});
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema))
                .get("is_compatible")
                .asBoolean();
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        String path = subject == null ? "/config" : "/config/" + encode(subject) + "?defaultToGlobal=true";
        return CompatibilityLevel.parse(
                send("GET", path, null).get("compatibilityLevel").asText());
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        String path = subject == null ? "/config" : "/config/" + encode(subject);
        send("PUT", path, JSON.createObjectNode().put("compatibility", level.name()));
    }

    @Override
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        String path = "/subjects/" + encode(subject) + (permanent ? "?permanent=true" : "");
        return JSON.convertValue(send("DELETE", path, null), new TypeReference<List<Integer>>() {});
    }

    private JsonNode send(String method, String pathAndQuery, Object body) {
        RegistryException last = null;
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (attempt > 0) {
                sleep(backoff(attempt));
            }
            URI base =
                    config.urls().get(Math.floorMod(nextUrl.get(), config.urls().size()));
            try {
                HttpResponse<String> response = http.send(
                        request(method, base, pathAndQuery, body),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() / 100 == 2) {
                    return JSON.readTree(response.body());
                }
                last = errorOf(response);
                if (!isTransient(response.statusCode())) {
                    throw last;
                }
            } catch (IOException e) {
                last = new RegistryException(
                        -1, RegistryException.UNREACHABLE, "Schema registry " + base + " unreachable: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(-1, RegistryException.UNREACHABLE, "Interrupted calling " + base, e);
            }
            nextUrl.incrementAndGet();
            log.debug("{} {} failed (attempt {}): {}", method, pathAndQuery, attempt + 1, last.getMessage());
        }
        throw last;
    }

    private HttpRequest request(String method, URI base, String pathAndQuery, Object body) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (body != null) {
            builder.header("Content-Type", CONTENT_TYPE);
        }
        config.userInfo()
                .ifPresent(info -> builder.header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8))));
        return builder.build();
    }

    private static RegistryException errorOf(HttpResponse<String> response) {
        int status = response.statusCode();
        try {
            JsonNode error = JSON.readTree(response.body());
            if (error != null && error.has("error_code")) {
                return new RegistryException(
                        status,
                        error.get("error_code").asInt(),
                        error.path("message").asText("HTTP " + status));
            }
        } catch (IOException notJson) {
            // An error page from a proxy, not the registry: report the status and body as they are.
        }
        return new RegistryException(
                status, status, "HTTP " + status + " from " + response.uri() + ": " + abbreviate(response.body()));
    }

    private static boolean isTransient(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private Duration backoff(int attempt) {
        long millis = config.retryWait().toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, config.maxRetryWait().toMillis()));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(-1, RegistryException.UNREACHABLE, "Interrupted while backing off", e);
        }
    }

    private static Map<String, String> schemaBody(Schema schema) {
        return Map.of("schema", schema.toString());
    }

    private static SchemaMetadata metadata(JsonNode node) {
        return new SchemaMetadata(
                node.get("subject").asText(),
                node.get("version").asInt(),
                node.get("id").asInt(),
                node.get("schema").asText());
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 200 ? String.valueOf(text) : text.substring(0, 200) + "…";
    }
}
