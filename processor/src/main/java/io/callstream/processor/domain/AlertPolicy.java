package io.callstream.processor.domain;

import io.callstream.schema.FailureCategory;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * When a tenant's failure rate through a vendor is abnormal.
 *
 * <p>An alert is raised when, over the sliding {@code window}, at least {@code minAttempts} calls
 * were made, the share of them that failed in a {@code counted} category is at least {@code
 * raiseRate}, and it is at least {@code baselineFactor} times the baseline: the rate over the
 * {@code baselineWindow} before the sliding window (when that holds at least {@code minAttempts}
 * calls; with no baseline, the absolute threshold alone decides). It clears when, again over at
 * least {@code minAttempts} calls, the rate falls below {@code clearRate} (hysteresis: {@code
 * clearRate < raiseRate}). After a clear, no new alert is raised for {@code cooldown} (event time).
 *
 * <p>A SILENCE alert ({@link SilenceAlerts}) is raised when no call of the tenant and vendor has
 * started for at least {@code silenceAfter} and for longer than their recent rate explains.
 *
 * <p>A MISSING_FINALS alert ({@link MissingFinalsAlerts}) is raised when, over a window of the same
 * length of call starts old enough to have settled, the share of calls finalised EXPIRED (no
 * terminal push) is at least {@code missingFinalsRaiseRate} (Wilson lower bound) and the baseline's
 * factor; it clears below {@code missingFinalsClearRate}, with the same minimum of calls and cooldown.
 *
 * <p>The baseline of a rate is the higher of the {@code baselineWindow} before the window and the
 * clock hour a week before the window's end, when that hour holds at least {@code minAttempts}
 * calls: an hour of the week that always fails more (or, for fraud, spends more) does not page.
 *
 * <p>The fraud signals ({@link FraudAlerts}) follow {@code fraud}.
 *
 * @param counted the failure categories that count as failures; by default the network side, not
 *     the user's (busy, no answer, rejected, cancelled are how people behave, not an outage)
 * @param silenceAfter the shortest silence that raises a SILENCE alert; zero for none
 * @param missingFinalsRaiseRate the share of EXPIRED calls that raises MISSING_FINALS; 1 for none
 *     (a lower bound never reaches 1)
 * @param fraud when the fraud signals (short calls, new destinations, spend) page
 */
public record AlertPolicy(
        Duration window,
        Duration baselineWindow,
        double raiseRate,
        double clearRate,
        double baselineFactor,
        long minAttempts,
        Duration cooldown,
        Set<FailureCategory> counted,
        Duration silenceAfter,
        double missingFinalsRaiseRate,
        double missingFinalsClearRate,
        FraudPolicy fraud) {

    /** The categories of user behaviour, not counted by default. */
    public static final Set<FailureCategory> USER_SIDE = EnumSet.of(
            FailureCategory.NONE,
            FailureCategory.CANCELLED,
            FailureCategory.NO_ANSWER,
            FailureCategory.BUSY,
            FailureCategory.REJECTED);

    /**
     * 5-minute window, 60-minute baseline, raise at 30% and 2× baseline, clear below 20%, 20 calls,
     * 10-minute cooldown; silence after at least 5 minutes; missing final pushes raised at 10% EXPIRED,
     * cleared below 5%.
     */
    public static final AlertPolicy DEFAULT = new AlertPolicy(
            Duration.ofMinutes(5),
            Duration.ofMinutes(60),
            0.30,
            0.20,
            2.0,
            20,
            Duration.ofMinutes(10),
            EnumSet.complementOf(EnumSet.copyOf(USER_SIDE)),
            Duration.ofMinutes(5),
            0.10,
            0.05,
            FraudPolicy.DEFAULT);

    /** Whether an episode that cleared at {@code clearedAt} (null: none yet) is still cooling down at {@code at}. */
    public boolean cooling(Instant clearedAt, Instant at) {
        return clearedAt != null && at.isBefore(clearedAt.plus(cooldown));
    }

    /** This policy with other fraud signals. */
    public AlertPolicy withFraud(FraudPolicy policy) {
        return new AlertPolicy(
                window,
                baselineWindow,
                raiseRate,
                clearRate,
                baselineFactor,
                minAttempts,
                cooldown,
                counted,
                silenceAfter,
                missingFinalsRaiseRate,
                missingFinalsClearRate,
                policy);
    }

    public AlertPolicy {
        if (window.toMillis() < KpiWindows.WINDOW.toMillis()
                || window.toMillis() % KpiWindows.WINDOW.toMillis() != 0
                || baselineWindow.isNegative()
                || baselineWindow.toMillis() % KpiWindows.WINDOW.toMillis() != 0) {
            throw new IllegalArgumentException("window and baselineWindow must be whole minutes, window at least one");
        }
        if (!(clearRate < raiseRate) || raiseRate > 1 || clearRate < 0) {
            throw new IllegalArgumentException("need 0 <= clearRate < raiseRate <= 1 (hysteresis)");
        }
        if (!(missingFinalsClearRate < missingFinalsRaiseRate)
                || missingFinalsRaiseRate > 1
                || missingFinalsClearRate < 0) {
            throw new IllegalArgumentException(
                    "need 0 <= missingFinalsClearRate < missingFinalsRaiseRate <= 1 (hysteresis)");
        }
        if (baselineFactor < 1 || minAttempts < 1 || cooldown.isNegative() || silenceAfter.isNegative()) {
            throw new IllegalArgumentException(
                    "need baselineFactor >= 1, minAttempts >= 1, cooldown >= 0, silenceAfter >= 0");
        }
        if (counted.isEmpty() || counted.contains(FailureCategory.NONE)) {
            throw new IllegalArgumentException("counted categories must be non-empty and exclude NONE");
        }
        counted = Set.copyOf(counted);
    }
}
