package io.callstream.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.registry.client.RegistryClientConfig;
import io.callstream.registry.client.RestSchemaRegistryClient;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.testkit.TestPlatform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * npm's {@code @kafkajs/confluent-schema-registry} (installed by the build with {@code npm ci} from
 * {@code src/test/node}) against the platform's registry and callstream's serdes, both ways.
 */
class NodeRegistryClientConformanceIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path NODE_PROJECT = Path.of("target", "node-conformance");
    static final String PROBE_SCHEMA = """
            {"type":"record","name":"NodeProbe","namespace":"node.conformance","fields":[
              {"name":"id","type":"string"},
              {"name":"count","type":"long"},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"note","type":["null","string"],"default":null}]}""";

    final TestPlatform platform = TestPlatform.shared();

    @Test
    void shouldDecodeWhatTheNodeClientEncodes() throws Exception {
        JsonNode encoded = JSON.readTree(node(
                "encode",
                "node-conformance-value",
                PROBE_SCHEMA,
                "{\"id\":\"n-1\",\"count\":42,\"tags\":[\"a\",\"b\"],\"note\":null}"));
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer();
        deserializer.configure(Map.of("schema.registry.url", platform.schemaRegistryUrl()), false);

        GenericRecord record = (GenericRecord) deserializer.deserialize(
                "node-conformance", HexFormat.of().parseHex(encoded.get("hex").asText()));

        var ours = new RestSchemaRegistryClient(RegistryClientConfig.of(platform.schemaRegistryUrl()));
        assertThat(ours.getById(encoded.get("id").asInt())).isEqualTo(new Schema.Parser().parse(PROBE_SCHEMA));
        assertThat(record.get("id")).hasToString("n-1");
        assertThat(record.get("count")).isEqualTo(42L);
        assertThat(record.get("tags").toString()).isEqualTo("[a, b]");
        assertThat(record.get("note")).isNull();
    }

    @Test
    void shouldLetTheNodeClientDecodeWhatWeEncode() throws Exception {
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", platform.schemaRegistryUrl()), false);
        byte[] bytes = serializer.serialize("node-call-events", ConformanceFixtures.callEvent("c-node"));

        JsonNode decoded = JSON.readTree(node("decode", HexFormat.of().formatHex(bytes)));

        assertThat(decoded.get("callId").asText()).isEqualTo("c-node");
        assertThat(decoded.get("vendor").asText()).isEqualTo("winnerlook");
        assertThat(decoded.get("leg").asText()).isEqualTo("B");
        assertThat(decoded.get("eventTime").asLong()).isEqualTo(ConformanceFixtures.EVENT_TIME.toEpochMilli());
        assertThat(decoded.get("stateText").asText()).isEqualTo("正常");
        assertThat(decoded.get("legDurationSeconds").asInt()).isEqualTo(120);
        assertThat(decoded.get("attributes").toString()).isEqualTo("{\"bindId\":\"b-7\"}");
    }

    private String node(String... args) throws Exception {
        assertThat(NODE_PROJECT.resolve("node_modules/@kafkajs/confluent-schema-registry"))
                .as("the build installs the npm client with npm ci (exec-maven-plugin, pre-integration-test)")
                .exists();
        List<String> command =
                new java.util.ArrayList<>(List.of("node", "conformance.js", platform.schemaRegistryUrl()));
        command.addAll(List.of(args));
        return ExternalProcess.run(NODE_PROJECT, Duration.ofMinutes(2), command)
                .successfulOutput("node conformance.js " + args[0]);
    }
}
