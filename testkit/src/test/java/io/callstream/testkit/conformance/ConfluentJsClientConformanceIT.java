package io.callstream.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.testkit.TestPlatform;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Confluent's own current JavaScript client, npm {@code @confluentinc/schemaregistry} 1.10.1
 * (installed by the build with {@code npm ci} from the lock file), through the eight basic scenarios
 * of its own integration test against our registry: register with metadata, retrieve by id and
 * subject, versions, latest with metadata, compatibility per version, subject and default config
 * with {@code normalize}, soft and permanent deletes; then a mode change (READONLY refuses, READWRITE
 * accepts again) and a subject deleted softly then permanently.
 */
class ConfluentJsClientConformanceIT {

    static final Path NODE_PROJECT = Path.of("target", "node-conformance");

    @Test
    void shouldPassEveryBasicScenarioOfConfluentsOwnClient() throws Exception {
        assertThat(NODE_PROJECT.resolve("node_modules/@confluentinc/schemaregistry"))
                .as("the build installs the npm client with npm ci (exec-maven-plugin, pre-integration-test)")
                .exists();
        String url = TestPlatform.shared().schemaRegistryUrl();
        JsonNode result = new ObjectMapper()
                .readTree(ExternalProcess.run(
                                NODE_PROJECT, Duration.ofMinutes(2), List.of("node", "confluent-conformance.js", url))
                        .successfulOutput("node confluent-conformance.js"));
        List<String> failures = new ArrayList<>();
        result.get("failed")
                .forEach(failure -> failures.add(failure.get("name").asText() + ": "
                        + failure.get("error").asText()));
        assertThat(failures).isEmpty();
        assertThat(result.get("passed")).hasSize(10); // its eight, a mode change and a subject's deletes
    }

    static final String PROBE = """
            {"type":"record","name":"ConfluentProbe","namespace":"cf.conformance","fields":[
              {"name":"id","type":"string"},
              {"name":"count","type":"long"},
              {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":18,"scale":6}},
              {"name":"note","type":["null","string"],"default":null}]}""";

    @Test
    void shouldDecodeWhatConfluentsAvroSerializerWrites() throws Exception {
        String url = TestPlatform.shared().schemaRegistryUrl();
        JsonNode encoded = new ObjectMapper().readTree(node(url, "encode", "cf-serde-in"));
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer();
        deserializer.configure(Map.of("schema.registry.url", url), false);

        GenericRecord record = (GenericRecord) deserializer.deserialize(
                "cf-serde-in", HexFormat.of().parseHex(encoded.get("hex").asText()));

        assertThat(record.getSchema()).isEqualTo(new Schema.Parser().parse(PROBE));
        assertThat(record.get("id")).hasToString("cf-1");
        assertThat(record.get("count")).isEqualTo(42L);
        assertThat(record.get("at")).isIn(1714528800123L, java.time.Instant.ofEpochMilli(1714528800123L));
        Object amount = record.get("amount");
        assertThat(
                        amount instanceof BigDecimal decimal
                                ? decimal
                                : new BigDecimal(new java.math.BigInteger(bytes((ByteBuffer) amount)), 6))
                .isEqualByComparingTo("1.5");
        assertThat(record.get("note")).isNull();
    }

    @Test
    void shouldLetConfluentsAvroDeserializerReadWhatWeWrite() throws Exception {
        String url = TestPlatform.shared().schemaRegistryUrl();
        Schema schema = new Schema.Parser().parse(PROBE);
        GenericRecord record = new GenericData.Record(schema);
        record.put("id", "ours-1");
        record.put("count", 7L);
        record.put("at", 1714528800999L);
        record.put(
                "amount",
                ByteBuffer.wrap(new BigDecimal("2.250000").unscaledValue().toByteArray()));
        record.put("note", "正常");
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", url), false);
        byte[] bytes = serializer.serialize("cf-serde-out", record);

        JsonNode decoded = new ObjectMapper()
                .readTree(node(url, "decode", "cf-serde-out", HexFormat.of().formatHex(bytes)));

        assertThat(decoded.get("id").asText()).isEqualTo("ours-1");
        assertThat(decoded.get("count").asLong()).isEqualTo(7L);
        assertThat(decoded.get("at").asLong()).isEqualTo(1714528800999L);
        assertThat(new BigDecimal(
                        new java.math.BigInteger(
                                HexFormat.of().parseHex(decoded.get("amount").asText())),
                        6))
                .isEqualByComparingTo("2.25");
        assertThat(decoded.get("note").asText()).isEqualTo("正常");
    }

    private static String node(String url, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "confluent-conformance.js", url));
        command.addAll(List.of(args));
        return ExternalProcess.run(NODE_PROJECT, Duration.ofMinutes(2), command)
                .successfulOutput("node confluent-conformance.js " + args[0]);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
