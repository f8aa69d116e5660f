package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SilenceAlertsTest {

    static final Instant T0 = FailureRateAlertsTest.T0;
    /** The default reach of the kept minutes: 10 min to settle plus 2, the 5-minute window, the hour of baseline. */
    static final Duration DORMANT_AFTER = Duration.ofMinutes(77);

    /** Default policy: silence after at least 5 minutes, 20 calls of history, chance below 1 in 1,000, 10 min cooldown. */
    final FailureRateAlerts rates = new FailureRateAlerts(AlertPolicy.DEFAULT);

    final SilenceAlerts silence = new SilenceAlerts(AlertPolicy.DEFAULT, DORMANT_AFTER);

    /**
     * Hand-computed: calls every {@code every} minutes over {@code minutes} minutes, the last push
     * at the end of the last minute with a call, then {@code quiet} minutes without any. With n
     * calls from minute 0 to the end of the last minute with a call (span s), the rate is n / s a
     * minute and a silence raises once e^(−rate·quiet) < 0.001, i.e. quiet > 6.908 / rate, quiet ≥ 5
     * minutes, and quiet longer than the longest gap between minutes with calls.
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
        // a dialer in batches: 40 calls at minutes 0, 15, 30, 45 (rate 160 / 46 min = 3.5/min, so
        // e^-17 at 5 min), 14 minutes without a call between batches
        "'40 calls every 15 min, quiet 10 min: between two batches', 40, 15, 60, 10, false",
        "'40 calls every 15 min, quiet 14 min: as long as the gaps before', 40, 15, 60, 14, false",
        "'40 calls every 15 min, quiet 15 min: a batch missed', 40, 15, 60, 15, true",
    })
    void shouldRaiseOnlyASilenceThatChanceDoesNotExplain(
            String name, long perMinute, int every, int minutes, double quiet, boolean raised) {
        AlertTrack track = history(perMinute, every, minutes);
        Instant lastHeard = track.getLastHeardAt();

        CallAlert alert = silence.check(track, at(lastHeard, quiet), T0).alert();

        assertThat(alert != null).as(name).isEqualTo(raised);
    }

    @Test
    void shouldRaiseWithTheEvidenceThenClearWhenPushesArriveAgain() {
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
        assertThat(alert.getMessage()).contains("no push for 6.0 min", "20.0 calls/min", "about 120 calls expected");
        assertThat(silence.check(raised.track(), at(lastHeard, 9), T0).alert())
                .as("one alert per silence")
                .isNull();

        FailureRateAlerts.Step stillSilent = silence.heard(raised.track(), lastHeard, at(lastHeard, 9));
        assertThat(stillSilent.alert())
                .as("word of a push from before the silence (another task's, late) does not clear it")
                .isNull();

        FailureRateAlerts.Step cleared = silence.heard(stillSilent.track(), at(lastHeard, 10), at(lastHeard, 10.5));
        assertThat(cleared.alert().getState()).isEqualTo(AlertState.CLEARED);
        assertThat(cleared.alert().getAlertId()).isEqualTo(alert.getAlertId());
        assertThat(cleared.alert().getWindowStart()).isEqualTo(lastHeard);
        assertThat(cleared.alert().getWindowEnd()).isEqualTo(at(lastHeard, 10));
        assertThat(cleared.track().getSilenceAlertId()).isNull();
        assertThat(cleared.track().getLastHeardAt()).isEqualTo(at(lastHeard, 10));
    }

    @Test
    void shouldNotRaiseAgainWithinTheCooldownAfterAClear() {
        Instant lastHeard = T0.plus(Duration.ofMinutes(30));
        FailureRateAlerts.Step raised = silence.check(history(20, 1, 30), at(lastHeard, 6), T0);
        AlertTrack cleared = silence.heard(raised.track(), at(lastHeard, 7), at(lastHeard, 7))
                .track();

        assertThat(silence.check(cleared, at(lastHeard, 16.9), T0).alert())
                .as("quiet again for 9.9 min, 9.9 min after the clear: within the 10-minute cooldown")
                .isNull();
        assertThat(silence.check(cleared, at(lastHeard, 17), T0).alert())
                .as("10 min after the clear")
                .isNotNull();
    }

    @Test
    void shouldJudgeByWhenPushesArriveNotByTheEventTimeOfTheCalls() {
        // the calls are dated two hours back (a lagging consumer, a vendor's clock behind): the
        // pair's last push arrived a minute ago, so it is not silent
        AlertTrack track = AlertTrack.newBuilder(history(20, 1, 30))
                .setLastHeardAt(at(T0, 150))
                .build();

        assertThat(silence.check(track, at(T0, 151), T0).alert()).isNull();
        assertThat(silence.check(track, at(T0, 156), T0).alert())
                .as("six minutes after the last push")
                .isNotNull();
    }

    @Test
    void shouldNotTakeAPushTimeAheadOfTheClock() {
        AlertTrack track = history(20, 1, 30);
        Instant now = track.getLastHeardAt().plus(Duration.ofMinutes(1));

        AlertTrack heard =
                silence.heard(track, now.plus(Duration.ofDays(1)), now).track();

        assertThat(heard.getLastHeardAt()).isEqualTo(now);
        assertThat(silence.check(heard, now.plus(Duration.ofMinutes(6)), T0).alert())
                .isNotNull();
    }

    @Test
    void shouldLeaveDormantAndNeverHeardPairsAlone() {
        AlertTrack track = history(20, 1, 30);
        Instant lastHeard = track.getLastHeardAt();

        assertThat(silence.check(track, lastHeard.plus(DORMANT_AFTER), T0).alert())
                .as("quiet for as long as the kept minutes reach: still judged")
                .isNotNull();
        assertThat(silence.check(track, lastHeard.plus(DORMANT_AFTER).plusMillis(1), T0)
                        .alert())
                .as("quiet for longer: dormant (e.g. stopped before this deploy)")
                .isNull();
        assertThat(silence.check(
                                AlertTrack.newBuilder(track)
                                        .setLastHeardAt(null)
                                        .build(),
                                at(lastHeard, 10),
                                T0)
                        .alert())
                .as("not heard since the push times were kept")
                .isNull();
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
                0.05,
                FraudPolicy.DEFAULT);

        AlertTrack track = history(20, 1, 30);
        assertThat(new SilenceAlerts(off, DORMANT_AFTER)
                        .check(track, at(track.getLastHeardAt(), 30), T0)
                        .alert())
                .isNull();
    }

    /**
     * The track after {@code perMinute} calls in every {@code every}-th minute of {@code minutes},
     * the last push heard at the end of the last minute with calls.
     */
    private AlertTrack history(long perMinute, int every, int minutes) {
        AlertTrack track = null;
        int last = 0;
        for (int minute = 0; minute < minutes; minute += every) {
            track = rates.apply(track, FailureRateAlertsTest.kpi(minute, perMinute, List.of()))
                    .track();
            last = minute;
        }
        Instant heard = T0.plus(Duration.ofMinutes(last + 1));
        return silence.heard(track, heard, heard).track();
    }

    private static Instant at(Instant from, double minutesLater) {
        return from.plusMillis((long) (minutesLater * 60_000));
    }
}
