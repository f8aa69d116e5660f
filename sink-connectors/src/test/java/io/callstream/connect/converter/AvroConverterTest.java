package io.callstream.connect.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.registry.core.InMemorySchemaRegistryClient;
import io.callstream.registry.serde.AvroSerdeConfig;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.Call;
import java.math.BigDecimal;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroConverterTest {

    final String scope = "converter-" + UUID.randomUUID();
    final Map<String, Object> registry = Map.of("schema.registry.url", "mock://" + scope);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    static Stream<Arguments> contracts() {
        return Stream.of(true, false)
                .flatMap(converters -> Stream.of(
                        Arguments.of("calls", Contracts.call(), converters),
                        Arguments.of("call-kpis", Contracts.kpi(), converters),
                        Arguments.of("call-alerts", Contracts.alert(), converters)));
    }

    @ParameterizedTest(name = "{0}, avro.use.logical.type.converters={2}")
    @MethodSource("contracts")
    void shouldWriteBackTheContractRecordItRead(String topic, SpecificRecord record, boolean converters) {
        AvroConverter converter = converter(false, Map.of(AvroSerdeConfig.USE_LOGICAL_TYPE_CONVERTERS, converters));

        SchemaAndValue connect = converter.toConnectData(topic, serialize(topic, record));
        byte[] written = converter.fromConnectData(topic, connect.schema(), connect.value());

        assertThat(deserializeSpecific(topic, written)).isEqualTo(record);
    }

    @Test
    void shouldGiveConnectTheCallWithConnectTypes() {
        Struct call = (Struct) converter(false, Map.of())
                .toConnectData("calls", serialize("calls", Contracts.call()))
                .value();

        assertThat(call.schema().name()).isEqualTo(Call.getClassSchema().getFullName());
        assertThat(call.schema().field("finalisedAt").schema()).isEqualTo(Timestamp.SCHEMA);
        assertThat(call.get("finalisedAt")).isEqualTo(Date.from(Contracts.FINALISED));
        assertThat(call.schema().field("amount").schema())
                .isEqualTo(Decimal.builder(6)
                        .optional()
                        .parameter(AvroConnectData.DECIMAL_PRECISION, "18")
                        .build());
        assertThat(call.get("amount")).isEqualTo(new BigDecimal("0.240000"));
        assertThat(call.get("outcome")).isEqualTo("CONNECTED");
        assertThat(call.schema().field("outcome").schema().parameters())
                .containsEntry(AvroConnectData.ENUM, "io.callstream.schema.CallOutcome")
                .containsEntry(AvroConnectData.ENUM + ".EXPIRED", "EXPIRED");
        assertThat(call.getStruct("legA").get("dialTime")).isEqualTo(Date.from(Contracts.DIALED));
        assertThat(call.getStruct("legB").get("leg")).isEqualTo("B");
        assertThat(call.getStruct("legB").get("stateText")).isNull();
        assertThat(call.get("vendorAmount")).isNull();
        assertThat(call.schema().field("vendorAmount").schema().isOptional()).isTrue();
    }

    @Test
    void shouldGiveConnectArraysOfRecordsAsListsOfStructs() {
        Struct kpi = (Struct) converter(false, Map.of())
                .toConnectData("call-kpis", serialize("call-kpis", Contracts.kpi()))
                .value();

        assertThat(kpi.getArray("failures"))
                .map(failure -> ((Struct) failure).get("category") + "=" + ((Struct) failure).get("count"))
                .containsExactly("BUSY=6", "NO_ANSWER=4");
    }

    @Test
    void shouldConvertNullBytesToNull() {
        assertThat(converter(false, Map.of()).toConnectData("calls", null)).isSameAs(SchemaAndValue.NULL);
    }

    @Test
    void shouldWriteANullValueAsATombstone() {
        Schema optional = SchemaBuilder.struct().optional().build();

        assertThat(converter(false, Map.of()).fromConnectData("calls", optional, null))
                .isNull();
    }

    @Test
    void shouldRejectBytesThatAreNotWireFormatNamingTheTopic() {
        AvroConverter converter = converter(false, Map.of());

        assertThatThrownBy(() -> converter.toConnectData("calls", new byte[] {1, 0, 0, 0, 1, 2}))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("topic calls")
                .hasMessageContaining("magic byte");
    }

    @Test
    void shouldConvertPlainStringKeys() {
        AvroConverter converter = converter(true, Map.of());

        byte[] key = converter.fromConnectData("calls", Schema.STRING_SCHEMA, "ytx:c-1");

        assertThat(converter.toConnectData("calls", key))
                .isEqualTo(new SchemaAndValue(Schema.STRING_SCHEMA, "ytx:c-1"));
        assertThat(InMemorySchemaRegistryClient.forScope(scope).subjects()).isEqualTo(List.of("calls-key"));
    }

    @Test
    void shouldRejectAConfigurationWithoutARegistryUrl() {
        AvroConverter converter = new AvroConverter();

        assertThatThrownBy(() -> converter.configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    private AvroConverter converter(boolean isKey, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(registry);
        config.putAll(settings);
        AvroConverter converter = new AvroConverter();
        converter.configure(config, isKey);
        return converter;
    }

    private byte[] serialize(String topic, Object record) {
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(registry, false);
            return serializer.serialize(topic, record);
        }
    }

    private Object deserializeSpecific(String topic, byte[] bytes) {
        Map<String, Object> config = new HashMap<>(registry);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            deserializer.configure(config, false);
            return deserializer.deserialize(topic, bytes);
        }
    }
}
