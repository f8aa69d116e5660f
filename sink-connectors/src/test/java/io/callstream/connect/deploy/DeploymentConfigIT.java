package io.callstream.connect.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.connect.postgres.PostgresWriter;
import io.callstream.connect.sink.SinkSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the distributed deployment without a Docker engine: the compose file is
 * valid ({@code docker-compose config -q}), the Prometheus rules load and pass their unit tests
 * ({@code promtool}), the connector configs are accepted by the connectors, and every SQL query of
 * the Grafana dashboard runs against the tables and views the PostgreSQL sink creates. The tools
 * come from Debian ({@code .ci/run} installs them); a missing tool fails the test.
 */
class DeploymentConfigIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldHaveAValidComposeFile() throws Exception {
        assertThat(run(ROOT, "docker-compose", "-f", "docker-compose.yml", "config", "-q"))
                .isEmpty();
        String services = run(ROOT, "docker-compose", "-f", "docker-compose.yml", "config", "--services");
        assertThat(services.lines())
                .contains(
                        "kafka-1",
                        "kafka-2",
                        "kafka-3",
                        "schema-registry",
                        "ingest",
                        "processor",
                        "connect",
                        "postgres",
                        "clickhouse",
                        "prometheus",
                        "grafana");
    }

    @Test
    void shouldLoadThePrometheusRulesAndPassTheirTests() throws Exception {
        Path prometheus = ROOT.resolve("deploy/prometheus");
        assertThat(run(prometheus, "promtool", "check", "rules", "rules.yml")).contains("SUCCESS");
        // The config names the rules where the container mounts them; check it against the repository's.
        Path config = Files.createTempFile("prometheus", ".yml");
        Files.writeString(
                config,
                Files.readString(prometheus.resolve("prometheus.yml"))
                        .replace(
                                "/etc/prometheus/rules.yml",
                                prometheus.resolve("rules.yml").toString()));
        assertThat(run(prometheus, "promtool", "check", "config", config.toString()))
                .contains("SUCCESS");
        assertThat(run(prometheus, "promtool", "test", "rules", "rules-test.yml"))
                .contains("SUCCESS");
    }

    @Test
    void shouldHaveConnectorConfigsTheConnectorsAccept() throws Exception {
        for (String file : List.of("postgres-sink.json", "clickhouse-sink.json")) {
            Map<String, String> config = json.readValue(
                    ROOT.resolve("deploy/connect").resolve(file).toFile(),
                    json.getTypeFactory().constructMapType(Map.class, String.class, String.class));
            assertThat(new SinkSettings(config).url()).as(file).isNotBlank();
            Class.forName(config.get("connector.class"));
        }
    }

    @Test
    void shouldQueryOnlyTablesAndColumnsThatExist() throws Exception {
        JsonNode dashboard = json.readTree(
                ROOT.resolve("deploy/grafana/dashboards/callstream.json").toFile());
        List<String> queries = new ArrayList<>();
        List<String> promQueries = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                if (target.has("rawSql")) {
                    queries.add(target.get("rawSql").asText());
                } else {
                    promQueries.add(target.get("expr").asText());
                }
            }
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            try (PostgresWriter writer = new PostgresWriter(new SinkSettings(Map.of("connection.url", url)))) {
                writer.createTables();
            }
            try (Connection connection = DriverManager.getConnection(url);
                    Statement statement = connection.createStatement()) {
                for (String query : queries) {
                    // Grafana's time macro, as Grafana expands it
                    String sql = query.replaceAll(
                            "\\$__timeFilter\\((\\w+)\\)",
                            "$1 BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-02T00:00:00Z'");
                    statement.executeQuery(sql).close();
                }
            }
        }
        // Prometheus panels use only metrics callstream exports or recording rules it defines.
        String rules = Files.readString(ROOT.resolve("deploy/prometheus/rules.yml"));
        for (String expr : promQueries) {
            assertThat(expr)
                    .as("dashboard query %s", expr)
                    .containsAnyOf(
                            "callstream_ingest_",
                            "callstream_processor_",
                            "kafka_consumergroup_lag",
                            "kafka_topic_partition_current_offset",
                            "callstream:failure_rate:5m");
            if (expr.contains("callstream:")) {
                assertThat(rules).contains("record: " + expr.trim());
            }
        }
    }

    /** Runs a tool; its output, or a failure naming it when it is missing or fails. */
    static String run(Path directory, String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is not installed (.ci/run installs it with apt)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("%s failed:%n%s", String.join(" ", command), output)
                .isZero();
        return output;
    }
}
