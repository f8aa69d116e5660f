package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallKpi;
import io.callstream.schema.DestinationCount;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fraud signals with the default policy; every expected outcome is worked out by hand in the
 * comments (the Wilson and Poisson bounds from their formulas, z = 1.645), not by the code.
 */
class FraudAlertsTest {

    static final Instant T0 = Instant.parse("2024-05-06T02:00:00Z");

    final FailureRateAlerts failureRates = new FailureRateAlerts(AlertPolicy.DEFAULT);
    final FraudAlerts fraud = new FraudAlerts(AlertPolicy.DEFAULT);
    AlertTrack track;
    final List<CallAlert> emitted = new ArrayList<>();

    /**
     * Short calls over the 5-minute window: answered calls per minute before (60 minutes) and in the
     * window, short ones among them, and whether SHORT_CALLS is raised.
     */
    @ParameterizedTest(name = "[{index}] {5}")
    @CsvSource({
        // 5 % short before; 14 of 20 short a minute (70 %, lower bound of 70 of 100 = 62 %) ≥ 50 % and 2 × 5 %
        "20, 1, 20, 14, true,  a burst of short calls",
        // 4 of 5 short a minute: 20 of 25 (80 %) but the lower bound is 64 %: raised at 20 short calls
        "20, 1, 5, 4, true,    twenty short calls are enough when they are most of the answered",
        // 3 of 4 short a minute: 15 short calls in the window, below the minimum of 20
        "20, 1, 4, 3, false,   a small sample does not page",
        // 11 of 20 short: 55 of 100, lower bound 46.8 % < 50 %
        "20, 1, 20, 11, false, a share just above the threshold whose bound is below it does not page",
        // a dialer whose calls are half short (50 of 100, lower bound 41.8 %, never raised): 95 % < 2 × 50 %
        "20, 10, 20, 19, false, a tenant whose calls are often short does not page",
    })
    void shouldRaiseShortCallsOnlyForAReal(
            long answeredBefore, long shortBefore, long answered, long shortCalls, boolean raised, String name) {
        for (int minute = 0; minute < 60; minute++) {
            kpi(minute, answeredBefore, shortBefore, 0, null);
        }
        for (int minute = 60; minute < 65; minute++) {
            kpi(minute, answered, shortCalls, 0, null);
        }

        assertThat(kinds(AlertKind.SHORT_CALLS))
                .extracting(CallAlert::getState)
                .isEqualTo(raised ? List.of(AlertState.RAISED) : List.of());
    }

    @Test
    void shouldClearShortCallsWhenTheShareFallsBelowTheClearShare() {
        for (int minute = 0; minute < 60; minute++) {
            kpi(minute, 20, 1, 0, null);
        }
        for (int minute = 60; minute < 65; minute++) {
            kpi(minute, 20, 14, 0, null);
        }
        CallAlert raised = kinds(AlertKind.SHORT_CALLS).getFirst();
        assertThat(raised.getMessage())
                .contains("SHORT_CALLS RAISED t-1/ytx", "70.0% of answered calls talked 6 s or less", "(70 of 100)");
        assertThat(raised.getAttempts()).isEqualTo(100);
        assertThat(raised.getFailures()).isEqualTo(70);
        assertThat(raised.getBaselineRate()).isEqualTo(0.05);

        for (int minute = 65; minute < 68; minute++) {
            kpi(minute, 20, 1, 0, null); // the window: 2 × 14 + 3 × 1 = 31 of 100, above 30 %: still raised
        }
        assertThat(kinds(AlertKind.SHORT_CALLS)).hasSize(1);
        kpi(68, 20, 1, 0, null); // 14 + 4 × 1 = 18 %

        assertThat(kinds(AlertKind.SHORT_CALLS))
                .extracting(CallAlert::getState, CallAlert::getAlertId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AlertState.RAISED, raised.getAlertId()),
                        org.assertj.core.groups.Tuple.tuple(AlertState.CLEARED, raised.getAlertId()));
    }

    /**
     * Spend over the 60-minute window against the hours before: billed minutes per minute of the
     * history and of the last hour, hours of history, whether SPEND is raised.
     */
    @ParameterizedTest(name = "[{index}] {4}")
    @CsvSource({
        // 600 min an hour before; 2,400 now: 4×, and the lower bound of 2,400 (2,319) is 3.87× ≥ 3×
        "10, 40, 3, true,  four times the usual billed minutes",
        // 2.5×: below the factor
        "10, 25, 3, false, a rise below the factor does not page",
        // 60 min before, 240 now: 4×, and the lower bound of 240 (215) is 3.6× ≥ 3×
        "1, 4, 3, true,    a smaller tenant's real rise",
        // no history before the hour: nothing to compare with
        "10, 40, 0, false, no baseline, no page",
    })
    void shouldRaiseSpendAgainstTheHoursBefore(
            long perMinuteBefore, long perMinuteNow, int hoursBefore, boolean raised, String name) {
        int start = 180 - 60 * hoursBefore;
        for (int minute = start; minute < 180; minute++) {
            kpi(minute, perMinuteBefore, 0, perMinuteBefore * 60, null);
        }
        for (int minute = 180; minute < 240; minute++) {
            kpi(minute, perMinuteNow, 0, perMinuteNow * 60, null);
        }

        assertThat(kinds(AlertKind.SPEND))
                .extracting(CallAlert::getState)
                .isEqualTo(raised ? List.of(AlertState.RAISED) : List.of());
    }

    @Test
    void shouldStayRaisedWhileTheSpendGoesOnAndClearWhenItStops() {
        kpiHours(0, 180, 10);
        kpiHours(180, 540, 40); // six hours at 4×: a baseline taking them in would be 1,600 min an hour at 7 h

        assertThat(kinds(AlertKind.SPEND)).extracting(CallAlert::getState).containsExactly(AlertState.RAISED);

        kpiHours(540, 600, 10);
        assertThat(kinds(AlertKind.SPEND))
                .extracting(CallAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED);
        assertThat(kinds(AlertKind.SPEND).get(1).getBaselineBilledSeconds())
                .as("the baseline it was raised against: 600 min an hour")
                .isEqualTo(36_000.0);
    }

    @Test
    void shouldNotPageOnAFewBilledMinutesWhoseRiseMayBeNoise() {
        // 5 min an hour before, 20 now (4×, and the minimum of 20 billed minutes), but the lower bound
        // of 20 is 20 (1 − 1/180 − 1.645/(3 √20))³ = 13.3: 2.65× < 3×
        for (int minute = 0; minute < 180; minute++) {
            kpi(minute, minute % 12 == 0 ? 1 : 0, 0, minute % 12 == 0 ? 60 : 0, null);
        }
        for (int minute = 180; minute < 240; minute++) {
            kpi(minute, minute % 3 == 0 ? 1 : 0, 0, minute % 3 == 0 ? 60 : 0, null);
        }

        assertThat(kinds(AlertKind.SPEND)).isEmpty();
    }

    @Test
    void shouldJudgeSpendByTheAmountWhereTariffsPriceTheCalls() {
        // the same minutes, ten times the price (calls to an expensive destination): 10×
        for (int minute = 0; minute < 180; minute++) {
            kpi(minute, 10, 0, 600, new BigDecimal("1.000000"));
        }
        for (int minute = 180; minute < 240; minute++) {
            kpi(minute, 10, 0, 600, new BigDecimal("10.000000"));
        }

        List<CallAlert> spend = kinds(AlertKind.SPEND);
        assertThat(spend).extracting(CallAlert::getState).containsExactly(AlertState.RAISED);
        CallAlert raised = spend.getFirst();
        // raised once the ratio times 0.934 (the lower bound of 600 minutes, 560, over 600) reaches 3×
        assertThat(raised.getAmount()).isPositive();
        assertThat(raised.getBaselineAmount()).isEqualByComparingTo("60.000000");
        assertThat(raised.getMessage()).contains("SPEND RAISED t-1/ytx", "of the amount", "baseline of 600 min");

        for (int minute = 240; minute < 300; minute++) {
            kpi(minute, 10, 0, 600, new BigDecimal("1.000000"));
        }
        assertThat(kinds(AlertKind.SPEND))
                .extracting(CallAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED);
    }

    @Test
    void shouldNotPageOnAnHourOfTheWeekThatAlwaysSpendsMore() {
        // a week ago, 03:00 to 04:00 billed 40 min a minute; the rest of the week 10
        int weekAgo = -7 * 24 * 60;
        kpiHours(weekAgo, weekAgo + 60, 10);
        kpiHours(weekAgo + 60, weekAgo + 120, 40);
        kpiHours(weekAgo + 120, 60, 10);
        kpiHours(60, 120, 40); // 03:00 to 04:00 again: 4× the day before, as a week ago

        // the first time, with no week behind it, the rise paged (cleared when the hour's billing fell
        // below 1.5× the baseline it was raised against, 9 minutes of 40 left in the window); this
        // week it does not
        assertThat(kinds(AlertKind.SPEND))
                .extracting(CallAlert::getState, CallAlert::getEventTime)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                AlertState.RAISED, T0.plus(Duration.ofMinutes(weekAgo + 120))),
                        org.assertj.core.groups.Tuple.tuple(
                                AlertState.CLEARED, T0.plus(Duration.ofMinutes(weekAgo + 171))));
    }

    @Test
    void shouldPageOnTheSameRiseWithoutThatWeek() {
        int weekAgo = -7 * 24 * 60;
        kpiHours(weekAgo, 60, 10);
        kpiHours(60, 120, 40);

        assertThat(kinds(AlertKind.SPEND)).extracting(CallAlert::getState).containsExactly(AlertState.RAISED);
    }

    @Test
    void shouldRaiseNewDestinationsOnlyAfterLearningThenClearOnceTheyAreKnown() {
        Instant start = T0;
        destinations(start, count("138", 30, "c-1"), count("139", 20, "c-2"));
        destinations(start.plus(Duration.ofMinutes(30)), count("00882", 20, "c-3")); // still learning
        assertThat(emitted).isEmpty();

        Instant later = start.plus(Duration.ofMinutes(61));
        destinations(later, count("138", 40, "c-4"), count("00537", 6, "x-1", "x-2"));
        assertThat(emitted).isEmpty(); // 6 calls to a new prefix, 00882 was learned
        destinations(later.plus(Duration.ofMinutes(10)), count("00537", 2, "x-3"), count("00252", 2, "y-1"));

        assertThat(emitted).hasSize(1);
        CallAlert raised = emitted.getFirst();
        assertThat(raised.getKind()).isEqualTo(AlertKind.NEW_DESTINATIONS);
        assertThat(raised.getState()).isEqualTo(AlertState.RAISED);
        assertThat(raised.getAttempts()).isEqualTo(10);
        assertThat(raised.getPrefixes()).containsExactly("00537", "00252");
        assertThat(raised.getExampleCallIds()).containsExactly("x-1", "x-2", "x-3", "y-1");
        assertThat(raised.getMessage())
                .contains("NEW_DESTINATIONS RAISED t-1/ytx: 10 calls in 60 min to 2 destination prefixes")
                .contains("00537 (8), 00252 (2)");

        // the fraud goes on: 00537 is called again 50 minutes after it was first seen
        destinations(later.plus(Duration.ofMinutes(50)), count("00537", 1, "x-4"));
        check(later.plus(Duration.ofMinutes(75))); // past the hour of both prefixes, not of that call
        assertThat(emitted).hasSize(1);
        check(later.plus(Duration.ofMinutes(111)));
        assertThat(emitted).extracting(CallAlert::getState).containsExactly(AlertState.RAISED, AlertState.CLEARED);
        assertThat(emitted.get(1).getAlertId()).isEqualTo(raised.getAlertId());
    }

    @ParameterizedTest
    @CsvSource({
        "13800138000, 138",
        "01088886666, 010",
        "075512345678, 075",
        "0088213012345, 00882",
        "+44 7700 900123, 00447",
        "00, 00",
        "95, 95",
    })
    void shouldCutNumbersToTheirDestinationPrefix(String number, String prefix) {
        assertThat(Destinations.prefix(number)).isEqualTo(prefix);
    }

    @Test
    void shouldHaveNoPrefixForANumberWithoutDigits() {
        assertThat(Destinations.prefix("anonymous")).isNull();
    }

    @Test
    void shouldBoundThePoissonMeanFromBelow() {
        // Wilson-Hilferty: 100 (1 − 1/900 − 1.645/30)³ = 83.9 (the exact 95 % bound is 84.1)
        assertThat(FraudAlerts.poissonLowerBound(100, WilsonInterval.Z_95_ONE_SIDED))
                .isBetween(83.5, 84.5);
        assertThat(FraudAlerts.poissonLowerBound(0, WilsonInterval.Z_95_ONE_SIDED))
                .isZero();
    }

    private void kpiHours(int fromMinute, int toMinute, long billedMinutesPerMinute) {
        for (int minute = fromMinute; minute < toMinute; minute++) {
            kpi(minute, billedMinutesPerMinute, 0, billedMinutesPerMinute * 60, null);
        }
    }

    private void kpi(int minute, long answered, long shortCalls, long billedSeconds, BigDecimal amount) {
        Instant start = T0.plus(Duration.ofMinutes(minute));
        CallKpi kpi = CallKpi.newBuilder()
                .setTenantId("t-1")
                .setVendor("ytx")
                .setWindowStart(start)
                .setWindowEnd(start.plus(Duration.ofMinutes(1)))
                .setAttempts(answered)
                .setAnswered(answered)
                .setAsr(answered > 0 ? 1 : 0)
                .setNer(answered > 0 ? 1 : 0)
                .setTalkSeconds(billedSeconds)
                .setBilledSeconds(billedSeconds)
                .setShortCalls(shortCalls)
                .setBilledAmount(amount)
                .setFailures(List.of())
                .setEmittedAt(start)
                .build();
        FailureRateAlerts.Step step = failureRates.apply(track, kpi);
        FailureRateAlerts.Step shortStep = fraud.shortCalls(step.track());
        FailureRateAlerts.Step spend = fraud.spend(shortStep.track());
        track = spend.track();
        for (CallAlert alert : new CallAlert[] {step.alert(), shortStep.alert(), spend.alert()}) {
            if (alert != null) {
                emitted.add(alert);
            }
        }
    }

    private void destinations(Instant now, DestinationCount... counts) {
        AlertTrack known = track != null ? track : FailureRateAlerts.newTrack("t-1", "ytx");
        FailureRateAlerts.Step step = fraud.destinations(known, List.of(counts), now);
        track = step.track();
        if (step.alert() != null) {
            emitted.add(step.alert());
        }
    }

    private void check(Instant now) {
        FailureRateAlerts.Step step = fraud.checkDestinations(track, now);
        track = step.track();
        if (step.alert() != null) {
            emitted.add(step.alert());
        }
    }

    private static DestinationCount count(String prefix, long calls, String... examples) {
        return new DestinationCount(prefix, calls, List.of(examples));
    }

    private List<CallAlert> kinds(AlertKind kind) {
        return emitted.stream().filter(alert -> alert.getKind() == kind).toList();
    }
}
