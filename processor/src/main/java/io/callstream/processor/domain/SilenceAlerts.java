package io.callstream.processor.domain;

import io.callstream.processor.domain.FailureRateAlerts.Step;
import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallKpi;
import io.callstream.schema.MinuteCount;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Silence of one tenant and vendor: their calls stopped arriving. Judged on the wall clock (when no
 * call arrives, no event time moves) from the minutes {@link FailureRateAlerts} keeps for the pair:
 * with {@code n} calls started over the {@code m} minutes from the first kept to the last heard,
 * calls come at about {@code λ = n / m} a minute, and a silence of {@code t} minutes happens by
 * chance with probability {@code e^(−λt)} (Poisson arrivals). SILENCE is raised when no call has
 * started for at least the policy's {@code silenceAfter}, that chance is below {@link #CHANCE}, and
 * the kept minutes hold at least the policy's minimum of calls: a tenant making a call every ten
 * minutes is not silent after five. It clears when a call that started after the silence began is
 * counted.
 */
public final class SilenceAlerts {

    /** A silence is raised only when fewer than 1 in 1,000 silences this long happen at the pair's rate. */
    public static final double CHANCE = 0.001;

    private static final long MINUTE = KpiWindows.WINDOW.toMillis();

    private final AlertPolicy policy;

    public SilenceAlerts(AlertPolicy policy) {
        this.policy = policy;
    }

    /**
     * Looks at a tenant and vendor at wall-clock {@code now}.
     *
     * @param watchingSince when this instance began watching: a silence counts from then at the
     *     earliest, so that after a restart the backlog being caught up does not page
     */
    public Step check(AlertTrack track, Instant now, Instant watchingSince) {
        List<MinuteCount> minutes = track.getMinutes();
        if (policy.silenceAfter().isZero() || track.getSilenceAlertId() != null || minutes.isEmpty()) {
            return new Step(track, null);
        }
        long calls = minutes.stream().mapToLong(MinuteCount::getAttempts).sum();
        long lastHeard = minutes.getLast().getWindowStart().toEpochMilli() + MINUTE;
        double perMinute =
                calls / ((lastHeard - minutes.getFirst().getWindowStart().toEpochMilli()) / (double) MINUTE);
        long quietFrom = Math.max(lastHeard, watchingSince.toEpochMilli());
        double quietMinutes = (now.toEpochMilli() - quietFrom) / (double) MINUTE;
        if (calls < policy.minAttempts()
                || now.toEpochMilli() - quietFrom < policy.silenceAfter().toMillis()
                || Math.exp(-perMinute * quietMinutes) >= CHANCE) {
            return new Step(track, null);
        }
        Instant since = Instant.ofEpochMilli(lastHeard);
        double silentMinutes = (now.toEpochMilli() - lastHeard) / (double) MINUTE;
        AlertTrack next = AlertTrack.newBuilder(track)
                .setSilenceAlertId(key(track) + ":silence:" + lastHeard)
                .setSilentSince(since)
                .build();
        String message = String.format(
                Locale.ROOT,
                "SILENCE RAISED %s/%s: no call started for %.1f min (since %s); %.1f calls/min before, so about %.0f"
                        + " expected; raise after %d min when a silence that long happens less than once in %.0f at"
                        + " that rate",
                track.getTenantId(),
                track.getVendor(),
                silentMinutes,
                since,
                perMinute,
                perMinute * silentMinutes,
                policy.silenceAfter().toMinutes(),
                1 / CHANCE);
        return new Step(next, alert(next, AlertState.RAISED, now, since, now, 0, perMinute * silentMinutes, message));
    }

    /** Takes a KPI emission (after {@link FailureRateAlerts#apply}): a call started since the silence began clears it. */
    public Step heard(AlertTrack track, CallKpi kpi, Instant now) {
        if (track.getSilenceAlertId() == null
                || kpi.getAttempts() == 0
                || kpi.getWindowStart().isBefore(track.getSilentSince())) {
            return new Step(track, null);
        }
        Instant since = track.getSilentSince();
        String message = String.format(
                Locale.ROOT,
                "SILENCE CLEARED %s/%s: calls again from %s after %.1f min without any",
                track.getTenantId(),
                track.getVendor(),
                kpi.getWindowStart(),
                (kpi.getWindowStart().toEpochMilli() - since.toEpochMilli()) / (double) MINUTE);
        CallAlert alert =
                alert(track, AlertState.CLEARED, now, since, kpi.getWindowStart(), kpi.getAttempts(), null, message);
        AlertTrack next = AlertTrack.newBuilder(track)
                .setSilenceAlertId(null)
                .setSilentSince(null)
                .build();
        return new Step(next, alert);
    }

    private static String key(AlertTrack track) {
        return track.getTenantId() + ":" + track.getVendor();
    }

    private static CallAlert alert(
            AlertTrack track,
            AlertState state,
            Instant at,
            Instant from,
            Instant to,
            long attempts,
            Double expected,
            String message) {
        return CallAlert.newBuilder()
                .setAlertId(track.getSilenceAlertId())
                .setKind(AlertKind.SILENCE)
                .setTenantId(track.getTenantId())
                .setVendor(track.getVendor())
                .setState(state)
                .setEventTime(at)
                .setWindowStart(from)
                .setWindowEnd(to)
                .setAttempts(attempts)
                .setFailures(0)
                .setFailureRate(0)
                .setBaselineRate(null)
                .setThreshold(0)
                .setBaselineFactor(0)
                .setTopCategories(List.of())
                .setExpectedAttempts(expected)
                .setMessage(message)
                .build();
    }
}
