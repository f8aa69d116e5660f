package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.schema.BillingMode;
import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CallJoinerTest {

    static final Instant T0 = Instant.parse("2024-05-01T02:00:00Z");
    static final Instant FINALISED = Instant.parse("2024-05-01T03:00:00Z");
    final CallJoiner joiner = new CallJoiner(CodeTable.bundled(), TariffTable.empty());

    @Test
    void shouldJoinAnAnsweredPrivacyCallAndBillItsBridgedTimeByTheMinute() {
        Call call = joiner.join(winnerlookAnswered(), false, 1, FINALISED);

        assertThat(call.getOutcome()).isEqualTo(CallOutcome.CONNECTED);
        assertThat(call.getFailureCategory()).isEqualTo(FailureCategory.NONE);
        assertThat(call.getHangupSide()).isEqualTo(HangupSide.A);
        assertThat(call.getBridgeTime()).isEqualTo(T0.plusSeconds(9));
        assertThat(call.getStartTime()).isEqualTo(T0);
        assertThat(call.getEndTime()).isEqualTo(T0.plusSeconds(129));
        assertThat(call.getTalkSeconds()).isEqualTo(120);
        assertThat(call.getBilledSeconds()).isEqualTo(120);
        assertThat(call.getVendorBilledSeconds()).isEqualTo(120);
        assertThat(call.getBillingDifferenceSeconds()).isZero();
        assertThat(call.getAmount()).isNull();
        assertThat(call.getLegA().getTalkSeconds()).isEqualTo(128);
        assertThat(call.getLegB().getFailureCategory()).isEqualTo(FailureCategory.NONE);
        assertThat(call.getEventCount()).isEqualTo(2);
    }

    @Test
    void shouldCategoriseAFailedCallByTheLegThatFailedFirst() {
        List<CallEvent> busy = List.of(
                record("e1", Leg.A)
                        .setAnswerTime(T0.plusSeconds(1))
                        .setStateCode("0")
                        .build(),
                record("e2", Leg.B).setStateCode("2").build());

        Call call = joiner.join(busy, false, 1, FINALISED);

        assertThat(call.getOutcome()).isEqualTo(CallOutcome.FAILED);
        assertThat(call.getFailureCategory()).isEqualTo(FailureCategory.BUSY);
        assertThat(call.getLegA().getFailureCategory()).isEqualTo(FailureCategory.NONE);
        assertThat(call.getTalkSeconds()).isZero();
        assertThat(call.getBilledSeconds()).isZero();
    }

    static Stream<Long> seeds() {
        return LongStream.range(0, 20).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldGiveTheSameCallWhateverTheArrivalOrderAndDuplicates(long seed) {
        List<CallEvent> events = ytxCall();
        Call inOrder = joiner.join(events, false, 1, FINALISED);
        Random random = new Random(seed);
        List<CallEvent> shuffled = new ArrayList<>(events);
        IntStream.range(0, 1 + random.nextInt(3)).forEach(i -> shuffled.add(events.get(random.nextInt(events.size()))));
        Collections.shuffle(shuffled, random);

        assertThat(joiner.join(shuffled, false, 1, FINALISED)).isEqualTo(inOrder);
    }

    @Test
    void shouldPlaceLegStatePushesByNumberAndCategoriseFromTheRecordsText() {
        Call call = joiner.join(ytxCall(), false, 1, FINALISED);

        assertThat(call.getLegB().getRingTime()).isEqualTo(T0.plusSeconds(8));
        assertThat(call.getLegB().getAnswerTime()).isNull();
        assertThat(call.getLegA().getDialTime()).isEqualTo(T0);
        assertThat(call.getOutcome()).isEqualTo(CallOutcome.FAILED);
        assertThat(call.getFailureCategory()).isEqualTo(FailureCategory.NO_ANSWER);
        assertThat(call.getVendorAmount()).isEqualTo(new BigDecimal("0.150000"));
        assertThat(call.getEventCount()).isEqualTo(5);
    }

    @Test
    void shouldCapTalkAtTheMaximumDuration() {
        List<CallEvent> events = List.of(
                record("e1", Leg.A)
                        .setAnswerTime(T0)
                        .setEndTime(T0.plusSeconds(3000))
                        .setMaxDurationSeconds(1800)
                        .build(),
                record("e2", Leg.B)
                        .setAnswerTime(T0.plusSeconds(10))
                        .setEndTime(T0.plusSeconds(3000))
                        .build());

        Call call = joiner.join(events, false, 1, FINALISED);

        assertThat(call.getTalkSeconds()).isEqualTo(1800);
        assertThat(call.getBilledSeconds()).isEqualTo(1800);
    }

    @Test
    void shouldMarkACallWithoutTerminalInformationExpiredOnlyWhenFinalisedByTimeout() {
        List<CallEvent> dialing = List.of(
                event("e1", Leg.A, CallEventType.DIALING).setDialTime(T0).build());

        assertThat(joiner.join(dialing, true, 1, FINALISED).getOutcome()).isEqualTo(CallOutcome.EXPIRED);
        assertThat(joiner.join(dialing, false, 1, FINALISED).getOutcome()).isEqualTo(CallOutcome.UNKNOWN);
        assertThat(CallJoiner.isTerminal(dialing)).isFalse();
        assertThat(CallJoiner.isTerminal(winnerlookAnswered())).isTrue();
    }

    @Test
    void shouldBillEachAnsweredLegUnderAPerLegTariff() {
        Tariff perLeg = new Tariff(
                "per-leg",
                "acct-9",
                null,
                null,
                60,
                60,
                0,
                BigDecimal.ZERO,
                new BigDecimal("0.10"),
                BigDecimal.ZERO,
                "CNY",
                BillingMode.PER_ANSWERED_LEG);
        CallJoiner billing = new CallJoiner(CodeTable.bundled(), new TariffTable(List.of(perLeg)));

        Call call = billing.join(winnerlookAnswered(), false, 1, FINALISED);

        assertThat(call.getBilledSeconds()).isEqualTo(180 + 120);
        assertThat(call.getAmount()).isEqualTo(new BigDecimal("0.500000"));
        assertThat(call.getCurrency()).isEqualTo("CNY");
        assertThat(call.getTariffId()).isEqualTo("per-leg");
        assertThat(call.getBillingDifferenceSeconds()).isEqualTo(180);
    }

    @Test
    void shouldLetALaterCorrectedRecordWin() {
        List<CallEvent> events = new ArrayList<>(winnerlookAnswered());
        // the vendor's corrected record restates both legs, as winnerlook's one record per call does
        events.add(record("e3", Leg.A)
                .setEventTime(T0.plusSeconds(200))
                .setAnswerTime(T0.plusSeconds(1))
                .setEndTime(T0.plusSeconds(189))
                .setStateCode("10")
                .setVendorBilledSeconds(180)
                .build());
        events.add(record("e4", Leg.B)
                .setEventTime(T0.plusSeconds(200))
                .setAnswerTime(T0.plusSeconds(9))
                .setEndTime(T0.plusSeconds(189))
                .setStateCode("0")
                .setVendorBilledSeconds(180)
                .build());

        Call call = joiner.join(events, false, 2, FINALISED);

        assertThat(call.getTalkSeconds()).isEqualTo(180);
        assertThat(call.getVendorBilledSeconds()).isEqualTo(180);
        assertThat(call.getVersion()).isEqualTo(2);
    }

    @Test
    void shouldLetTheLaterArrivingRecordCorrectAnEarlierOneEvenWithAShorterDuration() {
        // the vendor's first record says 180 s; the one it pushes later says 60 s: the later push is the
        // correction, though it ends earlier and its id may sort either way
        List<CallEvent> first = winnerlookAt(Instant.parse("2024-05-01T02:10:00Z"), "zz", 189, 180, "10");
        List<CallEvent> correction = winnerlookAt(Instant.parse("2024-05-01T02:11:00Z"), "aa", 69, 60, "10");
        List<CallEvent> events = new ArrayList<>(first);
        events.addAll(correction);

        Call call = joiner.join(events, false, 2, FINALISED);

        assertThat(call.getTalkSeconds()).isEqualTo(60);
        assertThat(call.getBilledSeconds()).isEqualTo(60);
        assertThat(call.getVendorBilledSeconds()).isEqualTo(60);
        assertThat(call.getEndTime()).isEqualTo(T0.plusSeconds(69));
        // and arrival order alone decides: swapped arrivals, the other record wins
        List<CallEvent> swapped =
                new ArrayList<>(winnerlookAt(Instant.parse("2024-05-01T02:11:00Z"), "zz", 189, 180, "10"));
        swapped.addAll(winnerlookAt(Instant.parse("2024-05-01T02:10:00Z"), "aa", 69, 60, "10"));
        assertThat(joiner.join(swapped, false, 2, FINALISED).getTalkSeconds()).isEqualTo(180);
    }

    @Test
    void shouldLetACorrectionChangeTheState() {
        List<CallEvent> events =
                new ArrayList<>(winnerlookAt(Instant.parse("2024-05-01T02:10:00Z"), "p", 129, 120, "10"));
        // corrected: the called party was in fact busy (calleeState 2), never answered
        events.add(record("c-a", Leg.A)
                .setReceivedAt(Instant.parse("2024-05-01T02:12:00Z"))
                .setAnswerTime(T0.plusSeconds(1))
                .setStateCode("0")
                .setStateSource("callerState")
                .setVendorBilledSeconds(0)
                .build());
        events.add(record("c-b", Leg.B)
                .setReceivedAt(Instant.parse("2024-05-01T02:12:00Z"))
                .setStateCode("2")
                .setStateSource("calleeState")
                .setVendorBilledSeconds(0)
                .build());

        Call call = joiner.join(events, false, 2, FINALISED);

        assertThat(call.getOutcome()).isEqualTo(CallOutcome.FAILED);
        assertThat(call.getFailureCategory()).isEqualTo(FailureCategory.BUSY);
        assertThat(call.getTalkSeconds()).isZero();
        assertThat(call.getBilledSeconds()).isZero();
    }

    @Test
    void shouldBillAnAnsweredCallWithoutAnyEndFromTheVendorsStatedTalkAndFlagIt() {
        List<CallEvent> events = List.of(
                event("n1", Leg.A, CallEventType.CALL_RECORD)
                        .setAnswerTime(T0.plusSeconds(1))
                        .setStateCode("10")
                        .setStateSource("callerState")
                        .build(),
                event("n2", Leg.B, CallEventType.CALL_RECORD)
                        .setAnswerTime(T0.plusSeconds(9))
                        .setStateCode("0")
                        .setStateSource("calleeState")
                        .setLegDurationSeconds(75)
                        .build());

        Call call = joiner.join(events, false, 1, FINALISED);

        assertThat(call.getOutcome()).isEqualTo(CallOutcome.CONNECTED);
        assertThat(call.getTalkSeconds()).isEqualTo(75);
        assertThat(call.getBilledSeconds()).isEqualTo(120);
        assertThat(call.getEndTime()).isNull();
        assertThat(call.getQualityFlags()).containsExactly(io.callstream.schema.QualityFlag.NO_END_TIME);
    }

    @Test
    void shouldBillAnAnsweredCallWithoutEndOrTalkFromTheVendorsStatedBilling() {
        List<CallEvent> events = List.of(event("m1", Leg.B, CallEventType.CALL_RECORD)
                .setAnswerTime(T0.plusSeconds(9))
                .setStateCode("0")
                .setStateSource("calleeState")
                .setVendorBilledSeconds(180)
                .build());

        Call call = joiner.join(events, false, 1, FINALISED);

        assertThat(call.getTalkSeconds()).isZero();
        assertThat(call.getBilledSeconds()).isEqualTo(180);
        assertThat(call.getQualityFlags()).contains(io.callstream.schema.QualityFlag.NO_END_TIME);

        // a negative stated billing is flagged, never billed
        Call negative = joiner.join(
                List.of(CallEvent.newBuilder(events.getFirst())
                        .setVendorBilledSeconds(-5)
                        .build()),
                false,
                1,
                FINALISED);
        assertThat(negative.getBilledSeconds()).isZero();
        assertThat(negative.getQualityFlags())
                .contains(
                        io.callstream.schema.QualityFlag.NEGATIVE_DURATION,
                        io.callstream.schema.QualityFlag.NO_END_TIME);
    }

    @Test
    void shouldStoreTheVendorsFiguresForWhatTheyAre() {
        Call call = joiner.join(winnerlookAnswered(), false, 1, FINALISED);

        // winnerlook states billing (duration) and leg A's talk (callerDuration)
        assertThat(call.getVendorBilledSeconds()).isEqualTo(120);
        assertThat(call.getVendorBilledDerived()).isFalse();
        assertThat(call.getVendorLegASeconds()).isEqualTo(128);
        assertThat(call.getVendorTalkSeconds()).isNull();
        assertThat(call.getDifferenceClass()).isEqualTo(io.callstream.schema.DifferenceClass.AGREES);

        // UCPaaS-like: only talk is stated; billed is derived by the tariff's rule
        List<CallEvent> talkOnly = List.of(
                record("t1", Leg.A).setAnswerTime(T0.plusSeconds(1)).build(),
                record("t2", Leg.B)
                        .setAnswerTime(T0.plusSeconds(9))
                        .setLegDurationSeconds(100)
                        .build());
        Call derived = joiner.join(talkOnly, false, 1, FINALISED);
        assertThat(derived.getVendorTalkSeconds()).isEqualTo(100);
        assertThat(derived.getVendorLegBSeconds()).isEqualTo(100);
        assertThat(derived.getVendorBilledSeconds()).isEqualTo(120);
        assertThat(derived.getVendorBilledDerived()).isTrue();
        assertThat(derived.getTalkDifferenceSeconds()).isEqualTo(20);
        assertThat(derived.getBillingDifferenceSeconds()).isZero();
        assertThat(derived.getDifferenceClass()).isEqualTo(io.callstream.schema.DifferenceClass.OTHER);
    }

    @Test
    void shouldTalkFromTheLaterAnswerToTheFirstHangUp() {
        // YTX (issue #10): A released at 14:01:12, B hung up at 14:01:10; both connected 60 s.
        Instant answerB = Instant.parse("2024-05-01T06:00:10Z");
        List<CallEvent> events = List.of(
                ytx("a", Leg.A, CallEventType.CALL_RECORD, answerB.plusSeconds(62), "18610559223")
                        .setAnswerTime(answerB.minusSeconds(7))
                        .setEndTime(answerB.plusSeconds(62))
                        .setStateText("应答|正常")
                        .setStateSource("stateDesc")
                        .build(),
                ytx("b", Leg.B, CallEventType.CALL_RECORD, answerB.plusSeconds(62), "01053189990")
                        .setAnswerTime(answerB)
                        .setEndTime(answerB.plusSeconds(60))
                        .setStateText("应答|正常")
                        .setStateSource("stateDesc")
                        .build());

        Call call = joiner.join(events, false, 1, FINALISED);

        assertThat(call.getBridgeTime()).isEqualTo(answerB);
        assertThat(call.getTalkSeconds()).isEqualTo(60);
        assertThat(call.getBilledSeconds()).isEqualTo(60);
        assertThat(call.getEndTime()).isEqualTo(answerB.plusSeconds(62));
    }

    @Test
    void shouldBridgeAtTheCallingLegsAnswerWhenItCameLater() {
        List<CallEvent> events = List.of(
                record("a", Leg.A)
                        .setAnswerTime(T0.plusSeconds(20))
                        .setStateCode("10")
                        .build(),
                record("b", Leg.B)
                        .setAnswerTime(T0.plusSeconds(9))
                        .setStateCode("0")
                        .build());

        Call call = joiner.join(events, false, 1, FINALISED);

        assertThat(call.getBridgeTime()).isEqualTo(T0.plusSeconds(20));
        assertThat(call.getTalkSeconds()).isEqualTo(109);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "answer +{0} ms, end +{1} ms: {2} s, billed {3}")
    @org.junit.jupiter.params.provider.CsvSource({
        "9000, 69001, 60, 60",
        "9000, 68999, 59, 60",
        "9500, 69499, 60, 60",
        "9999, 70000, 61, 120"
    })
    void shouldCountWholeSecondsAsTheVendorsSecondResolutionRecordsDo(long answer, long end, int talk, int billed) {
        List<CallEvent> events = List.of(
                record("a", Leg.A)
                        .setAnswerTime(T0.plusMillis(1000))
                        .setEndTime(T0.plusMillis(end))
                        .build(),
                record("b", Leg.B)
                        .setAnswerTime(T0.plusMillis(answer))
                        .setEndTime(T0.plusMillis(end))
                        .build());

        Call call = joiner.join(events, false, 1, FINALISED);

        assertThat(call.getTalkSeconds()).isEqualTo(talk);
        assertThat(call.getBilledSeconds()).isEqualTo(billed);
    }

    @Test
    void shouldNotLetARecordWithoutTimesOutrankOneWithTimes() {
        List<CallEvent> events = new ArrayList<>(winnerlookAnswered());
        // a later record of the same legs that states no time at all (e.g. stamped with its arrival)
        events.add(event("late-a", Leg.A, CallEventType.CALL_RECORD)
                .setEventTime(T0.plusSeconds(3_600))
                .setStateCode("2")
                .build());
        events.add(event("late-b", Leg.B, CallEventType.CALL_RECORD)
                .setEventTime(T0.plusSeconds(3_600))
                .setStateCode("2")
                .build());

        Call call = joiner.join(events, false, 2, FINALISED);

        assertThat(call.getOutcome()).isEqualTo(CallOutcome.CONNECTED);
        assertThat(call.getTalkSeconds()).isEqualTo(120);
    }

    @Test
    void shouldCapTalkAndBillingAtTheTenantsMaximumTalkTime() {
        Tariff capped = new Tariff(
                "acme-cap",
                "acct-9",
                null,
                null,
                60,
                60,
                0,
                null,
                null,
                null,
                null,
                io.callstream.schema.BillingMode.BRIDGED,
                90);
        CallJoiner cappedJoiner = new CallJoiner(CodeTable.bundled(), new TariffTable(List.of(capped)));

        Call call = cappedJoiner.join(winnerlookAnswered(), false, 1, FINALISED);

        assertThat(call.getTalkSeconds()).isEqualTo(90);
        assertThat(call.getBilledSeconds()).isEqualTo(120);
        assertThat(call.getMaxDurationSeconds()).isEqualTo(90);
        assertThat(call.getLegA().getTalkSeconds()).isEqualTo(90);
        assertThat(call.getTariffId()).isEqualTo("acme-cap");
    }

    static List<CallEvent> winnerlookAnswered() {
        return List.of(
                record("e1", Leg.A)
                        .setPartyNumber("13800000001")
                        .setCallStartTime(T0)
                        .setDialTime(T0)
                        .setAnswerTime(T0.plusSeconds(1))
                        .setStateCode("10")
                        .setStateSource("callerState")
                        .setHangupSide(HangupSide.A)
                        .setLegDurationSeconds(128)
                        .setVendorBilledSeconds(120)
                        .build(),
                record("e2", Leg.B)
                        .setPartyNumber("13900000002")
                        .setCallStartTime(T0)
                        .setAnswerTime(T0.plusSeconds(9))
                        .setStateCode("0")
                        .setStateSource("calleeState")
                        .setHangupSide(HangupSide.A)
                        .setVendorBilledSeconds(120)
                        .build());
    }

    /**
     * A winnerlook record of both legs, pushed at {@code received}: answered at 1 s and 9 s, ended at
     * {@code end} s, billed {@code billed} by the vendor.
     */
    static List<CallEvent> winnerlookAt(Instant received, String idPrefix, int end, int billed, String callerState) {
        return List.of(
                record(idPrefix + "-a", Leg.A)
                        .setReceivedAt(received)
                        .setEventTime(T0.plusSeconds(end))
                        .setAnswerTime(T0.plusSeconds(1))
                        .setEndTime(T0.plusSeconds(end))
                        .setStateCode(callerState)
                        .setStateSource("callerState")
                        .setVendorBilledSeconds(billed)
                        .build(),
                record(idPrefix + "-b", Leg.B)
                        .setReceivedAt(received)
                        .setEventTime(T0.plusSeconds(end))
                        .setAnswerTime(T0.plusSeconds(9))
                        .setEndTime(T0.plusSeconds(end))
                        .setStateCode("0")
                        .setStateSource("calleeState")
                        .setVendorBilledSeconds(billed)
                        .build());
    }

    /** YTX: state pushes identified by number only, then the call record (B never answered). */
    static List<CallEvent> ytxCall() {
        return List.of(
                ytx("s1", Leg.UNKNOWN, CallEventType.DIALING, T0, "18610559223")
                        .setDialTime(T0)
                        .build(),
                ytx("s2", Leg.UNKNOWN, CallEventType.ANSWERED, T0.plusSeconds(3), "18610559223")
                        .setAnswerTime(T0.plusSeconds(3))
                        .build(),
                ytx("s3", Leg.UNKNOWN, CallEventType.RINGING, T0.plusSeconds(8), "1053189990")
                        .setRingTime(T0.plusSeconds(8))
                        .build(),
                ytx("r1", Leg.A, CallEventType.CALL_RECORD, T0.plusSeconds(40), "18610559223")
                        .setAnswerTime(T0.plusSeconds(3))
                        .setEndTime(T0.plusSeconds(40))
                        .setStateText("未接听|无应答")
                        .setStateSource("stateDesc")
                        .setVendorAmount(new BigDecimal("0.150000"))
                        .build(),
                ytx("r2", Leg.B, CallEventType.CALL_RECORD, T0.plusSeconds(40), "01053189990")
                        .setEndTime(T0.plusSeconds(40))
                        .setStateText("未接听|无应答")
                        .setStateSource("stateDesc")
                        .setVendorAmount(new BigDecimal("0.150000"))
                        .build());
    }

    static CallEvent.Builder ytx(String id, Leg leg, CallEventType type, Instant time, String number) {
        return CallEvent.newBuilder()
                .setEventId(id)
                .setVendor("ytx")
                .setTenantId("app-1")
                .setCallId("y-1")
                .setLeg(leg)
                .setEventType(type)
                .setEventTime(time)
                .setPartyNumber(number);
    }

    static CallEvent.Builder record(String id, Leg leg) {
        return event(id, leg, CallEventType.CALL_RECORD).setEndTime(T0.plusSeconds(129));
    }

    static CallEvent.Builder event(String id, Leg leg, CallEventType type) {
        return CallEvent.newBuilder()
                .setEventId(id)
                .setVendor("winnerlook")
                .setTenantId("acct-9")
                .setCallId("wl-1")
                .setLeg(leg)
                .setEventType(type)
                .setEventTime(T0.plusSeconds(129));
    }
}
