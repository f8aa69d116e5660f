package io.callstream.processor.domain;

import io.callstream.schema.CallEvent;
import io.callstream.schema.CallLeg;
import io.callstream.schema.QualityFlag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The quality flags of a call: impossible or suspicious inputs, kept on the call rather than
 * refused (the vendor sent them, and the call is still somebody's money). A call with a {@linkplain
 * #TIMING timing flag} keeps its talk and billing but is left out of ACD and post-dial delay.
 */
final class QualityChecks {

    /** Flags that make a call's times untrustworthy, so that averages over times leave it out. */
    static final Set<QualityFlag> TIMING = EnumSet.of(
            QualityFlag.NEGATIVE_DURATION,
            QualityFlag.END_BEFORE_ANSWER,
            QualityFlag.ANSWER_BEFORE_DIAL,
            QualityFlag.FUTURE_TIME,
            QualityFlag.BEFORE_2000,
            QualityFlag.NO_END_TIME);

    /** Flags of times that cannot be (a missing end is missing, not impossible). */
    static final Set<QualityFlag> IMPOSSIBLE = EnumSet.of(
            QualityFlag.NEGATIVE_DURATION,
            QualityFlag.END_BEFORE_ANSWER,
            QualityFlag.ANSWER_BEFORE_DIAL,
            QualityFlag.FUTURE_TIME,
            QualityFlag.BEFORE_2000);

    /** A time this far after the push's arrival is in the future. */
    static final Duration FUTURE = Duration.ofDays(1);
    /** Times before this are not from any call the vendors could have recorded. */
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /**
     * Attributes whose name ends with this keep the vendor's text of a value that had to be rounded
     * (e.g. {@code oriamount.original}).
     */
    static final String ROUNDED_SUFFIX = ".original";

    private QualityChecks() {}

    /**
     * The flags of a call, in their declaration order.
     *
     * @param events the call's distinct events
     * @param legs its joined legs (none null)
     * @param uncappedTalk its talk before the cap
     * @param cap the cap, null for none
     * @param ended whether a call record says it ended after the parties talked (a failed call
     *     without times has nothing to bill, so its missing end is no flag)
     * @param finalisedAt when the version is produced, for events that do not say when they arrived
     */
    static List<QualityFlag> of(
            List<CallEvent> events,
            List<CallLeg> legs,
            int uncappedTalk,
            Integer cap,
            boolean ended,
            Instant finalisedAt) {
        Set<QualityFlag> flags = EnumSet.noneOf(QualityFlag.class);
        for (CallEvent event : events) {
            if (negative(event.getLegDurationSeconds()) || negative(event.getVendorBilledSeconds())) {
                flags.add(QualityFlag.NEGATIVE_DURATION);
            }
            Instant arrived = event.getReceivedAt() != null ? event.getReceivedAt() : finalisedAt;
            for (Instant time : times(event).toList()) {
                if (time.isAfter(arrived.plus(FUTURE))) {
                    flags.add(QualityFlag.FUTURE_TIME);
                }
                if (time.isBefore(EARLIEST)) {
                    flags.add(QualityFlag.BEFORE_2000);
                }
            }
            if (event.getAttributes().keySet().stream().anyMatch(key -> key.endsWith(ROUNDED_SUFFIX))) {
                flags.add(QualityFlag.ROUNDED_AMOUNT);
            }
        }
        for (CallLeg leg : legs) {
            Instant answer = leg.getAnswerTime();
            if (answer != null && leg.getEndTime() != null && leg.getEndTime().isBefore(answer)) {
                flags.add(QualityFlag.END_BEFORE_ANSWER);
            }
            if (answer != null
                    && Stream.of(leg.getDialTime(), leg.getRingTime())
                            .filter(Objects::nonNull)
                            .anyMatch(answer::isBefore)) {
                flags.add(QualityFlag.ANSWER_BEFORE_DIAL);
            }
        }
        if (cap != null && uncappedTalk > cap) {
            flags.add(QualityFlag.TALK_OVER_CAP);
        }
        if (ended && legs.stream().map(CallLeg::getEndTime).allMatch(Objects::isNull)) {
            flags.add(QualityFlag.NO_END_TIME);
        }
        return new ArrayList<>(flags);
    }

    /** Whether any of these flags makes the call's times untrustworthy. */
    static boolean timingSuspect(List<QualityFlag> flags) {
        return flags.stream().anyMatch(TIMING::contains);
    }

    /** Whether any of these flags says a time or duration cannot be. */
    static boolean impossible(List<QualityFlag> flags) {
        return flags.stream().anyMatch(IMPOSSIBLE::contains);
    }

    private static boolean negative(Integer seconds) {
        return seconds != null && seconds < 0;
    }

    private static Stream<Instant> times(CallEvent event) {
        return Stream.of(
                        event.getCallStartTime(),
                        event.getDialTime(),
                        event.getRingTime(),
                        event.getAnswerTime(),
                        event.getEndTime())
                .filter(Objects::nonNull)
                .sorted(Comparator.naturalOrder());
    }
}
