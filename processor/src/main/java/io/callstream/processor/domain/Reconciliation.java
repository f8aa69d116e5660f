package io.callstream.processor.domain;

import io.callstream.schema.Call;
import io.callstream.schema.CallLeg;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.DifferenceClass;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares a call's figures with the vendor's, like with like (VENDORS.md 9): our talk seconds with
 * the vendor's talk seconds, leg A's talk with the vendor's leg-A duration, our billed seconds with
 * the vendor's billed seconds (stated, or derived by the tariff's rule) and our amount with the
 * vendor's amount. A figure differs when it is off by more than the tolerance. A differing call
 * gets the likeliest reason, checked in this order:
 *
 * <ol>
 *   <li>{@code OTHER} when a quality flag says a time or duration cannot be (the flags say why);
 *   <li>{@code ONE_LEG_MISSING}: a leg, or a leg's answer or end, is missing on our side;
 *   <li>{@code CAP}: a maximum talk time is known and one side's talk reaches it;
 *   <li>{@code TIMEZONE_SHIFT}: the difference is a whole number of hours (within the tolerance);
 *   <li>{@code ANSWER_TIME}: the vendor's talk equals ours measured from the other leg's answer;
 *   <li>{@code INCREMENT_ROUNDING}: the times agree (or the vendor states none) and only billed
 *       seconds or the amount differ;
 *   <li>{@code OTHER}.
 * </ol>
 *
 * A call for which the vendor states nothing is {@code VENDOR_FIGURE_MISSING} when it was answered
 * (there was something to bill) and {@code NOT_COMPARED} otherwise.
 *
 * @param toleranceSeconds talk, leg and billed seconds within this of the vendor's agree
 * @param toleranceAmount amounts within this of the vendor's agree
 */
public record Reconciliation(int toleranceSeconds, BigDecimal toleranceAmount) {

    /** Exact: any difference of a second or of the smallest amount counts. */
    public static final Reconciliation EXACT = new Reconciliation(0, BigDecimal.ZERO);

    private static final int HOUR = 3600;

    public Reconciliation {
        if (toleranceSeconds < 0 || toleranceAmount.signum() < 0) {
            throw new IllegalArgumentException("reconciliation tolerances must not be negative");
        }
    }

    /** The class of {@code call}, whose own and vendor figures are set. */
    public DifferenceClass classify(Call call) {
        boolean anyFigure = call.getVendorTalkSeconds() != null
                || call.getVendorLegASeconds() != null
                || call.getVendorLegBSeconds() != null
                || call.getVendorBilledSeconds() != null
                || call.getVendorAmount() != null;
        if (!anyFigure) {
            return call.getOutcome() == CallOutcome.CONNECTED
                    ? DifferenceClass.VENDOR_FIGURE_MISSING
                    : DifferenceClass.NOT_COMPARED;
        }
        List<Integer> timeDifferences = new ArrayList<>();
        Optional<Integer> talk = differing(call.getTalkSeconds(), call.getVendorTalkSeconds());
        talk.ifPresent(timeDifferences::add);
        differing(legTalk(call.getLegA()), call.getVendorLegASeconds()).ifPresent(timeDifferences::add);
        Optional<Integer> billed = differing(call.getBilledSeconds(), call.getVendorBilledSeconds());
        boolean amountDiffers = call.getAmount() != null
                && call.getVendorAmount() != null
                && call.getAmount().subtract(call.getVendorAmount()).abs().compareTo(toleranceAmount) > 0;
        if (timeDifferences.isEmpty() && billed.isEmpty() && !amountDiffers) {
            return DifferenceClass.AGREES;
        }
        if (QualityChecks.impossible(call.getQualityFlags())) {
            // impossible times (named by the quality flags) explain nothing by themselves
            return DifferenceClass.OTHER;
        }
        if (missingLeg(call)) {
            return DifferenceClass.ONE_LEG_MISSING;
        }
        if (reachesCap(call)) {
            return DifferenceClass.CAP;
        }
        boolean talkStated = call.getVendorTalkSeconds() != null || call.getVendorLegASeconds() != null;
        List<Integer> differences = new ArrayList<>(timeDifferences);
        if (!talkStated) {
            billed.ifPresent(differences::add);
        }
        if (differences.stream().anyMatch(this::wholeHours)) {
            return DifferenceClass.TIMEZONE_SHIFT;
        }
        if (talk.isPresent() && fromOtherAnswer(call)) {
            return DifferenceClass.ANSWER_TIME;
        }
        return timeDifferences.isEmpty() ? DifferenceClass.INCREMENT_ROUNDING : DifferenceClass.OTHER;
    }

    /** Ours minus theirs, when they state a figure and it is off by more than the tolerance. */
    private Optional<Integer> differing(int ours, Integer theirs) {
        if (theirs == null) {
            return Optional.empty();
        }
        int difference = ours - theirs;
        return Math.abs((long) difference) > toleranceSeconds ? Optional.of(difference) : Optional.empty();
    }

    private static int legTalk(CallLeg leg) {
        return leg == null ? 0 : leg.getTalkSeconds();
    }

    /** A leg the vendor gives talk for is missing on our side, or has no answer or no end. */
    private static boolean missingLeg(Call call) {
        if (call.getLegA() == null || call.getLegB() == null) {
            return true;
        }
        boolean vendorTalked = positive(call.getVendorTalkSeconds()) || positive(call.getVendorLegBSeconds());
        boolean legATalked = positive(call.getVendorLegASeconds());
        return (vendorTalked && incomplete(call.getLegB())) || (legATalked && incomplete(call.getLegA()));
    }

    private static boolean incomplete(CallLeg leg) {
        return leg.getAnswerTime() == null || leg.getEndTime() == null;
    }

    private static boolean positive(Integer seconds) {
        return seconds != null && seconds > 0;
    }

    private static boolean reachesCap(Call call) {
        Integer cap = call.getMaxDurationSeconds();
        if (cap == null) {
            return false;
        }
        return call.getTalkSeconds() >= cap
                || (call.getVendorTalkSeconds() != null && call.getVendorTalkSeconds() >= cap)
                || (call.getVendorLegASeconds() != null && call.getVendorLegASeconds() >= cap);
    }

    /** A difference of one or more whole hours, give or take the tolerance. */
    private boolean wholeHours(int difference) {
        long magnitude = Math.abs((long) difference);
        long offHour = magnitude % HOUR;
        return magnitude >= HOUR - toleranceSeconds && Math.min(offHour, HOUR - offHour) <= toleranceSeconds;
    }

    /** The vendor's talk equals ours measured from the other leg's answer to the first hang-up. */
    private boolean fromOtherAnswer(Call call) {
        Optional<java.time.Instant> hangUp = CallJoiner.firstHangUp(call.getLegA(), call.getLegB());
        for (CallLeg leg : new CallLeg[] {call.getLegA(), call.getLegB()}) {
            if (leg.getAnswerTime() == null || leg.getAnswerTime().equals(call.getBridgeTime()) || hangUp.isEmpty()) {
                continue;
            }
            int measured = LegView.seconds(Optional.of(leg.getAnswerTime()), hangUp, Optional.empty());
            if (differing(measured, call.getVendorTalkSeconds()).isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
