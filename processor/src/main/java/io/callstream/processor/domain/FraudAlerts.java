package io.callstream.processor.domain;

import io.callstream.processor.domain.FailureRateAlerts.Step;
import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import io.callstream.schema.DestinationCount;
import io.callstream.schema.KnownDestination;
import io.callstream.schema.MinuteCount;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The fraud signals of one tenant and vendor ({@link FraudPolicy}), priced where tariffs price the
 * calls: a burst of short calls and a rise of spend, from the minutes and hours {@link
 * FailureRateAlerts} keeps (event time); calls to destination prefixes never seen for the pair,
 * from the prefixes the join reports ({@link Destinations}), judged when the alerts learn of them
 * (wall clock).
 */
public final class FraudAlerts {

    private static final long MINUTE = KpiWindows.WINDOW.toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();
    /** Example call ids an alert carries. */
    private static final int EXAMPLES = 5;

    private final AlertPolicy policy;
    private final FraudPolicy fraud;

    public FraudAlerts(AlertPolicy policy) {
        this.policy = policy;
        this.fraud = policy.fraud();
    }

    /** Evaluates the share of short calls in the window that ends with the latest minute. */
    public Step shortCalls(AlertTrack track) {
        List<MinuteCount> minutes = track.getMinutes();
        if (minutes.isEmpty()) {
            return new Step(track, null);
        }
        long end = minutes.getLast().getWindowStart().toEpochMilli() + MINUTE;
        long windowStart = end - policy.window().toMillis();
        Share window = Share.of(minutes, windowStart, end);
        Share before = Share.of(minutes, windowStart - policy.baselineWindow().toMillis(), windowStart);
        long weekAgo = FailureRateAlerts.hourAWeekBefore(end);
        Share lastWeek = Share.of(track.getHours(), weekAgo, weekAgo + HOUR);
        Double baseline = FailureRateAlerts.higher(
                before.answered >= policy.minAttempts() ? before.share() : null,
                lastWeek.answered >= policy.minAttempts() ? lastWeek.share() : null);
        Instant at = Instant.ofEpochMilli(end);
        if (track.getShortCallsAlertId() == null) {
            if (!policy.cooling(track.getShortCallsClearedAt(), at)
                    && window.shortCalls >= fraud.minShortCalls()
                    && FailureRateAlerts.rises(
                            window.shortCalls,
                            window.answered,
                            fraud.shortCallsRaiseShare(),
                            baseline,
                            policy.baselineFactor())) {
                AlertTrack next = AlertTrack.newBuilder(track)
                        .setShortCallsAlertId(FailureRateAlerts.key(track) + ":short-calls:" + end)
                        .build();
                return new Step(next, shortCallsAlert(next, AlertState.RAISED, at, window, baseline));
            }
        } else if (window.share() < fraud.shortCallsClearShare()) {
            CallAlert alert = shortCallsAlert(track, AlertState.CLEARED, at, window, baseline);
            return new Step(
                    AlertTrack.newBuilder(track)
                            .setShortCallsAlertId(null)
                            .setShortCallsClearedAt(at)
                            .build(),
                    alert);
        }
        return new Step(track, null);
    }

    private CallAlert shortCallsAlert(AlertTrack track, AlertState state, Instant at, Share window, Double baseline) {
        String message = String.format(
                Locale.ROOT,
                "SHORT_CALLS %s %s/%s: %.1f%% of answered calls talked %d s or less over %d min (%d of %d)%s",
                state,
                track.getTenantId(),
                track.getVendor(),
                100 * window.share(),
                KpiWindows.SHORT_CALL_SECONDS,
                policy.window().toMinutes(),
                window.shortCalls,
                window.answered,
                FailureRateAlerts.rule(
                        state,
                        baseline,
                        fraud.shortCallsRaiseShare(),
                        fraud.shortCallsClearShare(),
                        policy.baselineFactor()));
        return base(track.getShortCallsAlertId(), AlertKind.SHORT_CALLS, track, state, at)
                .setWindowStart(at.minus(policy.window()))
                .setWindowEnd(at)
                .setAttempts(window.answered)
                .setFailures(window.shortCalls)
                .setFailureRate(window.share())
                .setBaselineRate(baseline)
                .setThreshold(state == AlertState.RAISED ? fraud.shortCallsRaiseShare() : fraud.shortCallsClearShare())
                .setBaselineFactor(policy.baselineFactor())
                .setMessage(message)
                .build();
    }

    /** Evaluates what the spend window that ends with the latest minute billed against its baseline. */
    public Step spend(AlertTrack track) {
        List<MinuteCount> minutes = track.getMinutes();
        if (!fraud.spendOn() || minutes.isEmpty()) {
            return new Step(track, null);
        }
        long end = minutes.getLast().getWindowStart().toEpochMilli() + MINUTE;
        long span = fraud.spendWindow().toMillis();
        long windowStart = end - span;
        // (the minutes kept reach past the spend window: FailureRateAlerts keeps it whole)
        Billed window = Billed.of(minutes, windowStart, end);
        long earliest = Math.min(
                minutes.getFirst().getWindowStart().toEpochMilli(),
                track.getHours().isEmpty()
                        ? Long.MAX_VALUE
                        : track.getHours().getFirst().getWindowStart().toEpochMilli());
        // during an episode the baseline stays the one it was raised against: the spend it is about
        // would otherwise become the baseline and clear it while it goes on
        long baselineEnd = track.getSpendRaisedAt() == null
                ? windowStart
                : Math.min(windowStart, track.getSpendRaisedAt().toEpochMilli() - span);
        if (baselineEnd < minutes.getFirst().getWindowStart().toEpochMilli()) {
            // (that far back only hour totals are left: whole hours, or one would count past the end)
            baselineEnd = Math.floorDiv(baselineEnd, HOUR) * HOUR;
        }
        long from = Math.max(baselineEnd - fraud.spendHistory().toMillis(), earliest);
        Billed baseline = null;
        if (baselineEnd - from >= span) {
            baseline = Billed.of(minutes, from, baselineEnd)
                    .plus(Billed.of(track.getHours(), from, baselineEnd))
                    .scaled(span, baselineEnd - from);
        }
        long weekFrom = Math.floorDiv(windowStart - FailureRateAlerts.WEEK.toMillis(), HOUR) * HOUR;
        long weekTo = FailureRateAlerts.hourAWeekBefore(end) + HOUR;
        if (earliest <= weekFrom) {
            Billed lastWeek = Billed.of(track.getHours(), weekFrom, weekTo).scaled(span, weekTo - weekFrom);
            baseline = baseline == null ? lastWeek : baseline.higher(lastWeek);
        }
        Double ratio = baseline == null ? null : window.ratio(baseline);
        Instant at = Instant.ofEpochMilli(end);
        if (track.getSpendAlertId() == null) {
            boolean cooling = policy.cooling(track.getSpendClearedAt(), at);
            long minutesBilled = (long) Math.floor(window.seconds / 60.0);
            // the rise counts when it is not noise: the ratio's lower bound, the billed minutes' Poisson
            // bound carried over to the amount (a price per minute does not make a count more certain)
            if (!cooling
                    && ratio != null
                    && minutesBilled >= policy.minAttempts()
                    && ratio * poissonLowerBound(minutesBilled, WilsonInterval.Z_95_ONE_SIDED) / minutesBilled
                            >= fraud.spendRaiseFactor()) {
                AlertTrack next = AlertTrack.newBuilder(track)
                        .setSpendAlertId(FailureRateAlerts.key(track) + ":spend:" + end)
                        .setSpendRaisedAt(at)
                        .build();
                return new Step(next, spendAlert(next, AlertState.RAISED, at, window, baseline, ratio));
            }
        } else if (ratio == null ? window.seconds == 0 : ratio < fraud.spendClearFactor()) {
            CallAlert alert = spendAlert(track, AlertState.CLEARED, at, window, baseline, ratio);
            return new Step(
                    AlertTrack.newBuilder(track)
                            .setSpendAlertId(null)
                            .setSpendRaisedAt(null)
                            .setSpendClearedAt(at)
                            .build(),
                    alert);
        }
        return new Step(track, null);
    }

    private CallAlert spendAlert(
            AlertTrack track, AlertState state, Instant at, Billed window, Billed baseline, Double ratio) {
        boolean priced = window.amount != null && baseline != null && baseline.amount != null;
        String message = String.format(
                Locale.ROOT,
                "SPEND %s %s/%s: billed %.0f min%s over %d min (%d calls)%s; %s",
                state,
                track.getTenantId(),
                track.getVendor(),
                window.seconds / 60.0,
                window.amount == null ? "" : ", amount " + window.amount.setScale(2, RoundingMode.HALF_UP),
                fraud.spendWindow().toMinutes(),
                window.calls,
                baseline == null
                        ? ", no baseline"
                        : String.format(
                                Locale.ROOT,
                                ", %.1f× the baseline of %.0f min%s per %d min",
                                ratio,
                                baseline.seconds / 60.0,
                                baseline.amount == null
                                        ? ""
                                        : ", amount " + baseline.amount.setScale(2, RoundingMode.HALF_UP),
                                fraud.spendWindow().toMinutes()),
                (state == AlertState.RAISED
                                ? String.format(Locale.ROOT, "raise at %.1f×", fraud.spendRaiseFactor())
                                : String.format(Locale.ROOT, "clear below %.1f×", fraud.spendClearFactor()))
                        + (priced ? " of the amount" : " of billed minutes"));
        return base(track.getSpendAlertId(), AlertKind.SPEND, track, state, at)
                .setWindowStart(at.minus(fraud.spendWindow()))
                .setWindowEnd(at)
                .setAttempts(window.calls)
                .setFailures(0)
                .setFailureRate(ratio == null ? 0 : ratio)
                .setThreshold(state == AlertState.RAISED ? fraud.spendRaiseFactor() : fraud.spendClearFactor())
                .setBaselineFactor(fraud.spendRaiseFactor())
                .setBilledSeconds(Math.round(window.seconds))
                .setBaselineBilledSeconds(baseline == null ? null : baseline.seconds)
                .setAmount(window.amount)
                .setBaselineAmount(baseline == null || baseline.amount == null ? null : decimal(baseline.amount))
                .setMessage(message)
                .build();
    }

    /**
     * Takes the destination prefixes of the pair's calls that the alerts learn of at wall-clock
     * {@code now}, and evaluates NEW_DESTINATIONS.
     */
    public Step destinations(AlertTrack track, List<DestinationCount> counts, Instant now) {
        AlertTrack.Builder next = AlertTrack.newBuilder(track);
        if (track.getFirstHeardAt() == null) {
            next.setFirstHeardAt(now);
        }
        Instant learnedAt = next.getFirstHeardAt().plus(fraud.learnFor());
        boolean raised = track.getDestinationsAlertId() != null;
        List<KnownDestination> known = new ArrayList<>(track.getDestinations());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < known.size(); i++) {
            index.put(known.get(i).getPrefix(), i);
        }
        for (DestinationCount count : counts) {
            Integer at = index.get(count.getPrefix());
            if (at == null) {
                boolean learning = now.isBefore(learnedAt);
                index.put(count.getPrefix(), known.size());
                known.add(new KnownDestination(
                        count.getPrefix(),
                        now,
                        count.getCalls(),
                        now,
                        learning ? List.of() : limit(count.getExampleCallIds(), Destinations.EXAMPLES)));
            } else if (isNew(known.get(at), learnedAt, now, raised)) {
                KnownDestination seen = known.get(at);
                List<String> examples = new ArrayList<>(seen.getExampleCallIds());
                examples.addAll(count.getExampleCallIds());
                known.set(
                        at,
                        KnownDestination.newBuilder(seen)
                                .setCalls(seen.getCalls() + count.getCalls())
                                .setExampleCallIds(limit(examples, Destinations.EXAMPLES))
                                .setLastSeen(now)
                                .build());
            }
        }
        while (known.size() > Destinations.MAX_KNOWN) {
            int oldest = 0;
            while (oldest < known.size() - 1 && isNew(known.get(oldest), learnedAt, now, raised)) {
                oldest++;
            }
            known.remove(oldest);
        }
        return checkDestinations(next.setDestinations(known).build(), now);
    }

    /**
     * Evaluates NEW_DESTINATIONS at wall-clock {@code now}: clears an episode once no prefix is new,
     * its own prefixes no longer called within the window.
     */
    public Step checkDestinations(AlertTrack track, Instant now) {
        if (track.getFirstHeardAt() == null) {
            return new Step(track, null);
        }
        Instant learnedAt = track.getFirstHeardAt().plus(fraud.learnFor());
        boolean raised = track.getDestinationsAlertId() != null;
        List<KnownDestination> fresh = track.getDestinations().stream()
                .filter(destination -> isNew(destination, learnedAt, now, raised))
                .sorted(Comparator.comparingLong(KnownDestination::getCalls).reversed())
                .toList();
        long calls = fresh.stream().mapToLong(KnownDestination::getCalls).sum();
        if (track.getDestinationsAlertId() == null) {
            boolean cooling = policy.cooling(track.getDestinationsClearedAt(), now);
            if (!cooling && fraud.minNewDestinationCalls() > 0 && calls >= fraud.minNewDestinationCalls()) {
                AlertTrack next = AlertTrack.newBuilder(track)
                        .setDestinationsAlertId(
                                FailureRateAlerts.key(track) + ":new-destinations:" + now.toEpochMilli())
                        .build();
                return new Step(next, destinationsAlert(next, AlertState.RAISED, now, fresh, calls));
            }
        } else if (fresh.isEmpty()) {
            CallAlert alert = destinationsAlert(track, AlertState.CLEARED, now, fresh, calls);
            return new Step(
                    AlertTrack.newBuilder(track)
                            .setDestinationsAlertId(null)
                            .setDestinationsClearedAt(now)
                            .build(),
                    alert);
        }
        return new Step(track, null);
    }

    private CallAlert destinationsAlert(
            AlertTrack track, AlertState state, Instant now, List<KnownDestination> fresh, long calls) {
        long window = fraud.newDestinationsWindow().toMinutes();
        List<String> examples = limit(
                fresh.stream()
                        .flatMap(destination -> destination.getExampleCallIds().stream())
                        .toList(),
                EXAMPLES);
        String message = state == AlertState.RAISED
                ? String.format(
                        Locale.ROOT,
                        "NEW_DESTINATIONS RAISED %s/%s: %d calls in %d min to %d destination prefixes never seen for"
                                + " this tenant before: %s; e.g. calls %s; raise at %d calls",
                        track.getTenantId(),
                        track.getVendor(),
                        calls,
                        window,
                        fresh.size(),
                        fresh.stream()
                                .map(destination -> destination.getPrefix() + " (" + destination.getCalls() + ")")
                                .collect(Collectors.joining(", ")),
                        String.join(", ", examples),
                        fraud.minNewDestinationCalls())
                : String.format(
                        Locale.ROOT,
                        "NEW_DESTINATIONS CLEARED %s/%s: no destination prefix first seen in the last %d min",
                        track.getTenantId(),
                        track.getVendor(),
                        window);
        return base(track.getDestinationsAlertId(), AlertKind.NEW_DESTINATIONS, track, state, now)
                .setWindowStart(now.minus(fraud.newDestinationsWindow()))
                .setWindowEnd(now)
                .setAttempts(calls)
                .setFailures(0)
                .setFailureRate(0)
                .setThreshold(fraud.minNewDestinationCalls())
                .setBaselineFactor(0)
                .setPrefixes(fresh.stream().map(KnownDestination::getPrefix).toList())
                .setExampleCallIds(examples)
                .setMessage(message)
                .build();
    }

    /**
     * Whether a prefix counts as new at {@code now}: first seen after the learning time, within the
     * window; while an episode is raised, also while it is still called within the window (a fraud
     * that goes on does not make its destinations the tenant's own).
     */
    private boolean isNew(KnownDestination destination, Instant learnedAt, Instant now, boolean raised) {
        Instant since = now.minus(fraud.newDestinationsWindow());
        return !destination.getFirstSeen().isBefore(learnedAt)
                && (destination.getFirstSeen().isAfter(since)
                        || (raised
                                && destination.getLastSeen() != null
                                && destination.getLastSeen().isAfter(since)));
    }

    /**
     * The lower bound of a Poisson mean from {@code count} events (Wilson and Hilferty's
     * approximation, good to a fraction of a percent from a count of 10 on); 0 for no events.
     */
    static double poissonLowerBound(long count, double z) {
        if (count <= 0) {
            return 0;
        }
        double k = count;
        double root = 1 - 1 / (9 * k) - z / (3 * Math.sqrt(k));
        return Math.max(0, k * root * root * root);
    }

    private static CallAlert.Builder base(String id, AlertKind kind, AlertTrack track, AlertState state, Instant at) {
        return CallAlert.newBuilder()
                .setAlertId(id)
                .setKind(kind)
                .setTenantId(track.getTenantId())
                .setVendor(track.getVendor())
                .setState(state)
                .setEventTime(at)
                .setBaselineRate(null)
                .setTopCategories(List.of())
                .setExpectedAttempts(null);
    }

    private static List<String> limit(List<String> ids, int most) {
        return ids.size() <= most ? List.copyOf(ids) : List.copyOf(ids.subList(0, most));
    }

    private static BigDecimal decimal(BigDecimal amount) {
        return amount.setScale(6, RoundingMode.HALF_UP);
    }

    /** Answered and short calls over {@code [from, to)}. */
    private record Share(long answered, long shortCalls) {

        static Share of(List<MinuteCount> counts, long from, long to) {
            List<MinuteCount> within = FailureRateAlerts.between(counts, from, to);
            return new Share(
                    within.stream().mapToLong(MinuteCount::getAnswered).sum(),
                    within.stream().mapToLong(MinuteCount::getShortCalls).sum());
        }

        double share() {
            return answered == 0 ? 0 : (double) shortCalls / answered;
        }
    }

    /** Calls, billed seconds and amount (null when nothing is priced) over a span. */
    private record Billed(long calls, double seconds, BigDecimal amount) {

        static Billed of(List<MinuteCount> counts, long from, long to) {
            List<MinuteCount> within = FailureRateAlerts.between(counts, from, to);
            BigDecimal amount = null;
            for (MinuteCount count : within) {
                amount = KpiWindows.plus(amount, count.getAmount(), 1);
            }
            return new Billed(
                    within.stream().mapToLong(MinuteCount::getAttempts).sum(),
                    within.stream().mapToLong(MinuteCount::getBilledSeconds).sum(),
                    amount);
        }

        Billed plus(Billed other) {
            return new Billed(calls + other.calls, seconds + other.seconds, KpiWindows.plus(amount, other.amount, 1));
        }

        /** Per {@code span} of time, from a total over {@code covered}. */
        Billed scaled(long span, long covered) {
            double factor = (double) span / covered;
            return new Billed(
                    Math.round(calls * factor),
                    seconds * factor,
                    amount == null
                            ? null
                            : amount.multiply(BigDecimal.valueOf(factor)).setScale(6, RoundingMode.HALF_UP));
        }

        Billed higher(Billed other) {
            boolean priced = amount != null && other.amount != null;
            boolean mine = priced ? amount.compareTo(other.amount) >= 0 : seconds >= other.seconds;
            return mine ? this : other;
        }

        /** This over the baseline: by amount when both are priced, else by billed seconds; null without a baseline. */
        Double ratio(Billed baseline) {
            if (amount != null && baseline.amount != null && baseline.amount.signum() > 0) {
                return amount.doubleValue() / baseline.amount.doubleValue();
            }
            return baseline.seconds > 0 ? seconds / baseline.seconds : null;
        }
    }
}
