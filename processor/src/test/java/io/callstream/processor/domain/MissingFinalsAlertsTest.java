package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MissingFinalsAlertsTest {

    static final Instant T0 = FailureRateAlertsTest.T0;

    /** The default finalisation timeout: 10 minutes, so a minute has settled 12 minutes after it. */
    final MissingFinalsAlerts finals = new MissingFinalsAlerts(AlertPolicy.DEFAULT, Duration.ofMinutes(10));

    final FailureRateAlerts rates = new FailureRateAlerts(AlertPolicy.DEFAULT, finals.reach());

    @Test
    void shouldCountAMinuteAsSettledTwoMinutesAfterTheTimeoutInWholeMinutes() {
        assertThat(finals.settle()).isEqualTo(Duration.ofMinutes(12));
        assertThat(new MissingFinalsAlerts(AlertPolicy.DEFAULT, Duration.ofSeconds(61)).settle())
                .isEqualTo(Duration.ofMinutes(4)); // 3 min 1 s
        assertThat(finals.reach()).isEqualTo(Duration.ofMinutes(12 + 5 + 60));
    }

    /**
     * Hand-computed, default policy (raise when the 95 % one-sided Wilson lower bound of the EXPIRED
     * share reaches 10 % and the share is at least twice the baseline, over at least 20 calls): a
     * baseline hour (minutes 0-59) of {@code perMinute} calls with {@code baselineExpired} EXPIRED a
     * minute, the settled window (minutes 60-64) with {@code windowExpired} EXPIRED in all, then the
     * 12 minutes that are not settled yet with {@code unsettledExpired} a minute.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "'half of 100 calls without a final push: lower bound 42%', 20, 0, 50, 0, true",
        "'8 of 100: below 10%', 20, 0, 8, 0, false",
        "'13 of 100: above 10%, but the lower bound is 8.4%', 20, 0, 13, 0, false",
        "'16 of 100: lower bound 10.9%', 20, 0, 16, 0, true",
        "'small sample, 3 of 20 (15%): lower bound 6.2%', 4, 0, 3, 0, false",
        "'15 of 15: fewer than 20 calls', 3, 0, 15, 0, false",
        "'50% where 30% is usual: not twice the baseline', 20, 6, 50, 0, false",
        "'25% where 10% is usual: lower bound 18.6%, 2.5x the baseline', 20, 2, 25, 0, true",
        "'EXPIRED only in minutes not settled yet: not judged', 20, 0, 0, 10, false",
    })
    void shouldRaiseOnlyOnAShareOfSettledCallsThatIsNotNoise(
            String name,
            long perMinute,
            long baselineExpired,
            long windowExpired,
            long unsettledExpired,
            boolean raised) {
        AlertTrack track = null;
        for (int minute = 0; minute < 60 + 5 + 12; minute++) {
            long expired =
                    minute < 60 ? baselineExpired : minute == 60 ? windowExpired : minute < 65 ? 0 : unsettledExpired;
            track = rates.apply(track, kpi(minute, perMinute, expired)).track();
        }

        CallAlert alert = finals.apply(track).alert();

        assertThat(alert != null).as(name).isEqualTo(raised);
    }

    @Test
    void shouldRaiseWithTheSettledEvidenceThenClearBelowTheClearRateOnly() {
        Feed feed = new Feed();
        feed.minutes(0, 60, 0); // an hour of calls that all got their final push
        feed.minutes(60, 70, 8); // then 8 of 20 a minute without one
        feed.minutes(70, 120, 1); // then 1 of 20 (5%: not below the clear rate)

        assertThat(feed.alerts).singleElement().satisfies(raised -> {
            assertThat(raised.getKind()).isEqualTo(AlertKind.MISSING_FINALS);
            assertThat(raised.getState()).isEqualTo(AlertState.RAISED);
            assertThat(raised.getAlertId()).startsWith("t-1:ytx:missing-finals:");
            // the first settled window whose lower bound reaches 10%: minutes 57-61 (16 of 100, 10.9%)
            assertThat(raised.getWindowStart()).isEqualTo(T0.plus(Duration.ofMinutes(57)));
            assertThat(raised.getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(62)));
            assertThat(raised.getEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(74)));
            assertThat(raised.getAttempts()).isEqualTo(100);
            assertThat(raised.getFailures()).isEqualTo(16);
            assertThat(raised.getFailureRate()).isEqualTo(0.16);
            assertThat(raised.getBaselineRate()).isEqualTo(0.0);
            assertThat(raised.getThreshold()).isEqualTo(0.10);
            assertThat(raised.getMessage())
                    .contains("MISSING_FINALS RAISED t-1/ytx", "16.0% of calls got no final push", "16 of 100");
        });

        feed.minutes(120, 140, 0); // all final pushes arrive again

        assertThat(feed.alerts).hasSize(2);
        CallAlert cleared = feed.alerts.get(1);
        assertThat(cleared.getState()).isEqualTo(AlertState.CLEARED);
        assertThat(cleared.getAlertId()).isEqualTo(feed.alerts.getFirst().getAlertId());
        assertThat(cleared.getFailureRate()).isLessThan(0.05);
        // the first settled window below 5%: minutes 116-120 hold 4 of 100 (1 a minute until 119)
        assertThat(cleared.getWindowStart()).isEqualTo(T0.plus(Duration.ofMinutes(116)));
    }

    @Test
    void shouldNotRaiseAgainWithinTheCooldown() {
        Feed feed = new Feed();
        feed.minutes(0, 60, 0);
        feed.minutes(60, 66, 10);
        feed.minutes(66, 71, 0); // cleared once minutes 66-70 have settled, at minute 83
        // 20% in the settled window at minute 85 (twice the baseline of 5%), but within the cooldown
        feed.minutes(71, 73, 10);
        feed.minutes(73, 100, 0);
        assertThat(feed.alerts)
                .as("the second episode falls in the cooldown")
                .extracting(CallAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED);
        assertThat(feed.alerts.get(1).getEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(83)));

        feed.minutes(100, 106, 10);
        feed.minutes(106, 125, 0);
        assertThat(feed.alerts)
                .extracting(CallAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED, AlertState.RAISED, AlertState.CLEARED);
    }

    /**
     * Minutes of 20 calls fed as the processor emits them: each minute once when its calls got their
     * final push, and again when its EXPIRED calls are finalised, ten minutes later.
     */
    private final class Feed {
        final List<CallAlert> alerts = new ArrayList<>();
        final long[] expired = new long[200];
        AlertTrack track;

        void minutes(int from, int to, long expiredPerMinute) {
            for (int minute = from; minute < to; minute++) {
                expired[minute] = expiredPerMinute;
                emit(kpi(minute, 20, 0));
                if (minute >= 10) {
                    emit(kpi(minute - 10, 20, expired[minute - 10]));
                }
            }
        }

        private void emit(io.callstream.schema.CallKpi kpi) {
            track = rates.apply(track, kpi).track();
            FailureRateAlerts.Step step = finals.apply(track);
            track = step.track();
            if (step.alert() != null) {
                alerts.add(step.alert());
            }
        }
    }

    private static io.callstream.schema.CallKpi kpi(int minute, long attempts, long expired) {
        return io.callstream.schema.CallKpi.newBuilder(FailureRateAlertsTest.kpi(minute, attempts, List.of()))
                .setExpired(expired)
                .build();
    }
}
