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
 * Missing final pushes of one tenant and vendor: calls that got progress pushes but no terminal
 * one (call record, hang-up) are finalised by the finalisation timeout (EXPIRED, or CONNECTED with
 * {@code noFinalPush} when a push said they were answered), and are counted then in the minute they
 * started. So a minute's share of such calls is known only once it has settled: {@link #settle}
 * (the timeout plus {@link #MARGIN}) after it. The alert looks at the window of the policy's length
 * that ends that long before the start of the latest minute seen (event time; that minute is
 * still filling),
 * from the minutes {@link FailureRateAlerts} keeps for the pair, with the window before it as
 * baseline; raised and cleared as failure rates are ({@link WilsonInterval} lower bound at the
 * raise rate and the baseline's factor, at least the minimum of calls, hysteresis, cooldown).
 */
public final class MissingFinalsAlerts {

    /**
     * Time after a call's start for its last progress push, within which a call without a terminal
     * push is counted: ringing and answering take seconds; a call whose last push comes later
     * expires after the window has passed and is not counted (the alert errs towards silence).
     */
    public static final Duration MARGIN = Duration.ofMinutes(2);

    private static final long MINUTE = KpiWindows.WINDOW.toMillis();

    private final AlertPolicy policy;
    private final Duration settle;
    private final Duration finaliseAfter;

    /** @param finaliseAfter the processor's finalisation timeout: a call without a terminal push expires then */
    public MissingFinalsAlerts(AlertPolicy policy, Duration finaliseAfter) {
        this.policy = policy;
        this.finaliseAfter = finaliseAfter;
        long millis = finaliseAfter.plus(MARGIN).toMillis();
        this.settle = Duration.ofMillis(Math.ceilDiv(millis, MINUTE) * MINUTE);
    }

    /** How long after a minute its calls without a final push are all counted. */
    public Duration settle() {
        return settle;
    }

    /** How far back from the latest minute this alert reads: the settling time, the window and the baseline. */
    public Duration reach() {
        return settle.plus(policy.window()).plus(policy.baselineWindow());
    }

    /** Evaluates the settled window of a tenant and vendor's minutes (after {@link FailureRateAlerts#apply}). */
    public Step apply(AlertTrack track) {
        List<MinuteCount> minutes = track.getMinutes();
        if (minutes.isEmpty()) {
            return new Step(track, null);
        }
        // the newest minute is still filling: event time has reached its start, not its end
        long latest = minutes.getLast().getWindowStart().toEpochMilli();
        long windowEnd = latest - settle.toMillis();
        long windowStart = windowEnd - policy.window().toMillis();
        long baselineStart = windowStart - policy.baselineWindow().toMillis();
        Count window = Count.of(minutes, windowStart, windowEnd);
        Count baseline = Count.of(minutes, baselineStart, windowStart);
        Double baselineRate = baseline.calls >= policy.minAttempts() ? baseline.rate() : null;
        Instant at = Instant.ofEpochMilli(latest);
        boolean enough = window.calls >= policy.minAttempts();
        if (track.getMissingFinalsAlertId() == null) {
            boolean cooling = policy.cooling(track.getMissingFinalsClearedAt(), at);
            if (enough
                    && !cooling
                    && FailureRateAlerts.rises(
                            window.expired,
                            window.calls,
                            policy.missingFinalsRaiseRate(),
                            baselineRate,
                            policy.baselineFactor())) {
                AlertTrack next = AlertTrack.newBuilder(track)
                        .setMissingFinalsAlertId(FailureRateAlerts.key(track) + ":missing-finals:" + latest)
                        .build();
                return new Step(next, alert(next, AlertState.RAISED, at, windowStart, windowEnd, window, baselineRate));
            }
        } else if (enough && window.rate() < policy.missingFinalsClearRate()) {
            CallAlert alert = alert(track, AlertState.CLEARED, at, windowStart, windowEnd, window, baselineRate);
            AlertTrack next = AlertTrack.newBuilder(track)
                    .setMissingFinalsAlertId(null)
                    .setMissingFinalsClearedAt(at)
                    .build();
            return new Step(next, alert);
        }
        return new Step(track, null);
    }

    private CallAlert alert(
            AlertTrack track, AlertState state, Instant at, long from, long to, Count window, Double baseline) {
        String message = String.format(
                Locale.ROOT,
                "MISSING_FINALS %s %s/%s: %.1f%% of calls got no final push (%d of %d calls started %s to %s, finalised"
                        + " by the timeout %d s after their last push)%s",
                state,
                track.getTenantId(),
                track.getVendor(),
                100 * window.rate(),
                window.expired,
                window.calls,
                Instant.ofEpochMilli(from),
                Instant.ofEpochMilli(to),
                finaliseAfter.toSeconds(),
                FailureRateAlerts.rule(
                        state,
                        baseline,
                        policy.missingFinalsRaiseRate(),
                        policy.missingFinalsClearRate(),
                        policy.baselineFactor()));
        return CallAlert.newBuilder()
                .setAlertId(track.getMissingFinalsAlertId())
                .setKind(AlertKind.MISSING_FINALS)
                .setTenantId(track.getTenantId())
                .setVendor(track.getVendor())
                .setState(state)
                .setEventTime(at)
                .setWindowStart(Instant.ofEpochMilli(from))
                .setWindowEnd(Instant.ofEpochMilli(to))
                .setAttempts(window.calls)
                .setFailures(window.expired)
                .setFailureRate(window.rate())
                .setBaselineRate(baseline)
                .setThreshold(
                        state == AlertState.RAISED ? policy.missingFinalsRaiseRate() : policy.missingFinalsClearRate())
                .setBaselineFactor(policy.baselineFactor())
                .setTopCategories(List.of())
                .setExpectedAttempts(null)
                .setMessage(message)
                .build();
    }

    /** Calls started and calls finalised without a final push over {@code [from, to)}. */
    private record Count(long calls, long expired) {

        static Count of(List<MinuteCount> minutes, long from, long to) {
            List<MinuteCount> within = FailureRateAlerts.between(minutes, from, to);
            return new Count(
                    within.stream().mapToLong(MinuteCount::getAttempts).sum(),
                    // (minutes counted before noFinalPush existed have only the EXPIRED ones)
                    within.stream()
                            .mapToLong(minute -> Math.max(minute.getNoFinalPush(), minute.getExpired()))
                            .sum());
        }

        double rate() {
            return calls == 0 ? 0 : (double) expired / calls;
        }
    }
}
