package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallKpi;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SilenceAlertsTest {

    static final Instant T0 = FailureRateAlertsTest.T0;

    /** Default policy: silence after at least 5 minutes, 20 calls of history, chance below 1 in 1,000. */
    final FailureRateAlerts rates = new FailureRateAlerts(AlertPolicy.DEFAULT);

    final SilenceAlerts silence = new SilenceAlerts(AlertPolicy.DEFAULT);

    /**
     * Hand-computed: calls every {@code every} minutes over {@code minutes} minutes, then {@code
     * quiet} minutes without any. With n calls from minute 0 to the end of the last minute with a
     * call (span s), the rate is n / s a minute and a silence raises once e^(−rate·quiet) < 0.001,
     * i.e. quiet > 6.908 / rate, and quiet ≥ 5 minutes.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "'20 calls/min for 30 min, quiet 4 min: shorter than 5 min', 20, 1, 30, 4, false",
        "'20 calls/min for 30 min, quiet 5 min: e^-100', 20, 1, 30, 5, true",
        "'1 call/min for 30 min, quiet 6.5 min: e^-6.5 = 0.0015', 1, 1, 30, 6.5, false",
        "'1 call/min for 30 min, quiet 7 min: e^-7 = 0.0009', 1, 1, 30, 7, true",
        // 20 calls at minutes 0, 3, …, 57: span 58 min, rate 0.345/min, raise after 20.03 min
        "'1 call every 3 min for 60 min, quiet 19 min', 1, 3, 60, 19, false",
        "'1 call every 3 min for 60 min, quiet 21 min', 1, 3, 60, 21, true",
        "'19 calls in one minute, quiet an hour: too few calls to judge', 19, 1, 1, 60, false",
        "'20 calls in one minute, quiet 5 min', 20, 1, 1, 5, true",
    })
    void shouldRaiseOnlyASilenceThatChanceDoesNotExplain(
            String name, long perMinute, int every, int minutes, double quiet, boolean raised) {
        AlertTrack track = history(perMinute, every, minutes);
        Instant lastHeard = track.getMinutes().getLast().getWindowStart().plus(Duration.ofMinutes(1));

        CallAlert alert = silence.check(track, at(lastHeard, quiet), T0).alert();

        assertThat(alert != null).as(name).isEqualTo(raised);
    }

    @Test
    void shouldRaiseWithTheEvidenceThenClearWhenACallStartsAgain() {
        AlertTrack track = history(20, 1, 30); // minutes 0..29: 600 calls, 20 a minute
        Instant lastHeard = T0.plus(Duration.ofMinutes(30));

        FailureRateAlerts.Step raised = silence.check(track, at(lastHeard, 6), T0);

        CallAlert alert = raised.alert();
        assertThat(alert.getKind()).isEqualTo(AlertKind.SILENCE);
        assertThat(alert.getState()).isEqualTo(AlertState.RAISED);
        assertThat(alert.getAlertId()).isEqualTo("t-1:ytx:silence:" + lastHeard.toEpochMilli());
        assertThat(alert.getWindowStart()).isEqualTo(lastHeard);
        assertThat(alert.getWindowEnd()).isEqualTo(at(lastHeard, 6));
        assertThat(alert.getAttempts()).isZero();
        assertThat(alert.getExpectedAttempts()).isEqualTo(120.0); // 20 a minute for 6 minutes
        assertThat(alert.getMessage()).contains("no call started for 6.0 min", "20.0 calls/min", "about 120 expected");
        assertThat(silence.check(raised.track(), at(lastHeard, 9), T0).alert())
                .as("one alert per silence")
                .isNull();

        CallKpi late = FailureRateAlertsTest.kpi(29, 21, List.of());
        FailureRateAlerts.Step stillSilent =
                silence.heard(rates.apply(raised.track(), late).track(), late, at(lastHeard, 9));
        assertThat(stillSilent.alert())
                .as("a late count for a minute before the silence does not clear it")
                .isNull();

        CallKpi again = FailureRateAlertsTest.kpi(40, 1, List.of());
        FailureRateAlerts.Step cleared =
                silence.heard(rates.apply(stillSilent.track(), again).track(), again, at(lastHeard, 10.5));
        assertThat(cleared.alert().getState()).isEqualTo(AlertState.CLEARED);
        assertThat(cleared.alert().getAlertId()).isEqualTo(alert.getAlertId());
        assertThat(cleared.alert().getWindowStart()).isEqualTo(lastHeard);
        assertThat(cleared.alert().getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(40)));
        assertThat(cleared.track().getSilenceAlertId()).isNull();
    }

    @Test
    void shouldCountASilenceFromARestartAtTheEarliest() {
        AlertTrack track = history(20, 1, 30);
        Instant lastHeard = T0.plus(Duration.ofMinutes(30));
        Instant restarted = at(lastHeard, 20);

        assertThat(silence.check(track, at(lastHeard, 24), restarted).alert())
                .as("4 minutes after the restart")
                .isNull();
        assertThat(silence.check(track, at(lastHeard, 25), restarted).alert())
                .as("5 minutes after the restart")
                .isNotNull();
    }

    @Test
    void shouldRaiseNothingWhenSilenceAlertsAreOff() {
        AlertPolicy off = new AlertPolicy(
                Duration.ofMinutes(5),
                Duration.ofMinutes(60),
                0.3,
                0.2,
                2,
                20,
                Duration.ofMinutes(10),
                AlertPolicy.DEFAULT.counted(),
                Duration.ZERO,
                0.10,
                0.05);

        assertThat(new SilenceAlerts(off)
                        .check(history(20, 1, 30), T0.plus(Duration.ofHours(5)), T0)
                        .alert())
                .isNull();
    }

    /** The track after {@code perMinute} calls in every {@code every}-th minute of {@code minutes}. */
    private AlertTrack history(long perMinute, int every, int minutes) {
        AlertTrack track = null;
        for (int minute = 0; minute < minutes; minute += every) {
            track = rates.apply(track, FailureRateAlertsTest.kpi(minute, perMinute, List.of()))
                    .track();
        }
        return track;
    }

    private static Instant at(Instant lastHeard, double minutesLater) {
        return lastHeard.plusMillis((long) (minutesLater * 60_000));
    }
}
