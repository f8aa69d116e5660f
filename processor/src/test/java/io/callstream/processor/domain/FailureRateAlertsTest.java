package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.schema.AlertState;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallKpi;
import io.callstream.schema.CategoryCount;
import io.callstream.schema.FailureCategory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureRateAlertsTest {

    static final Instant T0 = Instant.parse("2024-05-01T02:00:00Z");

    /** 5-minute window, 60-minute baseline, raise at 30% and 2× baseline, clear below 20%, 20 calls, 10-minute cooldown. */
    final FailureRateAlerts alerts = new FailureRateAlerts(AlertPolicy.DEFAULT);

    AlertTrack track;
    final List<CallAlert> emitted = new ArrayList<>();

    @Test
    void shouldRaiseWhenTheRateExceedsTheThresholdAndTheBaselineFactorThenClearBelowTheClearRate() {
        minutes(0, 30, 20, 1); // baseline: 5% network failures
        minutes(30, 5, 20, 10); // spike: 50%

        assertThat(emitted).hasSize(1);
        CallAlert raised = emitted.getFirst();
        assertThat(raised.getState()).isEqualTo(AlertState.RAISED);
        assertThat(raised.getTenantId()).isEqualTo("t-1");
        assertThat(raised.getVendor()).isEqualTo("ytx");
        assertThat(raised.getFailureRate()).isGreaterThanOrEqualTo(0.30);
        assertThat(raised.getBaselineRate()).isEqualTo(0.05);
        assertThat(raised.getAttempts()).isGreaterThanOrEqualTo(20);
        assertThat(raised.getTopCategories())
                .extracting(CategoryCount::getCategory)
                .containsExactly(FailureCategory.NETWORK_ERROR);
        assertThat(raised.getMessage()).contains("RAISED t-1/ytx").contains("top: NETWORK_ERROR");

        minutes(35, 10, 20, 1);

        assertThat(emitted).hasSize(2);
        CallAlert cleared = emitted.get(1);
        assertThat(cleared.getState()).isEqualTo(AlertState.CLEARED);
        assertThat(cleared.getAlertId()).isEqualTo(raised.getAlertId());
        assertThat(cleared.getFailureRate()).isLessThan(0.20);
        assertThat(cleared.getEventTime()).isAfter(raised.getEventTime());
    }

    @Test
    void shouldStayRaisedWhileTheRateIsBetweenTheClearAndRaiseRates() {
        minutes(0, 5, 20, 10); // 50%, no baseline yet: the absolute threshold decides
        assertThat(emitted).extracting(CallAlert::getState).containsExactly(AlertState.RAISED);
        assertThat(emitted.getFirst().getBaselineRate()).isNull();

        minutes(5, 10, 20, 5); // 25%: below the raise rate, above the clear rate

        assertThat(emitted).hasSize(1);
        assertThat(track.getRaised()).isTrue();
    }

    @Test
    void shouldNotRaiseWhenTheRateIsHighButNotAboveTheBaselineByTheFactor() {
        minutes(0, 30, 20, 5); // baseline 25%, below the raise rate
        minutes(30, 5, 20, 9); // 45% < 2 × 25%

        assertThat(emitted).isEmpty();
    }

    @Test
    void shouldNotPageOnASmallSampleWhoseRiseMayBeNoise() {
        minutes(0, 1, 20, 7); // 35 % of 20 calls, above the 30 % threshold; the Wilson bound is 20 %

        assertThat(emitted).isEmpty();

        minutes(1, 1, 20, 20); // now 27 of 40 calls (68 %, bound 54 %): a real spike

        assertThat(emitted).extracting(CallAlert::getState).containsExactly(AlertState.RAISED);
    }

    @Test
    void shouldLeaveCallsWithoutAFinalPushOutOfTheFailureRate() {
        // 20 calls a minute, 12 of them finalised EXPIRED (category UNKNOWN) and 2 network errors
        for (int minute = 0; minute < 5; minute++) {
            apply(CallKpi.newBuilder(kpi(
                            minute,
                            20,
                            List.of(
                                    new CategoryCount(FailureCategory.UNKNOWN, 12L),
                                    new CategoryCount(FailureCategory.NETWORK_ERROR, 2L))))
                    .setExpired(12)
                    .build());
        }

        assertThat(emitted)
                .as("2 of 8 calls with a known end (25 %), not 14 of 20")
                .isEmpty();

        apply(CallKpi.newBuilder(kpi(
                        5,
                        20,
                        List.of(
                                new CategoryCount(FailureCategory.UNKNOWN, 20L),
                                new CategoryCount(FailureCategory.NETWORK_ERROR, 0L))))
                .setExpired(4)
                .build());

        assertThat(emitted)
                .as("16 UNKNOWN of 16 known calls in minute 5: a failure the vendor reported")
                .extracting(CallAlert::getState)
                .containsExactly(AlertState.RAISED);
        assertThat(emitted.getFirst().getAttempts()).isEqualTo(8 * 4 + 16);
        assertThat(emitted.getFirst().getFailures()).isEqualTo(2 * 4 + 16);
    }

    @Test
    void shouldNotRaiseOnTooFewAttempts() {
        minutes(0, 5, 3, 3); // 15 calls in 5 minutes, all failed

        assertThat(emitted).isEmpty();
    }

    @Test
    void shouldCountOnlyTheConfiguredCategories() {
        for (int minute = 0; minute < 5; minute++) {
            apply(kpi(minute, 20, List.of(new CategoryCount(FailureCategory.NO_ANSWER, 15L))));
        }
        assertThat(emitted)
                .as("no answer is user behaviour, not counted by default")
                .isEmpty();

        FailureRateAlerts noAnswers = new FailureRateAlerts(new AlertPolicy(
                Duration.ofMinutes(5),
                Duration.ofMinutes(60),
                0.3,
                0.2,
                2,
                20,
                Duration.ofMinutes(10),
                EnumSet.of(FailureCategory.NO_ANSWER),
                Duration.ZERO,
                0.10,
                0.05,
                FraudPolicy.DEFAULT));
        assertThat(noAnswers
                        .apply(null, kpi(5, 20, List.of(new CategoryCount(FailureCategory.NO_ANSWER, 15L))))
                        .alert())
                .extracting(CallAlert::getState)
                .isEqualTo(AlertState.RAISED);
    }

    @Test
    void shouldNotReRaiseWithinTheCooldownAfterAClear() {
        minutes(0, 5, 20, 10);
        minutes(5, 5, 20, 0); // cleared at minute 10 at the latest
        assertThat(emitted).extracting(CallAlert::getState).containsExactly(AlertState.RAISED, AlertState.CLEARED);
        Instant clearedAt = emitted.get(1).getEventTime();

        minutes(10, 5, 20, 18); // 90% again, within 10 minutes of the clear
        List<CallAlert> duringCooldown = emitted.stream()
                .filter(alert -> alert.getEventTime().isBefore(clearedAt.plus(Duration.ofMinutes(10))))
                .toList();
        assertThat(duringCooldown).hasSize(2);

        minutes(15, 10, 20, 18); // the spike goes on past the cooldown

        assertThat(emitted)
                .extracting(CallAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED, AlertState.RAISED);
        assertThat(emitted.get(2).getEventTime()).isAfterOrEqualTo(clearedAt.plus(Duration.ofMinutes(10)));
        assertThat(emitted.get(2).getAlertId()).isNotEqualTo(emitted.getFirst().getAlertId());
    }

    @Test
    void shouldReplaceAMinuteReEmittedWithMoreCallsAndForgetMinutesBeyondTheBaseline() {
        apply(kpi(0, 5, List.of()));
        apply(kpi(0, 8, List.of()));
        assertThat(track.getMinutes()).hasSize(1);
        assertThat(track.getMinutes().getFirst().getAttempts()).isEqualTo(8);

        apply(kpi(65, 1, List.of())); // the window covers 61..65, the baseline 1..60

        assertThat(track.getMinutes())
                .extracting(minute -> minute.getWindowStart())
                .containsExactly(T0.plus(Duration.ofMinutes(65)));
    }

    @Test
    void shouldRejectAPolicyWithoutHysteresis() {
        assertThatThrownBy(() -> new AlertPolicy(
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(60),
                        0.3,
                        0.3,
                        2,
                        20,
                        Duration.ZERO,
                        AlertPolicy.DEFAULT.counted(),
                        Duration.ZERO,
                        0.10,
                        0.05,
                        FraudPolicy.DEFAULT))
                .hasMessageContaining("hysteresis");
    }

    @Test
    void shouldNotPageOnAnHourOfTheWeekThatAlwaysFailsMore() {
        int weekAgo = -7 * 24 * 60;
        wholeMinutes(weekAgo, 60, 20, 1); // 5 %
        wholeMinutes(weekAgo + 60, 60, 20, 8); // 03:00 to 04:00 a week ago: 40 %, and paged then
        wholeMinutes(weekAgo + 120, -weekAgo - 60, 20, 1); // up to 02:00 to 03:00 today, 5 %
        assertThat(emitted).extracting(CallAlert::getEventTime).allMatch(at -> at.isBefore(T0));
        emitted.clear();

        wholeMinutes(60, 60, 20, 8); // 03:00 to 04:00 again: 40 % < 2 × 40 % (that hour a week ago)

        assertThat(emitted).isEmpty();
    }

    @Test
    void shouldPageOnTheSameRiseWithoutThatWeek() {
        int weekAgo = -7 * 24 * 60;
        wholeMinutes(weekAgo, -weekAgo + 60, 20, 1);

        wholeMinutes(60, 60, 20, 8); // 40 % ≥ 2 × 5 %, Wilson bound of 40 of 100 32.3 % ≥ 30 %

        assertThat(emitted).extracting(CallAlert::getState).containsExactly(AlertState.RAISED);
        assertThat(emitted.getFirst().getBaselineRate()).isEqualTo(0.05);
    }

    /** As {@link #minutes}, but each minute emitted once, whole (a week of minutes in a test). */
    private void wholeMinutes(int first, int count, long attempts, long failed) {
        for (int minute = first; minute < first + count; minute++) {
            apply(kpi(minute, attempts, List.of(new CategoryCount(FailureCategory.NETWORK_ERROR, failed))));
        }
    }

    /** {@code count} minutes from {@code first}, each of {@code attempts} calls, {@code failed} of them network errors. */
    private void minutes(int first, int count, long attempts, long failed) {
        for (int minute = first; minute < first + count; minute++) {
            // A minute's KPIs are emitted as its calls arrive: evaluate the growing minute, as the topology does.
            for (long calls = 1; calls <= attempts; calls++) {
                long failures = Math.min(failed, calls * failed / attempts);
                apply(kpi(
                        minute,
                        calls,
                        failures == 0
                                ? List.of()
                                : List.of(new CategoryCount(FailureCategory.NETWORK_ERROR, failures))));
            }
        }
    }

    private void apply(CallKpi kpi) {
        FailureRateAlerts.Step step = alerts.apply(track, kpi);
        track = step.track();
        if (step.alert() != null) {
            emitted.add(step.alert());
        }
    }

    static CallKpi kpi(int minute, long attempts, List<CategoryCount> failures) {
        Instant start = T0.plus(Duration.ofMinutes(minute));
        return CallKpi.newBuilder()
                .setTenantId("t-1")
                .setVendor("ytx")
                .setWindowStart(start)
                .setWindowEnd(start.plus(Duration.ofMinutes(1)))
                .setAttempts(attempts)
                .setAnswered(0)
                .setAsr(0)
                .setNer(0)
                .setTalkSeconds(0)
                .setBilledSeconds(0)
                .setFailures(failures)
                .setEmittedAt(start)
                .build();
    }
}
