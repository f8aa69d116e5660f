package io.callstream.processor.domain;

import io.callstream.processor.domain.FailureRateAlerts.Step;
import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import io.callstream.schema.MinuteCount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Silence of one tenant and vendor: their pushes stopped arriving. Judged on the wall clock against
 * when the pair's latest push arrived ({@code lastHeardAt}: the Kafka timestamp ingest gave its call
 * event, progress pushes included), so consumer lag, a vendor's skewed clock or lost final pushes
 * do not make a pair that is still pushing look silent. The rate comes from the minutes {@link
 * FailureRateAlerts} keeps for the pair: with {@code n} calls started over the {@code m} minutes from
 * the first kept to the last, calls come at about {@code λ = n / m} a minute, and a silence of {@code
 * t} minutes happens by chance with probability {@code e^(−λt)} (Poisson arrivals).
 *
 * <p>SILENCE is raised when nothing has been heard for at least the policy's {@code silenceAfter},
 * that chance is below {@link #CHANCE}, the kept minutes hold at least the policy's minimum of
 * calls (a tenant making a call every ten minutes is not silent after five), and the silence is
 * longer than the longest gap between calls in those minutes (a dialer that calls in batches every
 * quarter of an hour is not silent between batches, whatever its average rate). It is not raised
 * within the policy's cooldown after the last silence cleared, nor for a pair last heard longer ago
 * than the kept minutes reach (a pair that stopped long ago, e.g. before a deploy, is dormant, not
 * silent). It clears when a push arrives again.
 */
public final class SilenceAlerts {

    /** A silence is raised only when fewer than 1 in 1,000 silences this long happen at the pair's rate. */
    public static final double CHANCE = 0.001;

    private static final long MINUTE = KpiWindows.WINDOW.toMillis();

    private final AlertPolicy policy;
    private final Duration dormantAfter;

    /**
     * @param dormantAfter how long a pair may go unheard and still be judged: the reach of the
     *     minutes kept for it (older calls say nothing about the rate now)
     */
    public SilenceAlerts(AlertPolicy policy, Duration dormantAfter) {
        this.policy = policy;
        this.dormantAfter = dormantAfter;
    }

    /**
     * Looks at a tenant and vendor at wall-clock {@code now}.
     *
     * @param watchingSince when this instance began watching: a silence counts from then at the
     *     earliest, so that after a restart the backlog being caught up does not page
     */
    public Step check(AlertTrack track, Instant now, Instant watchingSince) {
        List<MinuteCount> minutes = track.getMinutes();
        Instant lastHeard = track.getLastHeardAt();
        if (policy.silenceAfter().isZero()
                || track.getSilenceAlertId() != null
                || minutes.isEmpty()
                || lastHeard == null
                || now.isAfter(lastHeard.plus(dormantAfter))
                || policy.cooling(track.getSilenceClearedAt(), now)) {
            return new Step(track, null);
        }
        long calls = minutes.stream().mapToLong(MinuteCount::getAttempts).sum();
        long first = minutes.getFirst().getWindowStart().toEpochMilli();
        long last = minutes.getLast().getWindowStart().toEpochMilli() + MINUTE;
        double perMinute = calls / ((last - first) / (double) MINUTE);
        long quietFrom = Math.max(lastHeard.toEpochMilli(), watchingSince.toEpochMilli());
        long quiet = now.toEpochMilli() - quietFrom;
        long longestGap = longestGap(minutes);
        if (calls < policy.minAttempts()
                || quiet < policy.silenceAfter().toMillis()
                || quiet <= longestGap
                || Math.exp(-perMinute * quiet / MINUTE) >= CHANCE) {
            return new Step(track, null);
        }
        double silentMinutes = (now.toEpochMilli() - lastHeard.toEpochMilli()) / (double) MINUTE;
        AlertTrack next = AlertTrack.newBuilder(track)
                .setSilenceAlertId(FailureRateAlerts.key(track) + ":silence:" + lastHeard.toEpochMilli())
                .setSilentSince(lastHeard)
                .build();
        String message = String.format(
                Locale.ROOT,
                "SILENCE RAISED %s/%s: no push for %.1f min (last at %s); %.1f calls/min before, so about %.0f calls"
                        + " expected; raise after %d min when a silence that long happens less than once in %.0f at"
                        + " that rate and is longer than any gap between calls before (%.0f min)",
                track.getTenantId(),
                track.getVendor(),
                silentMinutes,
                lastHeard,
                perMinute,
                perMinute * silentMinutes,
                policy.silenceAfter().toMinutes(),
                1 / CHANCE,
                longestGap / (double) MINUTE);
        return new Step(next, alert(next, AlertState.RAISED, now, lastHeard, now, perMinute * silentMinutes, message));
    }

    /**
     * Takes word that pushes of the pair arrived, the latest at {@code heardAt} (not taken past
     * {@code now}, so a clock running ahead cannot hide a silence): a push after the silence was
     * raised clears it.
     */
    public Step heard(AlertTrack track, Instant heardAt, Instant now) {
        Instant at = heardAt.isAfter(now) ? now : heardAt;
        AlertTrack.Builder next = AlertTrack.newBuilder(track);
        if (track.getLastHeardAt() == null || at.isAfter(track.getLastHeardAt())) {
            next.setLastHeardAt(at);
        }
        if (track.getSilenceAlertId() == null || !at.isAfter(track.getSilentSince())) {
            return new Step(next.build(), null);
        }
        Instant since = track.getSilentSince();
        String message = String.format(
                Locale.ROOT,
                "SILENCE CLEARED %s/%s: pushes again from %s after %.1f min without any",
                track.getTenantId(),
                track.getVendor(),
                at,
                (at.toEpochMilli() - since.toEpochMilli()) / (double) MINUTE);
        CallAlert alert = alert(track, AlertState.CLEARED, now, since, at, null, message);
        next.setSilenceAlertId(null).setSilentSince(null).setSilenceClearedAt(now);
        return new Step(next.build(), alert);
    }

    /** The longest time between the end of one minute with calls and the start of the next one. */
    static long longestGap(List<MinuteCount> minutes) {
        long longest = 0;
        Long previousEnd = null;
        for (MinuteCount minute : minutes) {
            if (minute.getAttempts() <= 0) {
                continue;
            }
            long start = minute.getWindowStart().toEpochMilli();
            if (previousEnd != null) {
                longest = Math.max(longest, start - previousEnd);
            }
            previousEnd = start + MINUTE;
        }
        return longest;
    }

    private static CallAlert alert(
            AlertTrack track, AlertState state, Instant at, Instant from, Instant to, Double expected, String message) {
        return CallAlert.newBuilder()
                .setAlertId(track.getSilenceAlertId())
                .setKind(AlertKind.SILENCE)
                .setTenantId(track.getTenantId())
                .setVendor(track.getVendor())
                .setState(state)
                .setEventTime(at)
                .setWindowStart(from)
                .setWindowEnd(to)
                .setAttempts(0)
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
