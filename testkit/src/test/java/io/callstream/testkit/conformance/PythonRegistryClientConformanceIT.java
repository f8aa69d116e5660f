package io.callstream.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.registry.client.RegistryClientConfig;
import io.callstream.registry.client.RestSchemaRegistryClient;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.testkit.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confluent's own Python client ({@code confluent_kafka.schema_registry.SchemaRegistryClient}, from
 * Debian's python3-confluent-kafka) against the platform's registry, and python3-avro decoding
 * bytes written by callstream's serializer.
 */
class PythonRegistryClientConformanceIT {

    static final String PYTHON = "/usr/bin/python3";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldServeThePythonClientAndLetPythonDecodeOurBytes(@TempDir Path temp) throws Exception {
        TestPlatform platform = TestPlatform.shared();
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", platform.schemaRegistryUrl()), false);
        Path payload = temp.resolve("payload.bin");
        Files.write(payload, serializer.serialize("py-call-events", ConformanceFixtures.callEvent("c-py")));

        JsonNode seen = JSON.readTree(ExternalProcess.run(
                        Path.of("."),
                        Duration.ofMinutes(2),
                        List.of(
                                PYTHON,
                                "src/test/python/conformance.py",
                                platform.schemaRegistryUrl(),
                                payload.toString()))
                .successfulOutput("python3 conformance.py (needs Debian's python3-confluent-kafka and python3-avro)"));

        var ours = new RestSchemaRegistryClient(RegistryClientConfig.of(platform.schemaRegistryUrl()));
        int registered = seen.get("registered_id").asInt();
        assertThat(seen.get("registered_again_id").asInt()).isEqualTo(registered);
        assertThat(ours.getById(registered))
                .isEqualTo(new Schema.Parser().parse(seen.get("by_id").toString()));
        assertThat(seen.get("latest"))
                .isEqualTo(JSON.readTree(
                        "{\"id\":" + registered + ",\"version\":1,\"subject\":\"py-conformance-value\"}"));
        assertThat(seen.get("compatible").asBoolean()).isTrue();
        assertThat(seen.get("incompatible").asBoolean()).isFalse();
        assertThat(ours.getLatest("py-conformance-value").id())
                .isEqualTo(seen.get("v2_id").asInt());
        assertThat(seen.get("versions").toString()).isEqualTo("[1,2]");
        assertThat(seen.get("subject_level").asText()).isEqualTo("FULL");
        assertThat(seen.get("subjects").toString()).contains("\"py-conformance-value\"", "\"py-call-events-value\"");

        JsonNode decoded = seen.get("payload");
        assertThat(decoded.get("magic").asInt()).isZero();
        assertThat(decoded.get("schema_id").asInt())
                .isEqualTo(ours.getLatest("py-call-events-value").id());
        JsonNode record = decoded.get("record");
        assertThat(record.get("callId").asText()).isEqualTo("c-py");
        assertThat(record.get("leg").asText()).isEqualTo("B");
        assertThat(record.get("stateText").asText()).isEqualTo("正常");
        assertThat(record.get("eventTime").asText()).isEqualTo("2024-05-01T02:02:09+00:00");
        assertThat(record.get("vendorAmount").asText()).isEqualTo("0.310000");
        assertThat(record.get("legDurationSeconds").asInt()).isEqualTo(120);
        assertThat(record.get("attributes").toString()).isEqualTo("{\"bindId\":\"b-7\"}");
    }
}
