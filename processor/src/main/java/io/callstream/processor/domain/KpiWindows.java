package io.callstream.processor.domain;

import io.callstream.schema.Call;
import io.callstream.schema.CallKpi;
import io.callstream.schema.CallLeg;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.CategoryCount;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.KpiContribution;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per tenant, vendor and one-minute window of call start (event time): attempts, answered, ASR,
 * NER (answered plus user-side failures), ACD, post-dial delay, talk and billed seconds, calls
 * per failure category, calls with quality flags, calls finalised EXPIRED and calls without a
 * final push (timed out, answered or not), short calls and the amount of priced calls. ACD and post-dial delay leave out calls whose
 * times a quality flag makes untrustworthy, so one impossible push cannot skew them. {@link #add} and {@link #subtract} take a call's whole contribution, so a
 * corrected version replaces the old one instead of counting twice.
 */
public final class KpiWindows {

    public static final Duration WINDOW = Duration.ofMinutes(1);
    /**
     * An answered call that talked this long at most is short: the stuff of toll-fraud and
     * robocall bursts (each billed at least the tariff's first increment), and of wrong numbers.
     */
    public static final int SHORT_CALL_SECONDS = 6;
    /** Failures on the user's side still count as effective network behaviour (NER). */
    static final Set<FailureCategory> USER_SIDE =
            Set.of(FailureCategory.BUSY, FailureCategory.NO_ANSWER, FailureCategory.REJECTED);

    private KpiWindows() {}

    /** The window a call belongs to: the minute its start falls in (its end, if the start is unknown). */
    public static Instant windowStart(Call call) {
        Instant time = call.getStartTime() != null
                ? call.getStartTime()
                : call.getEndTime() != null ? call.getEndTime() : call.getFinalisedAt();
        long millis = WINDOW.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(time.toEpochMilli(), millis) * millis);
    }

    /** The window with the call added; {@code window} null starts an empty one. */
    public static CallKpi add(CallKpi window, Call call) {
        return apply(window, contribution(call, 1));
    }

    public static CallKpi subtract(CallKpi window, Call call) {
        return apply(window, contribution(call, -1));
    }

    /** What a call adds to its window ({@code sign} +1) or takes from it (-1): all a window needs of it. */
    public static KpiContribution contribution(Call call, int sign) {
        boolean answered = call.getOutcome() == CallOutcome.CONNECTED;
        boolean timingSuspect = QualityChecks.timingSuspect(call.getQualityFlags());
        long pdd = timingSuspect ? -1 : postDialDelayMillis(call);
        return KpiContribution.newBuilder()
                .setTenantId(call.getTenantId())
                .setVendor(call.getVendor())
                .setWindowStart(windowStart(call))
                .setSign(sign)
                .setAnswered(answered)
                .setNetworkEffective(answered || USER_SIDE.contains(call.getFailureCategory()))
                .setFailureCategory(call.getFailureCategory())
                .setTalkSeconds(call.getTalkSeconds())
                .setBilledSeconds(call.getBilledSeconds())
                .setPostDialDelayMillis(pdd >= 0 ? pdd : null)
                .setFlagged(!call.getQualityFlags().isEmpty())
                .setExpired(call.getOutcome() == CallOutcome.EXPIRED)
                .setNoFinalPush(call.getNoFinalPush() || call.getOutcome() == CallOutcome.EXPIRED)
                .setTimingSuspect(timingSuspect)
                .setShortCall(answered && call.getTalkSeconds() <= SHORT_CALL_SECONDS)
                .setAmount(call.getAmount())
                .setFinalisedAt(call.getFinalisedAt())
                .build();
    }

    /** The key of a contribution's window: {@code tenant:vendor:windowStartMillis}. */
    public static String key(KpiContribution contribution) {
        return contribution.getTenantId() + ":" + contribution.getVendor() + ":"
                + contribution.getWindowStart().toEpochMilli();
    }

    /** An empty window for this contribution's tenant, vendor and minute. */
    public static CallKpi empty(KpiContribution contribution) {
        Instant start = contribution.getWindowStart();
        return CallKpi.newBuilder()
                .setTenantId(contribution.getTenantId())
                .setVendor(contribution.getVendor())
                .setWindowStart(start)
                .setWindowEnd(start.plus(WINDOW))
                .setAttempts(0)
                .setAnswered(0)
                .setNetworkEffective(0)
                .setAsr(0)
                .setNer(0)
                .setTalkSeconds(0)
                .setBilledSeconds(0)
                .setFailures(List.of())
                .setEmittedAt(contribution.getFinalisedAt())
                .build();
    }

    /**
     * What a new version changes in the KPI windows: +1 for a first version; for a correction the
     * old version's -1 and the new one's +1, as one record when they lie in the same window (so no
     * KPI emission, and no alert evaluation, ever sees the call taken away and not yet put back).
     */
    public static List<KpiContribution> change(Call previous, Call current) {
        KpiContribution added = contribution(current, 1);
        if (previous == null) {
            return List.of(added);
        }
        KpiContribution removed = contribution(previous, -1);
        if (key(removed).equals(key(added))) {
            return List.of(
                    KpiContribution.newBuilder(added).setReplaces(removed).build());
        }
        return List.of(removed, added);
    }

    /** The window with the contribution (and what it replaces) applied; {@code window} null starts an empty one. */
    public static CallKpi apply(CallKpi window, KpiContribution call) {
        if (window == null) {
            window = empty(call);
        }
        if (call.getReplaces() != null) {
            window = applyOne(window, call.getReplaces());
        }
        return applyOne(window, call);
    }

    private static CallKpi applyOne(CallKpi window, KpiContribution call) {
        int sign = call.getSign();
        boolean answered = call.getAnswered();
        boolean effective = call.getNetworkEffective();
        Long pdd = call.getPostDialDelayMillis();
        long attempts = window.getAttempts() + sign;
        long answeredCount = window.getAnswered() + (answered ? sign : 0);
        long effectiveCount = window.getNetworkEffective() + (effective ? sign : 0);
        long talk = window.getTalkSeconds() + sign * call.getTalkSeconds();
        boolean timed = answered && !call.getTimingSuspect();
        long acdCalls = window.getAcdCalls() + (timed ? sign : 0);
        long acdTalk = window.getAcdTalkSeconds() + (timed ? sign * call.getTalkSeconds() : 0);
        long pddSamples = window.getPostDialDelaySamples() + (pdd != null ? sign : 0);
        long pddTotal = window.getPostDialDelayTotalMillis() + (pdd != null ? sign * pdd : 0);
        Instant emitted = sign > 0 && call.getFinalisedAt().isAfter(window.getEmittedAt())
                ? call.getFinalisedAt()
                : window.getEmittedAt();
        return CallKpi.newBuilder(window)
                .setAttempts(attempts)
                .setAnswered(answeredCount)
                .setNetworkEffective(effectiveCount)
                .setAsr(ratio(answeredCount, attempts))
                .setNer(ratio(effectiveCount, attempts))
                .setAcdSeconds(acdCalls > 0 ? (double) acdTalk / acdCalls : null)
                .setAcdCalls(acdCalls)
                .setAcdTalkSeconds(acdTalk)
                .setFlaggedCalls(window.getFlaggedCalls() + (call.getFlagged() ? sign : 0))
                // (never below 0: a version counted before these counts existed is taken away uncounted)
                .setExpired(Math.max(0, window.getExpired() + (call.getExpired() ? sign : 0)))
                .setNoFinalPush(Math.max(0, window.getNoFinalPush() + (call.getNoFinalPush() ? sign : 0)))
                .setPostDialDelaySamples(pddSamples)
                .setPostDialDelayTotalMillis(pddTotal)
                .setAvgPostDialDelayMillis(pddSamples > 0 ? (double) pddTotal / pddSamples : null)
                .setTalkSeconds(talk)
                .setBilledSeconds(window.getBilledSeconds() + sign * call.getBilledSeconds())
                .setShortCalls(Math.max(0, window.getShortCalls() + (call.getShortCall() ? sign : 0)))
                .setBilledAmount(plus(window.getBilledAmount(), call.getAmount(), sign))
                .setFailures(failures(window.getFailures(), call.getFailureCategory(), sign))
                .setEmittedAt(emitted)
                .build();
    }

    /** Dial to ring of the called leg if known, else of the calling leg; -1 when neither is. */
    static long postDialDelayMillis(Call call) {
        for (CallLeg leg : new CallLeg[] {call.getLegB(), call.getLegA()}) {
            if (leg != null
                    && leg.getDialTime() != null
                    && leg.getRingTime() != null
                    && !leg.getRingTime().isBefore(leg.getDialTime())) {
                return Duration.between(leg.getDialTime(), leg.getRingTime()).toMillis();
            }
        }
        return -1;
    }

    private static List<CategoryCount> failures(List<CategoryCount> counts, FailureCategory category, int sign) {
        Map<FailureCategory, Long> byCategory = new EnumMap<>(FailureCategory.class);
        counts.forEach(count -> byCategory.put(count.getCategory(), count.getCount()));
        if (category != FailureCategory.NONE) {
            byCategory.merge(category, (long) sign, Long::sum);
        }
        List<CategoryCount> result = new ArrayList<>();
        byCategory.forEach((key, value) -> {
            if (value != 0) {
                result.add(new CategoryCount(key, value));
            }
        });
        return result;
    }

    /** {@code total} plus {@code sign} times {@code amount}; null while no priced call has counted. */
    static BigDecimal plus(BigDecimal total, BigDecimal amount, int sign) {
        if (amount == null) {
            return total;
        }
        BigDecimal signed = sign < 0 ? amount.negate() : amount;
        return total == null ? signed : total.add(signed);
    }

    private static double ratio(long part, long whole) {
        return whole <= 0 ? 0 : (double) part / whole;
    }
}
