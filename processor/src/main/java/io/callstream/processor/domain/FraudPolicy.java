package io.callstream.processor.domain;

import java.time.Duration;

/**
 * When the fraud signals of a tenant and vendor page ({@link FraudAlerts}).
 *
 * <p>SHORT_CALLS: over the {@link AlertPolicy#window()}, at least {@code minShortCalls} answered
 * calls talked at most {@link KpiWindows#SHORT_CALL_SECONDS}, the Wilson lower bound of their
 * share of the answered calls reaches {@code shortCallsRaiseShare}, and the share reaches the
 * policy's baseline factor times its baseline; cleared when the share falls below {@code
 * shortCallsClearShare}.
 *
 * <p>NEW_DESTINATIONS: once the pair has been heard for {@code learnFor} (the prefixes of that time
 * are its own), at least {@code minNewDestinationCalls} calls within {@code newDestinationsWindow}
 * went to prefixes first seen within it; cleared when no prefix is that new any more.
 *
 * <p>SPEND: what the last {@code spendWindow} billed (the amount where tariffs price the calls,
 * else billed minutes) is at least {@code spendRaiseFactor} times its baseline, also at the lower
 * bound of the billed minutes (Poisson, 95 %; a rise that is not noise), with at least the policy's
 * minimum of calls in billed minutes; cleared below {@code spendClearFactor} times the baseline (during an episode, the baseline before it was raised). The baseline is the higher of the mean per window over the {@code spendHistory} before
 * (at least one window of it) and the same window a week earlier (when the pair has that history).
 *
 * @param minNewDestinationCalls calls to new prefixes that raise NEW_DESTINATIONS; 0 for none
 * @param spendRaiseFactor the factor over the baseline that raises SPEND; 0 for none
 */
public record FraudPolicy(
        double shortCallsRaiseShare,
        double shortCallsClearShare,
        long minShortCalls,
        Duration learnFor,
        Duration newDestinationsWindow,
        long minNewDestinationCalls,
        Duration spendWindow,
        Duration spendHistory,
        double spendRaiseFactor,
        double spendClearFactor) {

    /**
     * Short calls raised at 50 % of answered calls (at least 20), cleared below 30 %; prefixes
     * learned for an hour, 10 calls to new ones within an hour raise; spend over an hour raised at
     * 3× the baseline of the 24 hours before, cleared below 1.5×.
     */
    public static final FraudPolicy DEFAULT = new FraudPolicy(
            0.50,
            0.30,
            20,
            Duration.ofMinutes(60),
            Duration.ofMinutes(60),
            10,
            Duration.ofMinutes(60),
            Duration.ofHours(24),
            3.0,
            1.5);

    public FraudPolicy {
        if (!(shortCallsClearShare < shortCallsRaiseShare) || shortCallsRaiseShare > 1 || shortCallsClearShare < 0) {
            throw new IllegalArgumentException(
                    "need 0 <= shortCallsClearShare < shortCallsRaiseShare <= 1 (hysteresis)");
        }
        if (minShortCalls < 1 || minNewDestinationCalls < 0 || learnFor.isNegative()) {
            throw new IllegalArgumentException("need minShortCalls >= 1, minNewDestinationCalls >= 0, learnFor >= 0");
        }
        if (newDestinationsWindow.isNegative() || newDestinationsWindow.isZero()) {
            throw new IllegalArgumentException("newDestinationsWindow must be positive");
        }
        long minute = KpiWindows.WINDOW.toMillis();
        if (spendWindow.toMillis() < minute
                || spendWindow.toMillis() % minute != 0
                || spendHistory.compareTo(spendWindow) < 0) {
            throw new IllegalArgumentException(
                    "spendWindow must be whole minutes and spendHistory at least spendWindow");
        }
        if (spendRaiseFactor != 0 && !(1 <= spendClearFactor && spendClearFactor < spendRaiseFactor)) {
            throw new IllegalArgumentException(
                    "need 1 <= spendClearFactor < spendRaiseFactor (hysteresis), or no SPEND");
        }
    }

    /** Whether SPEND alerts are raised at all. */
    public boolean spendOn() {
        return spendRaiseFactor > 0;
    }
}
