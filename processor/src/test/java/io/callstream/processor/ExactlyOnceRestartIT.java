package io.callstream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.Leg;
import io.callstream.schema.Topics;
import io.callstream.testkit.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once on a real broker and registry: the processor is killed (SIGKILL, in a child JVM)
 * mid-stream and started again; read committed, {@code calls} then holds exactly one record per
 * call, with the right billed totals.
 */
class ExactlyOnceRestartIT {

    static final Instant START = Instant.parse("2024-05-01T02:00:00Z");
    static final int CALLS = 400;

    final TestPlatform platform = TestPlatform.shared();

    @Test
    void shouldEmitExactlyOneRecordPerCallAcrossAKillAndRestart(@TempDir Path state) throws Exception {
        createTopics();
        String applicationId = "eos-it-" + UUID.randomUUID();
        long expectedBilled = 0;
        try (KafkaProducer<String, Object> producer = producer()) {
            for (int i = 0; i < CALLS / 2; i++) {
                expectedBilled += send(producer, i);
            }
            producer.flush();

            Process first = childProcessor(applicationId, state.resolve("first"));
            awaitSomeOutput(first);
            first.destroyForcibly().waitFor();

            for (int i = CALLS / 2; i < CALLS; i++) {
                expectedBilled += send(producer, i);
            }
        }

        try (CallProcessor second =
                CallProcessor.start(settings(applicationId, state.resolve("second")), Duration.ofMinutes(2))) {
            List<Call> calls = readCommitted(CALLS, Duration.ofMinutes(2));

            assertThat(second.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
            assertThat(calls).hasSize(CALLS);
            assertThat(calls.stream().map(Call::getCallId).distinct()).hasSize(CALLS);
            assertThat(calls).allSatisfy(call -> assertThat(call.getVersion()).isEqualTo(1));
            assertThat(calls.stream().mapToLong(Call::getBilledSeconds).sum()).isEqualTo(expectedBilled);
        }
    }

    /** A bridged call of 60 + (i % 90) talk seconds, stated in one push of two leg records. */
    private long send(KafkaProducer<String, Object> producer, int i) {
        String callId = "eos-" + i;
        int talk = 60 + i % 90;
        Instant end = START.plusSeconds(10 + talk);
        for (Leg leg : List.of(Leg.A, Leg.B)) {
            CallEvent event = CallEvent.newBuilder()
                    .setEventId(callId + "-" + leg)
                    .setVendor("winnerlook")
                    .setTenantId("t-1")
                    .setCallId(callId)
                    .setLeg(leg)
                    .setEventType(CallEventType.CALL_RECORD)
                    .setEventTime(end)
                    .setAnswerTime(leg == Leg.A ? START.plusSeconds(2) : START.plusSeconds(10))
                    .setEndTime(end)
                    .setStateCode("0")
                    .setStateSource(leg == Leg.A ? "callerState" : "calleeState")
                    .setEnvelopeId("env-" + callId)
                    .setPushEventCount(2)
                    .build();
            producer.send(new ProducerRecord<>(Topics.CALL_EVENTS, Topics.callKey("winnerlook", callId), event));
        }
        return (talk + 59) / 60 * 60L;
    }

    private Process childProcessor(String applicationId, Path stateDir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.callstream",
                        CallProcessor.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("eos-child-", ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("CALLSTREAM_PROCESSOR_BOOTSTRAP_SERVERS", platform.bootstrapServers());
        env.put("CALLSTREAM_PROCESSOR_SCHEMA_REGISTRY_URL", platform.schemaRegistryUrl());
        env.put("CALLSTREAM_PROCESSOR_APPLICATION_ID", applicationId);
        env.put("CALLSTREAM_PROCESSOR_STATE_DIR", stateDir.toString());
        env.put("CALLSTREAM_PROCESSOR_METRICS_PORT", "0");
        return builder.start();
    }

    /** Waits until the child has written some calls (read uncommitted), so the kill lands mid-stream. */
    private void awaitSomeOutput(Process child) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = rawConsumer("read_uncommitted")) {
            consumer.subscribe(List.of(Topics.CALLS));
            while (System.nanoTime() < deadline && child.isAlive()) {
                if (!consumer.poll(Duration.ofMillis(100)).isEmpty()) {
                    return;
                }
            }
        }
        throw new AssertionError("the first processor wrote nothing (alive: " + child.isAlive() + ")");
    }

    private List<Call> readCommitted(int expected, Duration timeout) {
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(
                Map.of("schema.registry.url", platform.schemaRegistryUrl(), "specific.avro.reader", true), false);
        Map<String, Object> config = consumerConfig("read_committed");
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(Topics.CALLS));
            List<Call> calls = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (calls.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
                    calls.add((Call) record.value());
                }
            }
            // Anything beyond the expected records (a duplicate) would show up within a few more polls.
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> calls.add((Call) record.value()));
            }
            return calls;
        }
    }

    private KafkaConsumer<String, byte[]> rawConsumer(String isolation) {
        return new KafkaConsumer<>(
                consumerConfig(isolation),
                new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    }

    private Map<String, Object> consumerConfig(String isolation) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        return config;
    }

    private KafkaProducer<String, Object> producer() {
        KafkaAvroSerializer values = new KafkaAvroSerializer();
        values.configure(Map.of("schema.registry.url", platform.schemaRegistryUrl()), false);
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
                new StringSerializer(),
                values);
    }

    private ProcessorSettings settings(String applicationId, Path stateDir) {
        return ProcessorSettings.fromEnvironment(Map.of(
                "CALLSTREAM_PROCESSOR_BOOTSTRAP_SERVERS",
                platform.bootstrapServers(),
                "CALLSTREAM_PROCESSOR_SCHEMA_REGISTRY_URL",
                platform.schemaRegistryUrl(),
                "CALLSTREAM_PROCESSOR_APPLICATION_ID",
                applicationId,
                "CALLSTREAM_PROCESSOR_STATE_DIR",
                stateDir.toString(),
                "CALLSTREAM_PROCESSOR_PROCESSING_GUARANTEE",
                "exactly_once_v2",
                "CALLSTREAM_PROCESSOR_METRICS_PORT",
                "0"));
    }

    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic(Topics.CALL_EVENTS, 3, (short) 1),
                            new NewTopic(Topics.CALLS, 3, (short) 1),
                            new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1)))
                    .all()
                    .get();
        }
    }
}
