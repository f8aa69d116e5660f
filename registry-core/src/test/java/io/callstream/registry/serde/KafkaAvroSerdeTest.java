package io.callstream.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.registry.core.InMemorySchemaRegistryClient;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaAvroSerdeTest {

    final String scope = "serde-" + UUID.randomUUID();
    final Map<String, Object> config = Map.of("schema.registry.url", "mock://" + scope);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    @Test
    void shouldRoundTripAGeneratedRecordWithLogicalTypes() {
        SpecificAvroSerde<CallEvent> serde = new SpecificAvroSerde<>(CallEvent.class);
        serde.configure(config, false);
        CallEvent event = sampleEvent();

        byte[] bytes = serde.serializer().serialize("call-events", event);

        assertThat(serde.deserializer().deserialize("call-events", bytes)).isEqualTo(event);
    }

    @Test
    void shouldFrameWithMagicByteAndTheRegisteredSchemaId() {
        KafkaAvroSerializer serializer = serializer(config);

        byte[] bytes = serializer.serialize("call-events", sampleEvent());

        int id = InMemorySchemaRegistryClient.forScope(scope)
                .getLatest("call-events-value")
                .id();
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    }

    @Test
    void shouldReadGenericRecordsUnlessSpecificReaderIsConfigured() {
        byte[] bytes = serializer(config).serialize("call-events", sampleEvent());
        KafkaAvroDeserializer generic = new KafkaAvroDeserializer();
        generic.configure(config, false);

        Object value = generic.deserialize("call-events", bytes);

        assertThat(value).isInstanceOf(GenericRecord.class).isNotInstanceOf(CallEvent.class);
        assertThat(((GenericRecord) value).get("callId")).hasToString("c-1");
    }

    @Test
    void shouldRoundTripGenericRecordsAndPrimitives() {
        Schema schema = SchemaBuilder.record("Point")
                .namespace("t")
                .fields()
                .requiredInt("x")
                .optionalString("label")
                .endRecord();
        GenericRecord point = new GenericData.Record(schema);
        point.put("x", 7);
        point.put("label", "seven");
        GenericAvroSerde serde = new GenericAvroSerde();
        serde.configure(config, false);
        KafkaAvroSerializer keySerializer = new KafkaAvroSerializer();
        keySerializer.configure(config, true);
        KafkaAvroDeserializer keyDeserializer = new KafkaAvroDeserializer();
        keyDeserializer.configure(config, true);

        GenericRecord back =
                serde.deserializer().deserialize("points", serde.serializer().serialize("points", point));
        Object key = keyDeserializer.deserialize("points", keySerializer.serialize("points", "k-1"));

        assertThat(back).isEqualTo(point);
        assertThat(key).hasToString("k-1");
        assertThat(InMemorySchemaRegistryClient.forScope(scope).subjects())
                .containsExactly("points-key", "points-value");
    }

    @Test
    void shouldNameSubjectsByTheConfiguredStrategy() {
        KafkaAvroSerializer serializer = serializer(Map.of(
                "schema.registry.url",
                "mock://" + scope,
                "value.subject.name.strategy",
                "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"));

        serializer.serialize("call-events", sampleEvent());

        assertThat(InMemorySchemaRegistryClient.forScope(scope).subjects())
                .containsExactly("call-events-io.callstream.schema.CallEvent");
    }

    @Test
    void shouldFailClearlyWhenAutoRegisterIsOffAndTheSchemaIsUnknown() {
        KafkaAvroSerializer serializer =
                serializer(Map.of("schema.registry.url", "mock://" + scope, "auto.register.schemas", "false"));

        assertThatThrownBy(() -> serializer.serialize("call-events", sampleEvent()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("subject 'call-events-value'")
                .hasMessageContaining("40401");
    }

    @Test
    void shouldWriteWithTheLatestVersionWhenAsked() {
        serializer(config).serialize("call-events", sampleEvent());
        KafkaAvroSerializer latest = serializer(Map.of(
                "schema.registry.url", "mock://" + scope,
                "auto.register.schemas", "false",
                "use.latest.version", "true"));

        byte[] bytes = latest.serialize("call-events", sampleEvent());

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(1);
    }

    @Test
    void shouldRejectBytesThatAreNotWireFormat() {
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer();
        deserializer.configure(config, false);

        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {'{', '"', 'a', '"', ':', '1', '}'}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown magic byte 0x7b");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("shorter than the 5-byte header");
    }

    @Test
    void shouldRejectAnUnknownSchemaIdWithoutNullPointer() {
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer();
        deserializer.configure(config, false);

        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 42, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema with id 42")
                .hasMessageContaining("40403");
    }

    @Test
    void shouldPassNullsThrough() {
        assertThat(serializer(config).serialize("t", null)).isNull();
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer();
        deserializer.configure(config, false);
        assertThat(deserializer.deserialize("t", null)).isNull();
    }

    private static KafkaAvroSerializer serializer(Map<String, Object> config) {
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(config, false);
        return serializer;
    }

    static CallEvent sampleEvent() {
        return CallEvent.newBuilder()
                .setEventId("e-1")
                .setVendor("winnerlook")
                .setTenantId("acct-9")
                .setCallId("c-1")
                .setLeg(Leg.B)
                .setEventType(CallEventType.CALL_RECORD)
                .setEventTime(Instant.parse("2024-05-01T02:02:09Z"))
                .setPartyNumber("13900000002")
                .setAnswerTime(Instant.parse("2024-05-01T02:00:09Z"))
                .setEndTime(Instant.parse("2024-05-01T02:02:09Z"))
                .setStateCode("0")
                .setStateText("正常")
                .setStateSource("calleeState")
                .setHangupSide(HangupSide.A)
                .setLegDurationSeconds(120)
                .setVendorBilledSeconds(120)
                .setVendorAmount(new BigDecimal("0.310000"))
                .setVendorCurrency("CNY")
                .setAttributes(Map.of("bindId", "b-7"))
                .build();
    }
}
