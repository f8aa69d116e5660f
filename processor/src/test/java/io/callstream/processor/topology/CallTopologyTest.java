package io.callstream.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.callstream.processor.domain.AlertPolicy;
import io.callstream.processor.domain.CodeRule;
import io.callstream.processor.domain.CodeTable;
import io.callstream.processor.domain.FraudPolicy;
import io.callstream.processor.domain.Tariff;
import io.callstream.registry.core.InMemorySchemaRegistryClient;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.BillingMode;
import io.callstream.schema.Call;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.CallKpi;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import io.callstream.schema.TariffRule;
import io.callstream.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
    TestOutputTopic<String, Object> alerts;
    TestInputTopic<String, Object> codeMappings;
    TestInputTopic<String, Object> tariffs;

    AlertPolicy policy = AlertPolicy.DEFAULT;

    @BeforeEach
    void start() {
        TopologySettings settings = TopologySettings.bundled(serdeConfig, FINALISE_AFTER, RETAIN_FOR)
                .withAlerts(policy);
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
        alerts = driver.createOutputTopic(Topics.CALL_ALERTS, new StringDeserializer(), values);
        codeMappings = driver.createInputTopic(Topics.CODE_MAPPINGS, new StringSerializer(), serializer);
        tariffs = driver.createInputTopic(Topics.TARIFFS, new StringSerializer(), serializer);
        publishCodes(CodeTable.bundledRules());
    }

    /** Publishes code rules as the loader does: keyed, each vendor's rows numbered in order. */
    private void publishCodes(List<CodeRule> rules) {
        Map<String, Integer> positions = new java.util.HashMap<>();
        for (CodeRule rule : rules) {
            codeMappings.pipeInput(rule.key(), rule.toMapping(positions.merge(rule.vendor(), 1, Integer::sum)));
        }
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

    /**
     * Seen on the three-broker cluster during a broker kill: the first delivery of a two-leg push
     * stored one event, ingest answered 503, and the vendor's retry (a new envelope, the same event
     * ids) completed it. The call is emitted at once, not left waiting for the finalise timeout.
     */
    @Test
    void shouldEmitWhenARetryCompletesAPushWhoseFirstDeliveryWasPartlyStored() {
        List<CallEvent> bothLegs = winnerlookAnswered("wl-5").stream()
                .map(event -> CallEvent.newBuilder(event).setPushId("push-wl-5").build())
                .toList();
        pipe(List.of(
                CallEvent.newBuilder(bothLegs.get(0)).setEnvelopeId("first").build()));
        assertThat(readCalls()).isEmpty();

        pipe(bothLegs.stream()
                .map(event -> CallEvent.newBuilder(event).setEnvelopeId("retry").build())
                .toList());

        assertThat(readCalls()).singleElement().satisfies(call -> {
            assertThat(call.getVersion()).isEqualTo(1);
            assertThat(call.getEventCount()).isEqualTo(2);
            assertThat(call.getOutcome()).isEqualTo(CallOutcome.CONNECTED);
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
    void shouldKeepOnlyTheLastVersionAfterRetentionAndForgetItAfterTheLateHorizon() {
        pipe(winnerlookAnswered("wl-3"));
        assertThat(state("winnerlook:wl-3").getEvents()).hasSize(2);

        driver.advanceWallClockTime(RETAIN_FOR.plusSeconds(20));
        io.callstream.schema.CallState retained = state("winnerlook:wl-3");
        assertThat(retained.getEvents()).isEmpty();
        assertThat(retained.getEmitted().getVersion()).isEqualTo(1);

        driver.advanceWallClockTime(TopologySettings.LATE_HORIZON);
        assertThat(state("winnerlook:wl-3")).isNull();
        try (var remaining = driver.<String, Object>getKeyValueStore(CallTopology.DEADLINE_STORE)
                .all()) {
            List<String> keys = new ArrayList<>();
            remaining.forEachRemaining(entry -> keys.add(entry.key));
            assertThat(keys).containsExactly(CallJoinProcessor.SINCE_KEY);
        }
    }

    @Test
    void shouldContinueTheVersionsOfACallWhoseEventsWereForgotten() {
        pipe(ytxCall("y-late"));
        Call first = readCalls().getLast();
        driver.advanceWallClockTime(RETAIN_FOR.plusSeconds(20));

        // A vendor retry of the CDR and a late leg state change nothing: no version, no KPI change.
        pipe(ytxCall("y-late").subList(2, 4).stream()
                .map(e -> CallEvent.newBuilder(e)
                        .setEventId(e.getEventId() + "-retry")
                        .build())
                .toList());
        pipe(List.of(event("y-late", "ytx", Leg.UNKNOWN, CallEventType.HUNG_UP, START.plusSeconds(75))
                .setPartyNumber("01053189990")
                .setEndTime(START.plusSeconds(75))
                .setStateCode("disconnect")
                .setStateSource("state")
                .build()));
        assertThat(readCalls()).isEmpty();

        // A late correction of the record continues at version 2, from what version 1 knew.
        List<CallEvent> corrected = ytxCall("y-late").subList(2, 4).stream()
                .map(e -> CallEvent.newBuilder(e)
                        .setEventId(e.getEventId() + "-correction")
                        .setEnvelopeId("cdr-correction")
                        .setEventTime(START.plusSeconds(130))
                        .setEndTime(START.plusSeconds(130))
                        .build())
                .toList();
        pipe(corrected);
        assertThat(readCalls()).singleElement().satisfies(call -> {
            assertThat(call.getVersion()).isEqualTo(2);
            assertThat(call.getOutcome()).isEqualTo(CallOutcome.CONNECTED);
            assertThat(call.getLegA().getAnswerTime()).isEqualTo(first.getLegA().getAnswerTime());
            assertThat(call.getTalkSeconds()).isEqualTo(120);
        });
        assertThat(latestKpis().values()).singleElement().satisfies(kpi -> {
            assertThat(kpi.getAttempts()).isEqualTo(1);
            assertThat(kpi.getTalkSeconds()).isEqualTo(120);
        });
    }

    @Test
    void shouldDeadLetterAnEventOlderThanTheLateHorizonInsteadOfStartingAVersionOne() {
        pipe(ytxCall("y-gone"));
        readCalls();
        driver.advanceWallClockTime(RETAIN_FOR.plusSeconds(20));
        driver.advanceWallClockTime(TopologySettings.LATE_HORIZON);
        assertThat(state("ytx:y-gone")).isNull();

        pipe(List.of(CallEvent.newBuilder(ytxCall("y-gone").get(3))
                .setEventId("y-gone-late")
                .build()));

        assertThat(readCalls()).isEmpty();
        assertThat(deadLetters.readValuesToList())
                .singleElement()
                .satisfies(
                        letter -> assertThat(((DeadLetter) letter).getError()).startsWith("late after retention"));
    }

    @Test
    void shouldTakeCallsOlderThanTheProcessorItselfAsABackfillNotAsLate() {
        Duration before = Duration.ofDays(400);
        pipe(ytxCall("y-backfill").stream()
                .map(e -> CallEvent.newBuilder(e)
                        .setEventTime(e.getEventTime().minus(before))
                        .setAnswerTime(
                                e.getAnswerTime() == null
                                        ? null
                                        : e.getAnswerTime().minus(before))
                        .setRingTime(
                                e.getRingTime() == null ? null : e.getRingTime().minus(before))
                        .setEndTime(
                                e.getEndTime() == null ? null : e.getEndTime().minus(before))
                        .build())
                .toList());

        assertThat(deadLetters.readValuesToList()).isEmpty();
        assertThat(readCalls())
                .singleElement()
                .satisfies(call -> assertThat(call.getVersion()).isEqualTo(1));
    }

    @Test
    void shouldDeadLetterARecordTheJoinFailsOnAndGoOn() {
        // Times no adapter lets through (ingest bounds them), but a record on the topic can hold:
        // the post-dial delay between them overflows.
        CallEvent poison = event("yh-poison", "yunhuni", Leg.A, CallEventType.CALL_RECORD, START)
                .setDialTime(Instant.ofEpochMilli(Long.MIN_VALUE))
                .setRingTime(Instant.ofEpochMilli(Long.MAX_VALUE))
                .setEndTime(START)
                .build();
        pipe(List.of(poison));
        pipe(winnerlookAnswered("wl-after-poison"));

        assertThat(deadLetters.readValuesToList()).singleElement().satisfies(letter -> {
            DeadLetter dead = (DeadLetter) letter;
            assertThat(dead.getError()).startsWith("call event could not be joined: java.lang.ArithmeticException");
            assertThat(dead.getOriginalBytes().array()).isEqualTo(serializer.serialize(Topics.CALL_EVENTS, poison));
        });
        assertThat(readCalls()).extracting(Call::getCallId).containsExactly("wl-after-poison");
    }

    @Test
    void shouldDeadLetterEventsBeyondTheCapPerCall() {
        List<CallEvent> flood = new ArrayList<>();
        for (int i = 0; i < TopologySettings.MAX_EVENTS_PER_CALL + 3; i++) {
            flood.add(event("u-flood", "ucpaas", Leg.A, CallEventType.RINGING, START.plusMillis(i))
                    .setRingTime(START.plusMillis(i))
                    .build());
        }
        pipe(flood);

        assertThat(state("ucpaas:u-flood").getEvents()).hasSize(TopologySettings.MAX_EVENTS_PER_CALL);
        assertThat(deadLetters.readValuesToList())
                .hasSize(3)
                .allSatisfy(
                        letter -> assertThat(((DeadLetter) letter).getError()).startsWith("too many events"));
    }

    private io.callstream.schema.CallState state(String key) {
        return (io.callstream.schema.CallState) driver.<String, Object>getKeyValueStore(CallTopology.CALL_STATE_STORE)
                .get(key);
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

    @Test
    void shouldRaiseThenClearAFailureRateAlertOnAnInjectedSpike() {
        Instant minute0 = START;
        int call = 0;
        for (int minute = 0; minute < 35; minute++) {
            int failing = minute < 20 ? 1 : minute < 25 ? 12 : 0; // baseline 5%, spike 60%, recovery 0%
            for (int i = 0; i < 20; i++) {
                pipe(List.of(ucpaasCall("spike-" + call++, minute0.plus(Duration.ofMinutes(minute)), i >= failing)));
            }
        }

        List<org.apache.kafka.streams.KeyValue<String, Object>> transitions = alerts.readKeyValuesToList();

        assertThat(transitions).extracting(transition -> transition.key).containsOnly("t-1:ucpaas");
        List<CallAlert> emitted = transitions.stream()
                .map(transition -> (CallAlert) transition.value)
                .toList();
        assertThat(emitted).extracting(CallAlert::getState).containsExactly(AlertState.RAISED, AlertState.CLEARED);
        CallAlert raised = emitted.getFirst();
        assertThat(raised.getEventTime()).isAfter(minute0.plus(Duration.ofMinutes(20)));
        assertThat(raised.getEventTime()).isBeforeOrEqualTo(minute0.plus(Duration.ofMinutes(25)));
        assertThat(raised.getFailureRate()).isGreaterThanOrEqualTo(0.30);
        assertThat(raised.getBaselineRate()).isEqualTo(0.05);
        assertThat(raised.getTopCategories())
                .extracting(count -> count.getCategory())
                .containsExactly(FailureCategory.NETWORK_ERROR);
        CallAlert cleared = emitted.get(1);
        assertThat(cleared.getAlertId()).isEqualTo(raised.getAlertId());
        assertThat(cleared.getFailureRate()).isLessThan(0.20);
        assertThat(cleared.getEventTime()).isAfter(minute0.plus(Duration.ofMinutes(25)));
    }

    @Test
    void shouldRaiseASilenceOnTheWallClockThenClearItWhenPushesArriveAgain() {
        int call = 0;
        for (int minute = 0; minute < 10; minute++) { // 5 calls a minute, the wall clock keeping pace
            for (int i = 0; i < 5; i++) {
                pipe(List.of(ucpaasCall("quiet-" + call++, START.plus(Duration.ofMinutes(minute)), true)));
            }
            driver.advanceWallClockTime(Duration.ofMinutes(1));
        }
        Instant lastHeard = START.plus(Duration.ofMinutes(9)).plusSeconds(50); // the last call record

        driver.advanceWallClockTime(Duration.ofMinutes(4));
        assertThat(alerts.readValuesToList()).as("4 min 10 s without a push").isEmpty();
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        List<CallAlert> raised =
                alerts.readValuesToList().stream().map(CallAlert.class::cast).toList();
        assertThat(raised).singleElement().satisfies(alert -> {
            assertThat(alert.getKind()).isEqualTo(AlertKind.SILENCE);
            assertThat(alert.getState()).isEqualTo(AlertState.RAISED);
            assertThat(alert.getWindowStart()).isEqualTo(lastHeard);
            // 50 calls over 10 minutes, 6 min 10 s without a push
            assertThat(alert.getExpectedAttempts()).isCloseTo(5 * 37 / 6.0, within(1e-9));
        });
        driver.advanceWallClockTime(Duration.ofMinutes(5));
        assertThat(alerts.readValuesToList()).as("one alert per silence").isEmpty();

        pipe(List.of(ucpaasCall("again", START.plus(Duration.ofMinutes(21)), true)));
        driver.advanceWallClockTime(Duration.ofSeconds(10)); // the join's next scan tells the alerts
        assertThat(alerts.readValuesToList())
                .map(CallAlert.class::cast)
                .singleElement()
                .satisfies(alert -> {
                    assertThat(alert.getKind()).isEqualTo(AlertKind.SILENCE);
                    assertThat(alert.getState()).isEqualTo(AlertState.CLEARED);
                    assertThat(alert.getAlertId()).isEqualTo(raised.getFirst().getAlertId());
                });
    }

    @Test
    void shouldNotCallAVendorSilentWhileItsProgressPushesArriveWithoutFinalOnes() {
        int call = 0;
        for (int minute = 0; minute < 20; minute++) { // 20 calls a minute, the wall clock keeping pace
            Instant start = START.plus(Duration.ofMinutes(minute));
            for (int i = 0; i < 20; i++) {
                String callId = "lost-" + call++;
                // from minute 5 on, every final push is lost: the calls expire 10 minutes later
                pipe(List.of(
                        minute < 5
                                ? ucpaasCall(callId, start, true)
                                : event(callId, "ucpaas", Leg.A, CallEventType.DIALING, start)
                                        .setDialTime(start)
                                        .build()));
            }
            driver.advanceWallClockTime(Duration.ofMinutes(1));
        }

        assertThat(alerts.readValuesToList())
                .map(CallAlert.class::cast)
                .extracting(CallAlert::getKind)
                .doesNotContain(AlertKind.SILENCE);
    }

    @Test
    void shouldRaiseThenClearMissingFinalsOnceTheExpiredCallsHaveSettled() {
        int call = 0;
        for (int minute = 0; minute < 30; minute++) { // 20 calls a minute, the wall clock keeping pace
            Instant start = START.plus(Duration.ofMinutes(minute));
            for (int i = 0; i < 20; i++) {
                boolean finalLost = minute >= 5 && minute < 10 && i < 10; // half, in minutes 5-9
                String callId = "finals-" + call++;
                // of those, half never answered (EXPIRED), half answered (callestablish) and no
                // hang-up: finalised CONNECTED by the timeout, a missing final push all the same
                pipe(List.of(
                        !finalLost
                                ? ucpaasCall(callId, start, true)
                                : i < 5
                                        ? event(callId, "ucpaas", Leg.A, CallEventType.DIALING, start)
                                                .setDialTime(start)
                                                .build()
                                        : event(callId, "ucpaas", Leg.B, CallEventType.ANSWERED, start.plusSeconds(8))
                                                .setAnswerTime(start.plusSeconds(8))
                                                .build()));
            }
            driver.advanceWallClockTime(Duration.ofMinutes(1));
        }

        List<CallAlert> emitted =
                alerts.readValuesToList().stream().map(CallAlert.class::cast).toList();

        assertThat(emitted)
                .as("one episode, and no failure-rate or silence alert")
                .extracting(CallAlert::getKind, CallAlert::getState)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AlertKind.MISSING_FINALS, AlertState.RAISED),
                        org.assertj.core.groups.Tuple.tuple(AlertKind.MISSING_FINALS, AlertState.CLEARED));
        CallAlert raised = emitted.getFirst();
        // settled 12 minutes after (10-minute timeout): the first window with 20% is minutes 2-6, at minute 19
        assertThat(raised.getWindowStart()).isEqualTo(START.plus(Duration.ofMinutes(2)));
        assertThat(raised.getEventTime()).isEqualTo(START.plus(Duration.ofMinutes(19)));
        assertThat(raised.getAttempts()).isEqualTo(100);
        assertThat(raised.getFailures()).as("calls without a final push").isEqualTo(20);
        CallAlert cleared = emitted.get(1);
        assertThat(cleared.getAlertId()).isEqualTo(raised.getAlertId());
        assertThat(cleared.getWindowStart()).isEqualTo(START.plus(Duration.ofMinutes(10)));
    }

    @Test
    void shouldRaiseThenClearShortCallsAndNewDestinationsOnAFraudBurst() {
        // destinations learned for 20 minutes and new for 20 (an hour each by default: fewer calls to drive)
        FraudPolicy learnFast = FraudPolicy.DEFAULT;
        policy = AlertPolicy.DEFAULT.withFraud(new FraudPolicy(
                learnFast.shortCallsRaiseShare(),
                learnFast.shortCallsClearShare(),
                learnFast.minShortCalls(),
                Duration.ofMinutes(20),
                Duration.ofMinutes(20),
                learnFast.minNewDestinationCalls(),
                learnFast.spendWindow(),
                learnFast.spendHistory(),
                learnFast.spendRaiseFactor(),
                learnFast.spendClearFactor()));
        restart();
        int call = 0;
        for (int minute = 0; minute < 40; minute++) { // the wall clock keeping pace
            Instant start = START.plus(Duration.ofMinutes(minute));
            boolean fraud = minute >= 25 && minute < 30;
            for (int i = 0; i < (fraud ? 30 : 10); i++) {
                // 10 ordinary calls a minute (40 s) to mobile numbers; in minutes 25-29, 20 more of 3 s
                // to an international premium range, 00882, never called before: 100 of 150 short
                boolean short_ = fraud && i >= 10;
                String callId = (short_ ? "fraud-" : "call-") + call++;
                pipe(List.of(event(callId, "ucpaas", Leg.B, CallEventType.CALL_RECORD, start.plusSeconds(50))
                        .setPartyNumber(short_ ? "008821300" + i : "1380013" + (1000 + i))
                        .setDialTime(start)
                        .setAnswerTime(start.plusSeconds(10))
                        .setEndTime(start.plusSeconds(short_ ? 13 : 50))
                        .setStateCode("0")
                        .setStateSource("reason")
                        .build()));
            }
            driver.advanceWallClockTime(Duration.ofMinutes(1));
        }

        List<CallAlert> emitted =
                alerts.readValuesToList().stream().map(CallAlert.class::cast).toList();

        assertThat(emitted)
                .as("one episode of each, and no other alert")
                .extracting(CallAlert::getKind, CallAlert::getState)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(AlertKind.SHORT_CALLS, AlertState.RAISED),
                        org.assertj.core.groups.Tuple.tuple(AlertKind.SHORT_CALLS, AlertState.CLEARED),
                        org.assertj.core.groups.Tuple.tuple(AlertKind.NEW_DESTINATIONS, AlertState.RAISED));
        CallAlert destinations = emitted.stream()
                .filter(alert -> alert.getKind() == AlertKind.NEW_DESTINATIONS)
                .findFirst()
                .orElseThrow();
        assertThat(destinations.getPrefixes()).containsExactly("00882");
        assertThat(destinations.getExampleCallIds()).isNotEmpty().allMatch(id -> id.startsWith("fraud-"));
        assertThat(destinations.getAttempts()).isGreaterThanOrEqualTo(10);
        CallAlert shortCalls = emitted.stream()
                .filter(alert -> alert.getKind() == AlertKind.SHORT_CALLS)
                .findFirst()
                .orElseThrow();
        assertThat(shortCalls.getMessage()).contains("SHORT_CALLS RAISED t-1/ucpaas");

        // 20 minutes after the last call to 00882 (minute 30) the episode is over: cleared
        driver.advanceWallClockTime(Duration.ofMinutes(15));
        List<CallAlert> later = alerts.readValuesToList().stream()
                .map(CallAlert.class::cast)
                .filter(alert -> alert.getKind() != AlertKind.SILENCE) // (35 minutes without a push)
                .toList();
        assertThat(later)
                .extracting(CallAlert::getKind, CallAlert::getState, CallAlert::getAlertId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        AlertKind.NEW_DESTINATIONS, AlertState.CLEARED, destinations.getAlertId()));
    }

    @Test
    void shouldApplyCorrectedCodeMappingsAndTariffsWithoutARestart() {
        pipe(List.of(ucpaasCall("r-1", START, false)));
        assertThat(readCalls()).extracting(Call::getFailureCategory).containsExactly(FailureCategory.NETWORK_ERROR);

        CodeRule corrected = new CodeRule(
                "ucpaas", "reason", "2", FailureCategory.PLATFORM_ERROR, FailureCategory.PLATFORM_ERROR, "corrected");
        codeMappings.pipeInput(corrected.key(), corrected.toMapping(3));
        pipe(List.of(ucpaasCall("r-2", START, false)));
        assertThat(readCalls()).extracting(Call::getFailureCategory).containsExactly(FailureCategory.PLATFORM_ERROR);

        TariffRule sixSeconds = new Tariff(
                        "t-1-6s",
                        "t-1",
                        "ucpaas",
                        null,
                        6,
                        6,
                        0,
                        null,
                        new java.math.BigDecimal("0.01"),
                        null,
                        "CNY",
                        BillingMode.BRIDGED)
                .toRule();
        TariffRule invalid = TariffRule.newBuilder(sixSeconds)
                .setTariffId("broken")
                .setFirstIncrementSeconds(0)
                .build();
        tariffs.pipeInput("broken", invalid);
        tariffs.pipeInput("t-1-6s", sixSeconds);
        pipe(List.of(ucpaasHangup("r-3", 61)));
        Call billed = readCalls().getFirst();
        assertThat(billed.getBilledSeconds()).isEqualTo(66);
        assertThat(billed.getAmount()).isEqualByComparingTo("0.11");
        assertThat(billed.getCurrency()).isEqualTo("CNY");

        tariffs.pipeInput("t-1-6s", (Object) null);
        pipe(List.of(ucpaasHangup("r-4", 61)));
        assertThat(readCalls()).extracting(Call::getBilledSeconds).containsExactly(120);
    }

    /** A UCPaaS call dialled at {@code dial}: answered (40 s), or failed with reason 2 (media timeout). */
    private static CallEvent ucpaasCall(String callId, Instant dial, boolean answered) {
        CallEvent.Builder hangup = event(callId, "ucpaas", Leg.B, CallEventType.CALL_RECORD, dial.plusSeconds(50))
                .setDialTime(dial)
                .setEndTime(dial.plusSeconds(50))
                .setStateSource("reason");
        return answered
                ? hangup.setAnswerTime(dial.plusSeconds(10)).setStateCode("0").build()
                : hangup.setStateCode("2").build();
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
            // (stamped as ingest stamps a push: when it arrived, here its event time)
            events.pipeInput(
                    Topics.callKey(event.getVendor(), event.getCallId())
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    serializer.serialize(Topics.CALL_EVENTS, event),
                    event.getEventTime());
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
                        .setStateSource("callerState")
                        .build(),
                event(callId, "winnerlook", Leg.B, CallEventType.CALL_RECORD, end)
                        .setEventId(callId + "-b")
                        .setEnvelopeId("env-" + callId)
                        .setPushEventCount(2)
                        .setAnswerTime(START.plusSeconds(9))
                        .setEndTime(end)
                        .setStateCode("0")
                        .setStateSource("calleeState")
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
