package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.Leg;
import io.callstream.schema.QualityFlag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each quality flag, raised by the input it describes and by nothing cleaner. */
class QualityChecksTest {

    static final Instant T0 = Instant.parse("2024-05-01T02:00:00Z");
    static final Instant RECEIVED = T0.plusSeconds(300);
    final CallJoiner joiner = new CallJoiner(CodeTable.bundled(), TariffTable.empty());

    @Test
    void shouldFlagNothingOnACleanCall() {
        assertThat(join(a(1, 129), b(9, 129)).getQualityFlags()).isEmpty();
    }

    @Test
    void shouldFlagTheIssuesExampleAnswerAfterTheEndWithANegativeDuration() {
        // winnerlook: the callee "answered" 5 minutes after the end, duration -5
        Call call = join(a(1, 129), b(429, 129).setVendorBilledSeconds(-5));

        assertThat(call.getQualityFlags())
                .containsExactly(QualityFlag.NEGATIVE_DURATION, QualityFlag.END_BEFORE_ANSWER);
        assertThat(call.getTalkSeconds()).isZero();
        assertThat(call.getBilledSeconds()).isZero();
        assertThat(call.getVendorBilledSeconds()).isEqualTo(-5);
    }

    @Test
    void shouldFlagANegativeLegDuration() {
        assertThat(join(a(1, 129), b(9, 129).setLegDurationSeconds(-1)).getQualityFlags())
                .containsExactly(QualityFlag.NEGATIVE_DURATION);
    }

    @Test
    void shouldFlagAnAnswerBeforeTheDialOrTheRing() {
        assertThat(join(a(1, 129).setDialTime(T0.plusSeconds(5)), b(9, 129)).getQualityFlags())
                .containsExactly(QualityFlag.ANSWER_BEFORE_DIAL);
        assertThat(join(a(1, 129), b(9, 129).setRingTime(T0.plusSeconds(20))).getQualityFlags())
                .containsExactly(QualityFlag.ANSWER_BEFORE_DIAL);
    }

    @Test
    void shouldFlagATimeMoreThanADayAfterThePushArrived() {
        Instant late = RECEIVED.plusSeconds(86_400 + 1);
        assertThat(join(a(1, 129), b(9, 129).setEndTime(late)).getQualityFlags())
                .containsExactly(QualityFlag.FUTURE_TIME);
        // a day exactly is not
        assertThat(join(a(1, 129), b(9, 129).setEndTime(RECEIVED.plusSeconds(86_400)))
                        .getQualityFlags())
                .isEmpty();
    }

    @Test
    void shouldFlagATimeBefore2000() {
        assertThat(join(a(1, 129).setDialTime(Instant.parse("1999-12-31T23:59:59Z")), b(9, 129))
                        .getQualityFlags())
                .containsExactly(QualityFlag.BEFORE_2000);
    }

    @Test
    void shouldFlagTalkOverTheCapAndCapIt() {
        Call call = join(a(1, 129).setMaxDurationSeconds(60), b(9, 129));
        assertThat(call.getQualityFlags()).containsExactly(QualityFlag.TALK_OVER_CAP);
        assertThat(call.getTalkSeconds()).isEqualTo(60);
    }

    @Test
    void shouldFlagARoundedAmount() {
        CallEvent.Builder rounded = b(9, 129);
        rounded.setAttributes(Map.of("oriamount.original", "0.30000000000000004"));
        assertThat(join(a(1, 129), rounded).getQualityFlags()).containsExactly(QualityFlag.ROUNDED_AMOUNT);
    }

    @Test
    void shouldNotKeepAFlagOfARecordACorrectionReplaced() {
        CallEvent.Builder rounded = b(9, 129);
        rounded.setAttributes(Map.of("oriamount.original", "0.30000000000000004"));
        CallEvent.Builder corrected = b(9, 99).setEventId("qb-2").setReceivedAt(RECEIVED.plusSeconds(60));
        assertThat(join(a(1, 129), rounded).getQualityFlags()).containsExactly(QualityFlag.ROUNDED_AMOUNT);
        assertThat(join(a(1, 129), rounded, corrected).getQualityFlags()).isEmpty();
    }

    @Test
    void shouldFlagAnEndedCallWithoutAnyEndTime() {
        Call call = join(a(1, 129).setEndTime(null), b(9, 129).setEndTime(null));
        assertThat(call.getQualityFlags()).containsExactly(QualityFlag.NO_END_TIME);
        assertThat(call.getOutcome()).isEqualTo(CallOutcome.CONNECTED);
    }

    @Test
    void shouldNotFlagAFailedCallWithoutTimes() {
        // UCPaaS: a failure reason, no starttime/stoptime: nothing was billed, so nothing is missing
        CallEvent.Builder a = a(1, 1).setAnswerTime(null).setEndTime(null).setStateCode("5");
        CallEvent.Builder b = b(1, 1).setAnswerTime(null).setEndTime(null).setStateCode("5");
        assertThat(join(a, b).getQualityFlags()).isEmpty();
    }

    @Test
    void shouldTellTimingFlagsFromOthers() {
        assertThat(QualityChecks.timingSuspect(List.of(QualityFlag.ROUNDED_AMOUNT, QualityFlag.TALK_OVER_CAP)))
                .isFalse();
        assertThat(QualityChecks.timingSuspect(List.of(QualityFlag.ROUNDED_AMOUNT, QualityFlag.FUTURE_TIME)))
                .isTrue();
    }

    private Call join(CallEvent.Builder... events) {
        return joiner.join(
                List.of(events).stream().map(CallEvent.Builder::build).toList(), false, 1, T0.plusSeconds(400));
    }

    /** Leg A's record, answered and ended at these seconds after T0, pushed at RECEIVED. */
    static CallEvent.Builder a(int answer, int end) {
        return record("qa", Leg.A, answer, end)
                .setDialTime(T0)
                .setStateCode("10")
                .setStateSource("callerState");
    }

    static CallEvent.Builder b(int answer, int end) {
        return record("qb", Leg.B, answer, end).setStateCode("0").setStateSource("calleeState");
    }

    private static CallEvent.Builder record(String id, Leg leg, int answer, int end) {
        return CallEvent.newBuilder()
                .setEventId(id)
                .setVendor("winnerlook")
                .setTenantId("acct-9")
                .setCallId("wl-q")
                .setLeg(leg)
                .setEventType(CallEventType.CALL_RECORD)
                .setEventTime(T0.plusSeconds(end))
                .setReceivedAt(RECEIVED)
                .setAnswerTime(T0.plusSeconds(answer))
                .setEndTime(T0.plusSeconds(end));
    }
}
