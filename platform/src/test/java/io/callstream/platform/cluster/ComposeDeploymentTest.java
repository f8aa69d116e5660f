package io.callstream.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local cluster's settings are read from the repository's own docker-compose.yml and deploy/. */
class ComposeDeploymentTest {

    final ComposeDeployment compose =
            ComposeDeployment.read(Path.of("..").toAbsolutePath().normalize());

    @Test
    void shouldTakeTheBrokersSettingsFromComposesKafkaVariablesWithoutThePerHostOnes() {
        assertThat(compose.brokers())
                .containsExactly(Map.entry(1, "kafka-1"), Map.entry(2, "kafka-2"), Map.entry(3, "kafka-3"));
        assertThat(compose.clusterId()).isEqualTo("Y2FsbHN0cmVhbS1jbHVzdGVy");
        assertThat(compose.brokerProperties())
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("default.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("auto.create.topics.enable", "false")
                .doesNotContainKeys(
                        "node.id", "listeners", "advertised.listeners", "controller.quorum.voters", "log.dirs");
    }

    @Test
    void shouldResolveComposesVariablesAndLeaveOutRequiredOnesNotGiven() {
        Map<String, String> ingest = compose.environment("ingest", Map.of());
        assertThat(ingest)
                .containsEntry("CALLSTREAM_INGEST_TRUSTED_PROXIES", "")
                .doesNotContainKey("CALLSTREAM_INGEST_SECRETS_YTX");
        assertThat(compose.environment("connect", Map.of("POSTGRES_PASSWORD", "pw")))
                .containsEntry("POSTGRES_PASSWORD", "pw")
                .doesNotContainKey("CLICKHOUSE_PASSWORD");
        assertThat(compose.environment("processor", Map.of()))
                .containsEntry("CALLSTREAM_PROCESSOR_REPLICATION_FACTOR", "3")
                .containsEntry("CALLSTREAM_PROCESSOR_STANDBY_REPLICAS", "1");
        assertThat(compose.commandOption("topics", "--replication-factor")).isEqualTo("3");
    }

    @Test
    void shouldMapComposesAddressesToLoopback() {
        Map<String, String> addresses = Map.of(
                "kafka-1:9092,kafka-2:9092,kafka-3:9092", "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3",
                "kafka-1:9092", "127.0.0.1:1",
                "http://schema-registry:8081", "http://127.0.0.1:4");
        assertThat(ComposeDeployment.localize("kafka-1:9092,kafka-2:9092,kafka-3:9092", addresses))
                .isEqualTo("127.0.0.1:1,127.0.0.1:2,127.0.0.1:3");
        assertThat(ComposeDeployment.localize("http://schema-registry:8081", addresses))
                .isEqualTo("http://127.0.0.1:4");
        assertThat(ComposeDeployment.localize("http://0.0.0.0:8083", addresses)).isEqualTo("http://127.0.0.1:8083");
        assertThat(compose.connector("postgres-sink")).containsEntry("tasks.max", "3");
        assertThat(compose.connectWorker().getProperty("group.id")).isEqualTo("callstream-connect");
    }
}
