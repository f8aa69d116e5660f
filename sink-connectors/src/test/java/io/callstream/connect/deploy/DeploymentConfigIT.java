package io.callstream.connect.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.connect.postgres.PostgresWriter;
import io.callstream.connect.sink.SinkSettings;
import io.callstream.testkit.BoundedProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** The variables the compose file requires (no defaults): test values, as a user's .env would set them. */
    static final Map<String, String> REQUIRED = Map.of(
            "YUNHUNI_SECRET", "yunhuni-0123456789abcdef",
            "UCPAAS_SECRET", "ucpaas-0123456789abcdef",
            "YTX_SECRET", "ytx-0123456789abcdef",
            "WINNERLOOK_SECRET", "winnerlook-0123456789abcdef",
            "POSTGRES_PASSWORD", "pg-test-password",
            "POSTGRES_READER_PASSWORD", "pg-reader-test-password",
            "CLICKHOUSE_PASSWORD", "ch-test-password",
            "GRAFANA_ADMIN_PASSWORD", "grafana-test-password");

    @Test
    void shouldHaveAValidComposeFile() throws Exception {
        assertThat(run(ROOT, REQUIRED, "docker-compose", "-f", "docker-compose.yml", "config", "-q"))
                .isEmpty();
        String services = run(ROOT, REQUIRED, "docker-compose", "-f", "docker-compose.yml", "config", "--services");
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
    void shouldRefuseToRunWithoutItsSecretsAndPasswords() throws Exception {
        for (String variable : REQUIRED.keySet()) {
            Map<String, String> missing = new java.util.HashMap<>(REQUIRED);
            missing.remove(variable);
            BoundedProcess.Result result =
                    execute(ROOT, missing, "docker-compose", "-f", "docker-compose.yml", "config", "-q");
            assertThat(result.exitCode()).as("compose without %s", variable).isNotZero();
            assertThat(result.output()).contains("set " + variable);
        }
    }

    @Test
    void shouldPublishOnlyIngestAndKeepEverythingElseOnLoopbackOrTheComposeNetwork() throws Exception {
        JsonNode compose = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(run(ROOT, REQUIRED, "docker-compose", "-f", "docker-compose.yml", "config"));
        JsonNode services = compose.get("services");
        List<String> published = new ArrayList<>();
        services.properties().forEach(service -> {
            for (JsonNode port : service.getValue().path("ports")) {
                String hostIp = port.isTextual()
                        ? hostIp(port.asText())
                        : port.path("host_ip").asText("");
                if (!hostIp.equals("127.0.0.1")) {
                    published.add(service.getKey());
                }
            }
        });
        assertThat(published).containsExactly("ingest");
        assertThat(services.path("schema-registry").has("ports")).isFalse();
        assertThat(services.path("connect").has("ports")).isFalse();

        JsonNode grafana = services.path("grafana").path("environment");
        assertThat(grafana.path("GF_AUTH_ANONYMOUS_ENABLED").asText()).isEqualTo("false");
        assertThat(grafana.path("GF_SECURITY_ADMIN_PASSWORD").asText())
                .isEqualTo(REQUIRED.get("GRAFANA_ADMIN_PASSWORD"));
        assertThat(services.path("postgres")
                        .path("environment")
                        .path("POSTGRES_PASSWORD")
                        .asText())
                .isEqualTo(REQUIRED.get("POSTGRES_PASSWORD"));
        assertThat(services.path("ingest")
                        .path("environment")
                        .path("CALLSTREAM_INGEST_SECRETS_YTX")
                        .asText())
                .isEqualTo(REQUIRED.get("YTX_SECRET"));
        String datasources = Files.readString(ROOT.resolve("deploy/grafana/provisioning/datasources/datasources.yml"));
        assertThat(datasources).contains("user: callstream_reader").contains("$POSTGRES_READER_PASSWORD");
        for (String file : List.of("postgres-sink.json", "clickhouse-sink.json")) {
            assertThat(json.readTree(
                                    ROOT.resolve("deploy/connect").resolve(file).toFile())
                            .path("connection.password")
                            .asText())
                    .as(file)
                    .startsWith("${env:");
        }
    }

    /** The host address of a short-syntax port ({@code [ip:]host:container}); empty for every interface. */
    private static String hostIp(String port) {
        String[] parts = port.split(":");
        return parts.length == 3 ? parts[0] : "";
    }

    @Test
    void shouldGiveTheReaderRoleSelectOnlyOnThePostgresSinksTables() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            String admin = postgres.getJdbcUrl("postgres", "postgres");
            try (Connection connection = DriverManager.getConnection(admin);
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE ROLE callstream LOGIN PASSWORD 'writer'");
                statement.execute("CREATE DATABASE callstream OWNER callstream");
            }
            String script = Files.readString(ROOT.resolve("deploy/postgres/init/10-reader.sh"));
            String sql = script.substring(script.indexOf("<<'SQL'") + 7, script.lastIndexOf("SQL"))
                    .replace(":'reader_password'", "'reader'");
            String database = postgres.getJdbcUrl("postgres", "callstream");
            try (Connection connection = DriverManager.getConnection(database);
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            String writerUrl = database.replace("user=postgres", "user=callstream") + "&password=writer";
            try (PostgresWriter writer = new PostgresWriter(new SinkSettings(Map.of("connection.url", writerUrl)))) {
                writer.createTables(); // tables created after the role, as the sink does at its first start
            }
            String readerUrl = database.replace("user=postgres", "user=callstream_reader") + "&password=reader";
            try (Connection reader = DriverManager.getConnection(readerUrl);
                    Statement statement = reader.createStatement()) {
                statement
                        .executeQuery("SELECT count(*) FROM billing_reconciliation")
                        .close();
                statement.executeQuery("SELECT count(*) FROM calls").close();
                org.junit.jupiter.api.Assertions.assertThrows(
                        java.sql.SQLException.class, () -> statement.execute("DELETE FROM calls"));
            }
        }
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
        return run(directory, Map.of(), command);
    }

    static String run(Path directory, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        BoundedProcess.Result result = execute(directory, env, command);
        assertThat(result.exitCode())
                .as("%s failed:%n%s", String.join(" ", command), result.output())
                .isZero();
        return result.output();
    }

    /** Runs a tool with exactly these variables of {@link #REQUIRED} set (the others removed). */
    static BoundedProcess.Result execute(Path directory, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeAll(REQUIRED.keySet());
        builder.environment().putAll(env);
        try {
            return BoundedProcess.run(builder, java.time.Duration.ofMinutes(2));
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is not installed (.ci/run installs it with apt)", e);
        }
    }
}
