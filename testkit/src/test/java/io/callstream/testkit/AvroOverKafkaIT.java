package io.callstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.Leg;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Generated records through a real broker and registry: producer with our serializer, consumer with ours. */
class AvroOverKafkaIT {

    @Test
    void shouldDeliverGeneratedRecordsThroughKafkaInWireFormat() throws Exception {
        TestPlatform platform = TestPlatform.shared();
        String topic = "round-trip-" + UUID.randomUUID();
        List<CallEvent> sent = List.of(event("c-1", Leg.A), event("c-1", Leg.B), event("c-2", Leg.A));

        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        platform.bootstrapServers(),
                        "schema.registry.url",
                        platform.schemaRegistryUrl()),
                new StringSerializer(),
                configured(new KafkaAvroSerializer(), platform))) {
            for (CallEvent event : sent) {
                producer.send(new ProducerRecord<>(topic, event.getCallId(), event))
                        .get();
            }
        }

        assertThat(TopicReader.readAll(platform, topic, Duration.ofSeconds(2)))
                .extracting(record -> record.value())
                .containsExactlyElementsOf(sent);
    }

    private static KafkaAvroSerializer configured(KafkaAvroSerializer serializer, TestPlatform platform) {
        serializer.configure(Map.of("schema.registry.url", platform.schemaRegistryUrl()), false);
        return serializer;
    }

    private static CallEvent event(String callId, Leg leg) {
        return CallEvent.newBuilder()
                .setEventId(callId + "-" + leg)
                .setVendor("ytx")
                .setTenantId("app-1")
                .setCallId(callId)
                .setLeg(leg)
                .setEventType(CallEventType.ANSWERED)
                .setEventTime(Instant.parse("2020-04-28T06:51:37Z"))
                .setAnswerTime(Instant.parse("2020-04-28T06:51:37Z"))
                .build();
    }
}
