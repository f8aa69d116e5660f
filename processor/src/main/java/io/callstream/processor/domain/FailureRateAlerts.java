package io.callstream.processor.domain;

import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallKpi;
import io.callstream.schema.CategoryCount;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.MinuteCount;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Failure-rate alerts of one tenant and vendor ({@link AlertPolicy}), from the per-minute KPIs: each
 * new emission of a minute replaces that minute, and the window that ends with the latest minute
 * seen (event time) is evaluated. An alert is raised when the lower bound of the window's failure
 * rate ({@link WilsonInterval}, 95 % one-sided) reaches the threshold, the rate itself reaches the
 * baseline's factor, and the window has at least the policy's minimum of calls; it clears when the rate itself falls below the
 * clear rate. The baseline is the higher of the window before and the clock hour a week earlier
 * (from the hour totals, {@link #HISTORY}), where either has the minimum of calls. Calls finalised EXPIRED (no terminal push) are left out of both counts: they are
 * missing data, judged by {@link MissingFinalsAlerts}. The state ({@link AlertTrack}) keeps the minutes the window and
 * baseline cover (or further back, for {@link MissingFinalsAlerts} and the spend window of {@link
 * FraudAlerts}), older minutes folded into hour totals, and the current episode.
 */
public final class FailureRateAlerts {

    private static final long MINUTE = KpiWindows.WINDOW.toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();
    /** How long the hour totals are kept: a week and a day, for the hour-of-week baselines. */
    public static final Duration HISTORY = Duration.ofDays(8);
    /** A week, the period of the hour-of-week baselines. */
    public static final Duration WEEK = Duration.ofDays(7);

    private static final int TOP_CATEGORIES = 3;

    private final AlertPolicy policy;
    private final Duration keep;

    /** Keeps the minutes the window and the baseline cover. */
    public FailureRateAlerts(AlertPolicy policy) {
        this(policy, Duration.ZERO);
    }

    /**
     * @param keep how far back, at least, the state keeps minutes (the window and baseline at the
     *     least), for the alerts that read older minutes ({@link MissingFinalsAlerts#reach()})
     */
    public FailureRateAlerts(AlertPolicy policy, Duration keep) {
        this.policy = policy;
        Duration covered = policy.window().plus(policy.baselineWindow());
        if (policy.fraud().spendWindow().compareTo(covered) > 0) {
            covered = policy.fraud().spendWindow();
        }
        this.keep = keep.compareTo(covered) > 0 ? keep : covered;
    }

    /** The new state and, when the alert changes state, the alert record (else null). */
    public record Step(AlertTrack track, CallAlert alert) {}

    /** The key of a tenant and vendor's alerts: {@code tenant:vendor}. */
    public static String key(CallKpi kpi) {
        return key(kpi.getTenantId(), kpi.getVendor());
    }

    /** The key of a tenant and vendor's alerts: {@code tenant:vendor}. */
    public static String key(AlertTrack track) {
        return key(track.getTenantId(), track.getVendor());
    }

    /** The key of a tenant and vendor's alerts: {@code tenant:vendor}. */
    public static String key(String tenantId, String vendor) {
        return tenantId + ":" + vendor;
    }

    /** The state of a tenant and vendor not seen before: no minutes, nothing raised. */
    public static AlertTrack newTrack(String tenantId, String vendor) {
        return AlertTrack.newBuilder()
                .setTenantId(tenantId)
                .setVendor(vendor)
                .setMinutes(List.of())
                .setRaised(false)
                .build();
    }

    /**
     * Takes one emission of a minute's KPIs.
     *
     * @param track the state so far; null for a tenant and vendor not seen before
     */
    public Step apply(AlertTrack track, CallKpi kpi) {
        List<MinuteCount> minutes = new ArrayList<>(track == null ? List.of() : track.getMinutes());
        minutes.removeIf(minute -> minute.getWindowStart().equals(kpi.getWindowStart()));
        minutes.add(MinuteCount.newBuilder()
                .setWindowStart(kpi.getWindowStart())
                .setAttempts(kpi.getAttempts())
                .setFailures(kpi.getFailures())
                .setExpired(kpi.getExpired())
                .setNoFinalPush(kpi.getNoFinalPush())
                .setAnswered(kpi.getAnswered())
                .setShortCalls(kpi.getShortCalls())
                .setBilledSeconds(kpi.getBilledSeconds())
                .setAmount(kpi.getBilledAmount())
                .build());
        minutes.sort(Comparator.comparing(MinuteCount::getWindowStart));

        long end = minutes.getLast().getWindowStart().toEpochMilli() + MINUTE;
        long windowStart = end - policy.window().toMillis();
        long baselineStart = windowStart - policy.baselineWindow().toMillis();
        List<MinuteCount> hours = new ArrayList<>(track == null ? List.of() : track.getHours());
        minutes.removeIf(minute -> {
            boolean old = minute.getWindowStart().toEpochMilli() < end - keep.toMillis();
            if (old) {
                fold(hours, minute);
            }
            return old;
        });
        hours.removeIf(hour -> hour.getWindowStart().toEpochMilli() < end - HISTORY.toMillis());

        Evidence window = Evidence.of(minutes, windowStart, end, policy);
        Evidence baseline = Evidence.of(minutes, baselineStart, windowStart, policy);
        Evidence weekAgo = Evidence.of(hours, hourAWeekBefore(end), hourAWeekBefore(end) + HOUR, policy);
        Double baselineRate = higher(
                baseline.attempts >= policy.minAttempts() ? baseline.rate() : null,
                weekAgo.attempts >= policy.minAttempts() ? weekAgo.rate() : null);

        AlertTrack.Builder next = AlertTrack.newBuilder(
                        track == null ? newTrack(kpi.getTenantId(), kpi.getVendor()) : track)
                .setMinutes(minutes)
                .setHours(hours);
        Instant at = Instant.ofEpochMilli(end);
        boolean enough = window.attempts >= policy.minAttempts();
        if (!next.getRaised()) {
            boolean cooling = policy.cooling(next.getClearedAt(), at);
            // a rise counts only when it is unlikely to be noise: the lower bound of the rate's
            // Wilson interval (95 %, one-sided) at the threshold; and the rate at the baseline's factor
            if (enough
                    && !cooling
                    && rises(
                            window.failures,
                            window.attempts,
                            policy.raiseRate(),
                            baselineRate,
                            policy.baselineFactor())) {
                next.setRaised(true).setAlertId(key(kpi) + ":" + end).setRaisedAt(at);
                return new Step(next.build(), alert(next, AlertState.RAISED, at, window, baselineRate));
            }
        } else if (enough && window.rate() < policy.clearRate()) {
            next.setRaised(false).setClearedAt(at);
            return new Step(next.build(), alert(next, AlertState.CLEARED, at, window, baselineRate));
        }
        return new Step(next.build(), null);
    }

    private CallAlert alert(AlertTrack.Builder track, AlertState state, Instant at, Evidence window, Double baseline) {
        String message = String.format(
                Locale.ROOT,
                "%s %s/%s: failure rate %.1f%% over %d min (%d of %d calls)%s%s",
                state,
                track.getTenantId(),
                track.getVendor(),
                100 * window.rate(),
                policy.window().toMinutes(),
                window.failures,
                window.attempts,
                rule(state, baseline, policy.raiseRate(), policy.clearRate(), policy.baselineFactor()),
                window.top.isEmpty()
                        ? ""
                        : "; top: "
                                + window.top.stream()
                                        .map(count -> count.getCategory() + " " + count.getCount())
                                        .collect(Collectors.joining(", ")));
        return CallAlert.newBuilder()
                .setAlertId(track.getAlertId())
                .setKind(AlertKind.FAILURE_RATE)
                .setTenantId(track.getTenantId())
                .setVendor(track.getVendor())
                .setState(state)
                .setEventTime(at)
                .setWindowStart(at.minus(policy.window()))
                .setWindowEnd(at)
                .setAttempts(window.attempts)
                .setFailures(window.failures)
                .setFailureRate(window.rate())
                .setBaselineRate(baseline)
                .setThreshold(state == AlertState.RAISED ? policy.raiseRate() : policy.clearRate())
                .setBaselineFactor(policy.baselineFactor())
                .setTopCategories(window.top)
                .setMessage(message)
                .build();
    }

    /** The start of the clock hour a week before the window ending at {@code end} (its last minute's hour). */
    static long hourAWeekBefore(long end) {
        return Math.floorDiv(end - 1 - WEEK.toMillis(), HOUR) * HOUR;
    }

    /**
     * Whether {@code part} of {@code whole} is a rise that is unlikely to be noise: the lower bound
     * of its share's Wilson interval (95 %, one-sided) at {@code raiseRate}, and the share itself at
     * {@code factor} times the baseline, where there is one.
     */
    static boolean rises(long part, long whole, double raiseRate, Double baseline, double factor) {
        double rate = whole == 0 ? 0 : (double) part / whole;
        return WilsonInterval.lowerBound(part, whole, WilsonInterval.Z_95_ONE_SIDED) >= raiseRate
                && (baseline == null || rate >= baseline * factor);
    }

    /** The minutes (or hour totals) that start in {@code [from, to)}. */
    static List<MinuteCount> between(List<MinuteCount> counts, long from, long to) {
        return counts.stream()
                .filter(count -> {
                    long start = count.getWindowStart().toEpochMilli();
                    return start >= from && start < to;
                })
                .toList();
    }

    /** The higher of two baselines, either of which may be missing. */
    static Double higher(Double one, Double other) {
        if (one == null || other == null) {
            return one == null ? other : one;
        }
        return Math.max(one, other);
    }

    /** Adds a minute leaving the kept minutes to its clock hour's totals. */
    static void fold(List<MinuteCount> hours, MinuteCount minute) {
        long hourStart = Math.floorDiv(minute.getWindowStart().toEpochMilli(), HOUR) * HOUR;
        int at = 0;
        while (at < hours.size() && hours.get(at).getWindowStart().toEpochMilli() < hourStart) {
            at++;
        }
        if (at == hours.size() || hours.get(at).getWindowStart().toEpochMilli() != hourStart) {
            hours.add(
                    at,
                    minute.getWindowStart().toEpochMilli() == hourStart
                            ? minute
                            : MinuteCount.newBuilder(minute)
                                    .setWindowStart(Instant.ofEpochMilli(hourStart))
                                    .build());
            return;
        }
        MinuteCount hour = hours.get(at);
        Map<FailureCategory, Long> failures = new EnumMap<>(FailureCategory.class);
        hour.getFailures().forEach(count -> failures.merge(count.getCategory(), count.getCount(), Long::sum));
        minute.getFailures().forEach(count -> failures.merge(count.getCategory(), count.getCount(), Long::sum));
        hours.set(
                at,
                MinuteCount.newBuilder(hour)
                        .setAttempts(hour.getAttempts() + minute.getAttempts())
                        .setFailures(failures.entrySet().stream()
                                .map(entry -> new CategoryCount(entry.getKey(), entry.getValue()))
                                .toList())
                        .setExpired(hour.getExpired() + minute.getExpired())
                        .setNoFinalPush(hour.getNoFinalPush() + minute.getNoFinalPush())
                        .setAnswered(hour.getAnswered() + minute.getAnswered())
                        .setShortCalls(hour.getShortCalls() + minute.getShortCalls())
                        .setBilledSeconds(hour.getBilledSeconds() + minute.getBilledSeconds())
                        .setAmount(KpiWindows.plus(hour.getAmount(), minute.getAmount(), 1))
                        .build());
    }

    /** The baseline compared against and the rule in force, for an alert's message. */
    static String rule(AlertState state, Double baseline, double raiseRate, double clearRate, double factor) {
        return (baseline == null
                        ? ", no baseline yet"
                        : String.format(Locale.ROOT, ", baseline %.1f%%", 100 * baseline))
                + "; "
                + (state == AlertState.RAISED
                        ? String.format(Locale.ROOT, "raise at %.1f%% and %.1f× baseline", 100 * raiseRate, factor)
                        : String.format(Locale.ROOT, "clear below %.1f%%", 100 * clearRate));
    }

    /** Calls and counted failures over {@code [from, to)}. */
    record Evidence(long attempts, long failures, List<CategoryCount> top) {

        static Evidence of(List<MinuteCount> minutes, long from, long to, AlertPolicy policy) {
            long attempts = 0;
            Map<FailureCategory, Long> byCategory = new EnumMap<>(FailureCategory.class);
            for (MinuteCount minute : between(minutes, from, to)) {
                // a call finalised EXPIRED has no known end: it is missing data (MissingFinalsAlerts),
                // not a failure, and its category is UNKNOWN unless a progress push stated one
                attempts += minute.getAttempts() - minute.getExpired();
                for (CategoryCount count : minute.getFailures()) {
                    long known = count.getCategory() == FailureCategory.UNKNOWN
                            ? Math.max(0, count.getCount() - minute.getExpired())
                            : count.getCount();
                    if (policy.counted().contains(count.getCategory())) {
                        byCategory.merge(count.getCategory(), known, Long::sum);
                    }
                }
            }
            long failures =
                    byCategory.values().stream().mapToLong(Long::longValue).sum();
            List<CategoryCount> top = byCategory.entrySet().stream()
                    .filter(entry -> entry.getValue() > 0)
                    .sorted(Map.Entry.<FailureCategory, Long>comparingByValue().reversed())
                    .limit(TOP_CATEGORIES)
                    .map(entry -> new CategoryCount(entry.getKey(), entry.getValue()))
                    .toList();
            return new Evidence(attempts, failures, top);
        }

        double rate() {
            return attempts == 0 ? 0 : (double) failures / attempts;
        }
    }
}
