package io.callstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.Leg;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
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

        assertThat(consume(platform, topic, sent.size())).containsExactlyElementsOf(sent);
    }

    private static List<Object> consume(TestPlatform platform, String topic, int expected) {
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer();
        deserializer.configure(
                Map.of("schema.registry.url", platform.schemaRegistryUrl(), "specific.avro.reader", true), false);
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "round-trip",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(),
                deserializer)) {
            consumer.subscribe(List.of(topic));
            List<Object> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> received.add(record.value()));
            }
            return received;
        }
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
