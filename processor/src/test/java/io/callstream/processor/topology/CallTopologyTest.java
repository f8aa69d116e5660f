package io.callstream.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.processor.domain.CodeTable;
import io.callstream.processor.domain.TariffTable;
import io.callstream.registry.core.InMemorySchemaRegistryClient;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.CallKpi;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import io.callstream.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The topology {@link CallTopology#build} makes, driven by {@link TopologyTestDriver}. */
class CallTopologyTest {

    static final Instant START = Instant.parse("2024-05-01T02:00:00Z");
    static final Duration FINALISE_AFTER = Duration.ofMinutes(10);
    static final Duration RETAIN_FOR = Duration.ofHours(1);

    final String scope = "topology-" + UUID.randomUUID();
    final Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://" + scope);

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;

    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> events;
    TestOutputTopic<String, Object> calls;
    TestOutputTopic<String, Object> deadLetters;
    TestOutputTopic<String, Object> kpis;
    KafkaAvroSerializer serializer;

    @BeforeEach
    void start() {
        TopologySettings settings = new TopologySettings(
                serdeConfig,
                CodeTable.bundled(),
                TariffTable.empty(),
                Set.copyOf(CodeTable.BUNDLED_VENDORS),
                FINALISE_AFTER,
                RETAIN_FOR,
                Duration.ofSeconds(10));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "callstream-processor-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(CallTopology.build(settings), config, START);
        serializer = new KafkaAvroSerializer();
        serializer.configure(serdeConfig, false);
        events = driver.createInputTopic(Topics.CALL_EVENTS, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(Map.of("schema.registry.url", "mock://" + scope, "specific.avro.reader", true), false);
        calls = driver.createOutputTopic(Topics.CALLS, new StringDeserializer(), values);
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, new StringDeserializer(), values);
        kpis = driver.createOutputTopic(Topics.CALL_KPIS, new StringDeserializer(), values);
    }

    @AfterEach
    void stop() {
        driver.close();
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldEmitTheSameCallsForShuffledArrivalAsForInOrder(long seed) {
        List<CallEvent> inOrder = new ArrayList<>();
        for (int call = 0; call < 5; call++) {
            inOrder.addAll(ytxCall("y-" + call));
        }
        pipe(inOrder);
        List<Call> expected = finalCalls(readCalls());

        restart();
        List<CallEvent> shuffled = new ArrayList<>(inOrder);
        Collections.shuffle(shuffled, new Random(seed));
        pipe(shuffled);

        assertThat(finalCalls(readCalls())).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void shouldBillAVendorRetryOnce() {
        List<CallEvent> answered = winnerlookAnswered("wl-1");
        pipe(answered);
        pipe(answered);
        pipe(List.of(answered.getFirst()));

        List<Call> emitted = readCalls();
        assertThat(emitted).hasSize(1);
        assertThat(emitted.getFirst().getVersion()).isEqualTo(1);
        assertThat(emitted.getFirst().getBilledSeconds()).isEqualTo(120);
        assertThat(emitted.getFirst().getEventCount()).isEqualTo(2);
    }

    @Test
    void shouldWaitForEveryEventOfATerminalPushBeforeEmitting() {
        List<CallEvent> bothLegs = winnerlookAnswered("wl-4");
        pipe(List.of(bothLegs.get(1)));
        assertThat(readCalls()).isEmpty();

        pipe(List.of(bothLegs.get(0)));

        assertThat(readCalls()).singleElement().satisfies(call -> {
            assertThat(call.getVersion()).isEqualTo(1);
            assertThat(call.getOutcome()).isEqualTo(CallOutcome.CONNECTED);
            assertThat(call.getLegA()).isNotNull();
        });
    }

    @Test
    void shouldFinaliseACallWithoutTerminalInformationAfterTheTimeout() {
        pipe(List.of(event("u-1", "ucpaas", Leg.A, CallEventType.DIALING, START)
                .setDialTime(START)
                .build()));
        driver.advanceWallClockTime(FINALISE_AFTER.minusSeconds(30));
        assertThat(readCalls()).isEmpty();

        driver.advanceWallClockTime(Duration.ofSeconds(40));

        List<Call> emitted = readCalls();
        assertThat(emitted).singleElement().satisfies(call -> {
            assertThat(call.getOutcome()).isEqualTo(CallOutcome.EXPIRED);
            assertThat(call.getVersion()).isEqualTo(1);
        });
    }

    @Test
    void shouldEmitVersionTwoForAChangeAndNothingForInformationThatChangesNothing() {
        pipe(List.of(event("u-2", "ucpaas", Leg.A, CallEventType.DIALING, START)
                .setDialTime(START)
                .build()));
        driver.advanceWallClockTime(FINALISE_AFTER.plusSeconds(20));
        pipe(List.of(event("u-2", "ucpaas", Leg.B, CallEventType.RINGING, START.plusSeconds(5))
                .setRingTime(START.plusSeconds(5))
                .build()));
        assertThat(readCalls())
                .extracting(Call::getVersion, Call::getOutcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, CallOutcome.EXPIRED),
                        org.assertj.core.groups.Tuple.tuple(2, CallOutcome.EXPIRED));

        CallEvent hangup = event("u-2", "ucpaas", Leg.B, CallEventType.CALL_RECORD, START.plusSeconds(90))
                .setEndTime(START.plusSeconds(90))
                .setAnswerTime(START.plusSeconds(30))
                .setStateCode("0")
                .setStateSource("reason")
                .setHangupSide(HangupSide.B)
                .build();
        pipe(List.of(hangup));
        pipe(List.of(
                CallEvent.newBuilder(hangup).setEventId("retry-with-new-id").build()));

        List<Call> later = readCalls();
        assertThat(later).singleElement().satisfies(call -> {
            assertThat(call.getVersion()).isEqualTo(3);
            assertThat(call.getOutcome()).isEqualTo(CallOutcome.CONNECTED);
            assertThat(call.getFailureCategory()).isEqualTo(FailureCategory.NONE);
            assertThat(call.getBilledSeconds()).isEqualTo(60);
        });
    }

    @Test
    void shouldDeadLetterUndecodableRecordsAndUnknownVendorsWithTheirCoordinates() {
        byte[] garbage = "{\"not\":\"avro\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        events.pipeInput("k".getBytes(java.nio.charset.StandardCharsets.UTF_8), garbage);
        pipe(List.of(
                event("x-1", "acme", Leg.A, CallEventType.CALL_RECORD, START).build()));
        pipe(winnerlookAnswered("wl-2"));

        List<DeadLetter> letters = deadLetters.readValuesToList().stream()
                .map(DeadLetter.class::cast)
                .toList();
        assertThat(letters).hasSize(2);
        assertThat(letters.get(0).getError()).startsWith("undecodable call event: Unknown magic byte 0x7b");
        assertThat(letters.get(0).getSourceTopic()).isEqualTo(Topics.CALL_EVENTS);
        assertThat(letters.get(0).getSourceOffset()).isZero();
        assertThat(letters.get(0).getOriginalBytes().array()).isEqualTo(garbage);
        assertThat(letters.get(1).getError()).isEqualTo("unknown vendor 'acme'");
        assertThat(letters.get(1).getSourceOffset()).isEqualTo(1);
        assertThat(readCalls()).hasSize(1);
    }

    @Test
    void shouldForgetAFinishedCallAfterItsRetention() {
        pipe(winnerlookAnswered("wl-3"));
        assertThat(driver.<String, Object>getKeyValueStore(CallTopology.CALL_STATE_STORE)
                        .get("winnerlook:wl-3"))
                .isNotNull();

        driver.advanceWallClockTime(RETAIN_FOR.plusSeconds(20));

        assertThat(driver.<String, Object>getKeyValueStore(CallTopology.CALL_STATE_STORE)
                        .get("winnerlook:wl-3"))
                .isNull();
        try (var remaining = driver.<String, Object>getKeyValueStore(CallTopology.DEADLINE_STORE)
                .all()) {
            assertThat(remaining.hasNext()).isFalse();
        }
    }

    @Test
    void shouldKeepMinuteKpisOfTheLatestVersionOfEachCall() {
        pipe(List.of(ucpaasHangup("u-k1", 60)));
        pipe(List.of(event("u-k2", "ucpaas", Leg.A, CallEventType.DIALING, START)
                .setDialTime(START)
                .build()));
        driver.advanceWallClockTime(FINALISE_AFTER.plusSeconds(20));
        CallKpi expired = latestKpis().get("t-1:ucpaas:" + START.toEpochMilli());
        assertThat(expired.getAttempts()).isEqualTo(2);
        assertThat(expired.getAnswered()).isEqualTo(1);
        assertThat(expired.getFailures())
                .extracting(count -> count.getCategory())
                .containsExactly(FailureCategory.UNKNOWN);

        pipe(List.of(ucpaasHangup("u-k2", 60)));

        CallKpi corrected = latestKpis().get("t-1:ucpaas:" + START.toEpochMilli());
        assertThat(corrected.getWindowStart()).isEqualTo(START);
        assertThat(corrected.getAttempts()).isEqualTo(2);
        assertThat(corrected.getAnswered()).isEqualTo(2);
        assertThat(corrected.getAsr()).isEqualTo(1.0);
        assertThat(corrected.getFailures()).isEmpty();
        assertThat(corrected.getTalkSeconds()).isEqualTo(120);
        assertThat(corrected.getBilledSeconds()).isEqualTo(120);
    }

    /** The latest emission of each KPI window, by key. */
    private Map<String, CallKpi> latestKpis() {
        Map<String, CallKpi> latest = new java.util.HashMap<>();
        kpis.readKeyValuesToList().forEach(update -> latest.put(update.key, (CallKpi) update.value));
        return latest;
    }

    private static CallEvent ucpaasHangup(String callId, int talk) {
        return event(callId, "ucpaas", Leg.B, CallEventType.CALL_RECORD, START.plusSeconds(30 + talk))
                .setAnswerTime(START.plusSeconds(30))
                .setEndTime(START.plusSeconds(30 + talk))
                .setStateCode("0")
                .setStateSource("reason")
                .build();
    }

    private void restart() {
        driver.close();
        InMemorySchemaRegistryClient.dropScope(scope);
        start();
    }

    private void pipe(List<CallEvent> list) {
        for (CallEvent event : list) {
            events.pipeInput(
                    Topics.callKey(event.getVendor(), event.getCallId())
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    serializer.serialize(Topics.CALL_EVENTS, event));
        }
    }

    private List<Call> readCalls() {
        return calls.readValuesToList().stream().map(Call.class::cast).toList();
    }

    /** The latest version of each call, as the processor compares results: version and event count aside. */
    private static List<Call> finalCalls(List<Call> emitted) {
        Map<String, Call> latest = new java.util.TreeMap<>();
        emitted.forEach(
                call -> latest.merge(call.getCallId(), call, (a, b) -> a.getVersion() >= b.getVersion() ? a : b));
        return latest.values().stream()
                .map(call ->
                        Call.newBuilder(call).setVersion(0).setEventCount(0).build())
                .toList();
    }

    static List<CallEvent> winnerlookAnswered(String callId) {
        Instant end = START.plusSeconds(129);
        return List.of(
                event(callId, "winnerlook", Leg.A, CallEventType.CALL_RECORD, end)
                        .setEventId(callId + "-a")
                        .setEnvelopeId("env-" + callId)
                        .setPushEventCount(2)
                        .setAnswerTime(START.plusSeconds(1))
                        .setEndTime(end)
                        .setStateCode("10")
                        .setStateSource("state")
                        .build(),
                event(callId, "winnerlook", Leg.B, CallEventType.CALL_RECORD, end)
                        .setEventId(callId + "-b")
                        .setEnvelopeId("env-" + callId)
                        .setPushEventCount(2)
                        .setAnswerTime(START.plusSeconds(9))
                        .setEndTime(end)
                        .setStateCode("0")
                        .setStateSource("state")
                        .build());
    }

    static List<CallEvent> ytxCall(String callId) {
        Instant end = START.plusSeconds(70);
        return List.of(
                event(callId, "ytx", Leg.UNKNOWN, CallEventType.ANSWERED, START.plusSeconds(3))
                        .setEventId(callId + "-s1")
                        .setPartyNumber("18610559223")
                        .setAnswerTime(START.plusSeconds(3))
                        .build(),
                event(callId, "ytx", Leg.UNKNOWN, CallEventType.RINGING, START.plusSeconds(6))
                        .setEventId(callId + "-s2")
                        .setPartyNumber("01053189990")
                        .setRingTime(START.plusSeconds(6))
                        .build(),
                event(callId, "ytx", Leg.A, CallEventType.CALL_RECORD, end)
                        .setEventId(callId + "-r1")
                        .setEnvelopeId("cdr-" + callId)
                        .setPushEventCount(2)
                        .setPartyNumber("18610559223")
                        .setAnswerTime(START.plusSeconds(3))
                        .setEndTime(end)
                        .setStateText("应答|正常")
                        .setStateSource("stateDesc")
                        .build(),
                event(callId, "ytx", Leg.B, CallEventType.CALL_RECORD, end)
                        .setEventId(callId + "-r2")
                        .setEnvelopeId("cdr-" + callId)
                        .setPushEventCount(2)
                        .setPartyNumber("01053189990")
                        .setAnswerTime(START.plusSeconds(10))
                        .setEndTime(end)
                        .setStateText("应答|正常")
                        .setStateSource("stateDesc")
                        .build());
    }

    static CallEvent.Builder event(String callId, String vendor, Leg leg, CallEventType type, Instant time) {
        return CallEvent.newBuilder()
                .setEventId(callId + "-" + leg + "-" + type + "-" + time.toEpochMilli())
                .setVendor(vendor)
                .setTenantId("t-1")
                .setCallId(callId)
                .setLeg(leg)
                .setEventType(type)
                .setEventTime(time);
    }
}
