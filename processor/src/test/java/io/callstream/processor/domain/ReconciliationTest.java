package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.schema.Call;
import io.callstream.schema.CallLeg;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.DifferenceClass;
import io.callstream.schema.Leg;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each reason class, from figures written by hand: ours beside what the vendor states. */
class ReconciliationTest {

    static final Instant T0 = Instant.parse("2024-05-01T02:00:00Z");
    final Reconciliation exact = Reconciliation.EXACT;

    @Test
    void shouldAgreeWhenEveryStatedFigureMatches() {
        assertThat(exact.classify(answered(60)
                        .setVendorTalkSeconds(60)
                        .setVendorBilledSeconds(60)
                        .build()))
                .isEqualTo(DifferenceClass.AGREES);
    }

    @Test
    void shouldNotCompareAnUnansweredCallTheVendorStatesNothingFor() {
        Call failed =
                answered(0).setOutcome(CallOutcome.FAILED).setBridgeTime(null).build();
        assertThat(exact.classify(failed)).isEqualTo(DifferenceClass.NOT_COMPARED);
    }

    @Test
    void shouldSayTheVendorFigureIsMissingForAnAnsweredCallWithoutOne() {
        assertThat(exact.classify(answered(60).build())).isEqualTo(DifferenceClass.VENDOR_FIGURE_MISSING);
    }

    @Test
    void shouldClassTalkAgreeingButBilledDifferingAsIncrementOrRounding() {
        // 61 s of talk: we bill 120 (60/60), the vendor 66 (6/6)
        Call call =
                answered(61).setVendorTalkSeconds(61).setVendorBilledSeconds(66).build();
        assertThat(exact.classify(call)).isEqualTo(DifferenceClass.INCREMENT_ROUNDING);
    }

    @Test
    void shouldClassAnAmountDifferenceWithAgreeingTimesAsIncrementOrRounding() {
        Call call = answered(60)
                .setVendorTalkSeconds(60)
                .setAmount(new BigDecimal("0.100000"))
                .setVendorAmount(new BigDecimal("0.120000"))
                .build();
        assertThat(exact.classify(call)).isEqualTo(DifferenceClass.INCREMENT_ROUNDING);
        assertThat(new Reconciliation(0, new BigDecimal("0.05")).classify(call)).isEqualTo(DifferenceClass.AGREES);
    }

    @Test
    void shouldClassADifferenceWhereATalkReachesTheCapAsCap() {
        Call call = answered(600)
                .setMaxDurationSeconds(600)
                .setVendorTalkSeconds(750)
                .build();
        assertThat(exact.classify(call)).isEqualTo(DifferenceClass.CAP);
    }

    @Test
    void shouldClassWholeHoursAsATimezoneShift() {
        assertThat(exact.classify(answered(45).setVendorTalkSeconds(45 + 3600).build()))
                .isEqualTo(DifferenceClass.TIMEZONE_SHIFT);
        assertThat(exact.classify(
                        answered(8 * 3600 + 45).setVendorTalkSeconds(45).build()))
                .isEqualTo(DifferenceClass.TIMEZONE_SHIFT);
        // an hour and a second is not, unless the tolerance allows the second
        assertThat(exact.classify(answered(46).setVendorTalkSeconds(45 + 3600).build()))
                .isEqualTo(DifferenceClass.OTHER);
        assertThat(new Reconciliation(1, BigDecimal.ZERO)
                        .classify(answered(46).setVendorTalkSeconds(45 + 3600).build()))
                .isEqualTo(DifferenceClass.TIMEZONE_SHIFT);
    }

    @Test
    void shouldClassTalkCountedFromTheOtherAnswerAsAnswerTimeDisagreement() {
        // A answered at 1 s, B at 9 s, both ended at 69 s: we count 60 s from the bridge; the vendor 68 s,
        // from A's answer
        Call call = answered(60).setVendorTalkSeconds(68).build();
        assertThat(exact.classify(call)).isEqualTo(DifferenceClass.ANSWER_TIME);
    }

    @Test
    void shouldClassAMissingLegOrLegEndAsOneLegMissing() {
        Call oneLeg = answered(60).setLegA(null).setVendorTalkSeconds(70).build();
        assertThat(exact.classify(oneLeg)).isEqualTo(DifferenceClass.ONE_LEG_MISSING);
        CallLeg unended = CallLeg.newBuilder(leg(Leg.A, 1, 69))
                .setEndTime(null)
                .setTalkSeconds(0)
                .build();
        Call noEnd = answered(60).setLegA(unended).setVendorLegASeconds(68).build();
        assertThat(exact.classify(noEnd)).isEqualTo(DifferenceClass.ONE_LEG_MISSING);
    }

    @Test
    void shouldClassAnyOtherDifferenceAsOther() {
        assertThat(exact.classify(answered(60).setVendorTalkSeconds(53).build()))
                .isEqualTo(DifferenceClass.OTHER);
        // leg A's duration is compared with leg A's talk (YTX): 68 s ours, 75 s theirs
        assertThat(exact.classify(answered(60).setVendorLegASeconds(75).build()))
                .isEqualTo(DifferenceClass.OTHER);
        assertThat(exact.classify(answered(60).setVendorLegASeconds(68).build()))
                .isEqualTo(DifferenceClass.AGREES);
    }

    @Test
    void shouldNotExplainADifferenceOnACallWithImpossibleTimesByIncrements() {
        // the example: the callee answered after the end, the vendor states -5 billed seconds
        Call impossible = answered(0)
                .setVendorBilledSeconds(-5)
                .setQualityFlags(java.util.List.of(
                        io.callstream.schema.QualityFlag.NEGATIVE_DURATION,
                        io.callstream.schema.QualityFlag.END_BEFORE_ANSWER))
                .build();
        assertThat(exact.classify(impossible)).isEqualTo(DifferenceClass.OTHER);
        assertThat(exact.classify(Call.newBuilder(impossible)
                        .setQualityFlags(java.util.List.of())
                        .build()))
                .isEqualTo(DifferenceClass.INCREMENT_ROUNDING);
    }

    @Test
    void shouldClassAMissingEndAsOneLegMissingNotAsImpossible() {
        CallLeg unended = CallLeg.newBuilder(leg(Leg.A, 1, 69))
                .setEndTime(null)
                .setTalkSeconds(0)
                .build();
        Call noEnd = answered(60)
                .setLegA(unended)
                .setVendorLegASeconds(68)
                .setQualityFlags(java.util.List.of(io.callstream.schema.QualityFlag.NO_END_TIME))
                .build();
        assertThat(exact.classify(noEnd)).isEqualTo(DifferenceClass.ONE_LEG_MISSING);
    }

    @Test
    void shouldTolerateDifferencesWithinTheTolerance() {
        Reconciliation lenient = new Reconciliation(2, BigDecimal.ZERO);
        assertThat(lenient.classify(answered(60).setVendorTalkSeconds(62).build()))
                .isEqualTo(DifferenceClass.AGREES);
        assertThat(lenient.classify(answered(60).setVendorTalkSeconds(63).build()))
                .isEqualTo(DifferenceClass.OTHER);
    }

    /**
     * A connected call: A answered at 1 s, B at 9 s, both ended at 9 + {@code talk} s; {@code talk}
     * talk seconds, billed by the minute.
     */
    static Call.Builder answered(int talk) {
        return Call.newBuilder()
                .setVendor("test")
                .setTenantId("t")
                .setCallId("c")
                .setVersion(1)
                .setLegA(leg(Leg.A, 1, 9 + talk))
                .setLegB(leg(Leg.B, 9, 9 + talk))
                .setOutcome(CallOutcome.CONNECTED)
                .setBridgeTime(T0.plusSeconds(9))
                .setEndTime(T0.plusSeconds(9 + talk))
                .setTalkSeconds(talk)
                .setBilledSeconds((talk + 59) / 60 * 60)
                .setFinalisedAt(T0.plusSeconds(3600));
    }

    static CallLeg leg(Leg leg, int answer, int end) {
        return CallLeg.newBuilder()
                .setLeg(leg)
                .setAnswerTime(T0.plusSeconds(answer))
                .setEndTime(T0.plusSeconds(end))
                .setTalkSeconds(end - answer)
                .build();
    }
}
