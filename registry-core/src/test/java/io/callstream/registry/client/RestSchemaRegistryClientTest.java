package io.callstream.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's HTTP behaviour (retries, errors, auth) against a scripted local HTTP server. */
class RestSchemaRegistryClientTest {

    HttpServer server;
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void shouldRetryTransientFailuresThenSucceed() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        serve((method, path) -> calls.incrementAndGet() <= 2
                ? new Reply(503, "{\"error_code\":50003,\"message\":\"busy\"}")
                : new Reply(200, "{\"id\":12}"));

        int id = client(Map.of("max.retries", 3)).register("s-value", Schema.create(Schema.Type.STRING));

        assertThat(id).isEqualTo(12);
        assertThat(calls).hasValue(3);
    }

    @Test
    void shouldNotRetryAnAnsweredErrorAndKeepItsCode() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        serve((method, path) -> {
            calls.incrementAndGet();
            return new Reply(404, "{\"error_code\":40403,\"message\":\"Schema 5 not found\"}");
        });

        assertThatThrownBy(() -> client(Map.of()).getById(5))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("Schema 5 not found")
                .extracting(e -> ((RegistryException) e).errorCode())
                .isEqualTo(40403);
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldGiveUpAfterTheConfiguredRetries() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        serve((method, path) -> {
            calls.incrementAndGet();
            return new Reply(500, "<html>proxy error</html>");
        });

        assertThatThrownBy(() -> client(Map.of("max.retries", 2)).subjects())
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("HTTP 500");
        assertThat(calls).hasValue(3);
    }

    @Test
    void shouldSendBasicAuthAndEncodeSubjects() throws IOException {
        List<String> paths = new CopyOnWriteArrayList<>();
        serve((method, path) -> {
            paths.add(path);
            return new Reply(200, "{\"subject\":\"a b\",\"version\":1,\"id\":3,\"schema\":\"\\\"string\\\"\"}");
        });

        SchemaMetadata latest = client(
                        Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "fred:letmein"))
                .getLatest("a b");

        assertThat(latest).isEqualTo(new SchemaMetadata("a b", 1, 3, "\"string\""));
        assertThat(paths).containsExactly("/subjects/a%20b/versions/latest");
        assertThat(authorizations).containsExactly("Basic ZnJlZDpsZXRtZWlu");
    }

    @Test
    void shouldReportAnUnreachableRegistry() {
        RegistryClientConfig config = RegistryClientConfig.from(
                Map.of("schema.registry.url", "http://127.0.0.1:1", "max.retries", 1, "retries.wait.ms", 1));

        assertThatThrownBy(() -> new RestSchemaRegistryClient(config).subjects())
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("unreachable");
    }

    private RestSchemaRegistryClient client(Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(extra);
        config.put(
                "schema.registry.url", "http://127.0.0.1:" + server.getAddress().getPort());
        config.put("retries.wait.ms", 1);
        return new RestSchemaRegistryClient(RegistryClientConfig.from(config));
    }

    private void serve(java.util.function.BiFunction<String, String, Reply> script) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            Reply reply = script.apply(
                    exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    private record Reply(int status, String body) {}
}
