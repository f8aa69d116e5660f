package io.callstream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.CallKpi;
import io.callstream.schema.Leg;
import io.callstream.schema.Topics;
import io.callstream.testkit.EmbeddedTestPlatform;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once on a real broker and registry, shown by a test that tells it from at-least-once.
 * The processor (a child JVM) is killed with {@code SIGKILL} while a transaction is provably open:
 * it has written calls that are not committed (read uncommitted ahead of read committed) and has
 * committed no input offset. A second processor then finishes the work. Exactly-once must leave
 * exactly one record per call on {@code calls} read committed and KPI windows whose attempts,
 * answered calls, talk and billed seconds are those of the calls; at-least-once, run the same way,
 * must not (the replayed events are joined and counted again), or this test could not tell the
 * two apart. Each run has its own broker: the processor's topic names are fixed.
 */
class ExactlyOnceRestartIT {

    static final Instant START = Instant.parse("2024-05-01T02:00:00Z");
    static final int CALLS = 400;

    EmbeddedTestPlatform platform;

    @AfterEach
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void shouldCountEachCallOnceAcrossAKillWithAnOpenTransactionOnlyWhenExactlyOnce(
            String guarantee, @TempDir Path state) throws Exception {
        platform = EmbeddedTestPlatform.start();
        createTopics();
        String applicationId = "eos-it-" + UUID.randomUUID();
        long expectedBilled = 0;
        long expectedTalk = 0;
        OpenWork atKill;
        try (KafkaProducer<String, Object> producer = producer()) {
            for (int i = 0; i < CALLS / 2; i++) {
                expectedBilled += send(producer, i);
                expectedTalk += 60 + i % 90;
            }
            producer.flush();

            Process first = childProcessor(applicationId, guarantee, state.resolve("first"));
            atKill = awaitUncommittedOutput(first, applicationId);
            first.destroyForcibly().waitFor();
            assertThat(atKill.committedInputOffsets())
                    .as("input offsets committed at the kill")
                    .isZero();
            if (guarantee.equals("exactly_once_v2")) {
                assertThat(atKill.committedCalls())
                        .as("calls visible read committed at the kill (the transaction is open)")
                        .isLessThan(atKill.uncommittedCalls());
            }

            for (int i = CALLS / 2; i < CALLS; i++) {
                expectedBilled += send(producer, i);
                expectedTalk += 60 + i % 90;
            }
        }

        try (CallProcessor second = CallProcessor.start(
                settings(applicationId, guarantee, "100", state.resolve("second")), Duration.ofMinutes(2))) {
            List<Call> calls = readCommitted(CALLS, Duration.ofMinutes(2));
            Kpis kpis = awaitKpis(CALLS, Duration.ofSeconds(30));
            assertThat(second.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);

            System.out.printf(
                    "%s: killed with %d calls written, %d visible read committed; after the restart %d call"
                            + " records (%d calls) and KPI windows %s%n",
                    guarantee, atKill.uncommittedCalls(), atKill.committedCalls(), calls.size(), CALLS, kpis);
            boolean exact = calls.size() == CALLS
                    && calls.stream().map(Call::getCallId).distinct().count() == CALLS
                    && calls.stream().allMatch(call -> call.getVersion() == 1)
                    && kpis.equals(new Kpis(CALLS, CALLS, expectedTalk, expectedBilled));
            if (guarantee.equals("at_least_once")) {
                // what the processor wrote before the kill is written again, and counted again
                assertThat(exact)
                        .as(
                                "at-least-once gave exact results (%d call records, %s), so this test could not"
                                        + " tell the guarantees apart",
                                calls.size(), kpis)
                        .isFalse();
                assertThat(calls.size()).isGreaterThan(CALLS);
                return;
            }
            assertThat(calls).hasSize(CALLS);
            assertThat(calls.stream().map(Call::getCallId).distinct()).hasSize(CALLS);
            assertThat(calls).allSatisfy(call -> assertThat(call.getVersion()).isEqualTo(1));
            assertThat(calls.stream().mapToLong(Call::getBilledSeconds).sum()).isEqualTo(expectedBilled);
            assertThat(kpis).isEqualTo(new Kpis(CALLS, CALLS, expectedTalk, expectedBilled));
        }
    }

    /** What the killed processor had done: calls written, calls visible read committed, input offsets committed. */
    record OpenWork(long uncommittedCalls, long committedCalls, long committedInputOffsets) {}

    /** The KPI windows' totals: the last record of each window on {@code call-kpis}, read committed. */
    record Kpis(long attempts, long answered, long talkSeconds, long billedSeconds) {}

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

    private Process childProcessor(String applicationId, String guarantee, Path stateDir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.callstream",
                        CallProcessor.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("eos-child-", ".log").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("CALLSTREAM_"));
        // 8 s between commits (below the 10 s transaction timeout): the kill lands inside the first
        env.putAll(environment(applicationId, guarantee, "8000", stateDir));
        return builder.start();
    }

    /**
     * Waits until the child has written calls and committed no input offset yet: the kill then
     * lands in an open transaction (exactly-once: read uncommitted ahead of read committed) or
     * before the first offset commit (at-least-once).
     */
    private OpenWork awaitUncommittedOutput(Process child, String applicationId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (KafkaConsumer<String, byte[]> uncommitted = rawConsumer("read_uncommitted");
                KafkaConsumer<String, byte[]> committed = rawConsumer("read_committed");
                Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
            uncommitted.subscribe(List.of(Topics.CALLS));
            committed.subscribe(List.of(Topics.CALLS));
            long written = 0;
            long visible = 0;
            while (System.nanoTime() < deadline && child.isAlive()) {
                written += uncommitted.poll(Duration.ofMillis(50)).count();
                visible += committed.poll(Duration.ofMillis(50)).count();
                if (written >= 20) {
                    long offsets = admin
                            .listConsumerGroupOffsets(applicationId)
                            .partitionsToOffsetAndMetadata()
                            .get()
                            .entrySet()
                            .stream()
                            .filter(entry -> entry.getKey().topic().equals(Topics.CALL_EVENTS))
                            .filter(entry -> entry.getValue() != null)
                            .mapToLong(entry -> entry.getValue().offset())
                            .sum();
                    if (offsets == 0) {
                        return new OpenWork(written, visible, offsets);
                    }
                    throw new AssertionError("the first processor committed before the kill (" + offsets
                            + " offsets): raise its commit interval");
                }
            }
        }
        throw new AssertionError("the first processor wrote nothing uncommitted (alive: " + child.isAlive() + ")");
    }

    private Kpis awaitKpis(long attempts, Duration timeout) throws InterruptedException {
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(
                Map.of("schema.registry.url", platform.schemaRegistryUrl(), "specific.avro.reader", true), false);
        Map<String, CallKpi> latest = new HashMap<>();
        try (KafkaConsumer<String, Object> consumer =
                new KafkaConsumer<>(consumerConfig("read_committed"), new StringDeserializer(), values)) {
            consumer.subscribe(List.of(Topics.CALL_KPIS));
            long deadline = System.nanoTime() + timeout.toNanos();
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(200));
                records.forEach(record -> latest.put(record.key(), (CallKpi) record.value()));
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                Kpis totals = totals(latest);
                // settled: the attempts reached (or passed) the calls, and nothing new for 3 s
                if (totals.attempts() >= attempts && System.nanoTime() - quietSince > 3_000_000_000L) {
                    return totals;
                }
            }
            return totals(latest);
        }
    }

    private static Kpis totals(Map<String, CallKpi> windows) {
        return new Kpis(
                windows.values().stream().mapToLong(CallKpi::getAttempts).sum(),
                windows.values().stream().mapToLong(CallKpi::getAnswered).sum(),
                windows.values().stream().mapToLong(CallKpi::getTalkSeconds).sum(),
                windows.values().stream().mapToLong(CallKpi::getBilledSeconds).sum());
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

    private ProcessorSettings settings(String applicationId, String guarantee, String commitMs, Path stateDir) {
        return ProcessorSettings.fromEnvironment(environment(applicationId, guarantee, commitMs, stateDir));
    }

    private Map<String, String> environment(String applicationId, String guarantee, String commitMs, Path stateDir) {
        return Map.of(
                "CALLSTREAM_PROCESSOR_BOOTSTRAP_SERVERS",
                platform.bootstrapServers(),
                "CALLSTREAM_PROCESSOR_SCHEMA_REGISTRY_URL",
                platform.schemaRegistryUrl(),
                "CALLSTREAM_PROCESSOR_APPLICATION_ID",
                applicationId,
                "CALLSTREAM_PROCESSOR_STATE_DIR",
                stateDir.toString(),
                "CALLSTREAM_PROCESSOR_PROCESSING_GUARANTEE",
                guarantee,
                "CALLSTREAM_PROCESSOR_COMMIT_INTERVAL_MS",
                commitMs,
                "CALLSTREAM_PROCESSOR_METRICS_PORT",
                "0");
    }

    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic(Topics.CALL_EVENTS, 3, (short) 1),
                            new NewTopic(Topics.CALLS, 3, (short) 1),
                            new NewTopic(Topics.CALL_KPIS, 3, (short) 1),
                            new NewTopic(Topics.CALL_ALERTS, 1, (short) 1),
                            new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1)))
                    .all()
                    .get();
        }
    }
}
