package io.callstream.processor.domain;

import io.callstream.schema.BillingMode;
import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.CallLeg;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Joins the events of one call into the call: legs A and B, outcome, failure category, hang-up
 * side, talk and billed seconds, amount, and the vendor's own billing beside ours.
 *
 * <p>A pure function of the <em>set</em> of events: duplicates (same event id) count once and the
 * events are put in a deterministic order first, so arrival order never changes the result. Events
 * whose leg the vendor could not say (YTX state pushes) join the leg with the same number.
 */
public final class CallJoiner {

    private static final Comparator<CallEvent> ORDER =
            Comparator.comparing(CallEvent::getEventTime).thenComparing(CallEvent::getEventId);

    private final CodeTable codes;
    private final TariffTable tariffs;
    private final Reconciliation reconciliation;

    /** With exact reconciliation (no tolerance). */
    public CallJoiner(CodeTable codes, TariffTable tariffs) {
        this(codes, tariffs, Reconciliation.EXACT);
    }

    public CallJoiner(CodeTable codes, TariffTable tariffs, Reconciliation reconciliation) {
        this.codes = codes;
        this.tariffs = tariffs;
        this.reconciliation = reconciliation;
    }

    /** Whether the vendor has stated how the call ended (a call record arrived). */
    public static boolean isTerminal(Collection<CallEvent> events) {
        return events.stream().anyMatch(event -> event.getEventType() == CallEventType.CALL_RECORD);
    }

    /**
     * Whether a terminal push has arrived whole: some call record's push has all its events of this
     * call here ({@code pushEventCount} of them with its push id). Until then a call is not
     * emitted, so a push stating both legs never yields a one-legged version first.
     */
    public static boolean hasCompleteTerminalPush(Collection<CallEvent> events) {
        Map<String, Long> perPush = events.stream()
                .filter(event -> push(event) != null)
                .collect(java.util.stream.Collectors.groupingBy(
                        CallJoiner::push, java.util.stream.Collectors.counting()));
        return events.stream()
                .filter(event -> event.getEventType() == CallEventType.CALL_RECORD)
                .anyMatch(record -> push(record) == null || perPush.get(push(record)) >= record.getPushEventCount());
    }

    /**
     * Which push an event came from: its push id, the same for every delivery of the push, so
     * that a retry completes a push whose first delivery was only partly stored (its events then
     * arrive under two envelopes); the envelope id for events from before push ids.
     */
    private static String push(CallEvent event) {
        return event.getPushId() != null ? event.getPushId() : event.getEnvelopeId();
    }

    /**
     * Whether every event of {@code event}'s push is here: a correction that states both legs is
     * applied once, as a whole, never as a version with one leg corrected and the other not.
     */
    public static boolean isPushComplete(Collection<CallEvent> events, CallEvent event) {
        if (push(event) == null) {
            return true;
        }
        long arrived =
                events.stream().filter(other -> push(event).equals(push(other))).count();
        return arrived >= event.getPushEventCount();
    }

    /**
     * The call these events describe.
     *
     * @param expired the call is being (or was) finalised by the timeout, not by a terminal push: it
     *     is EXPIRED unless answered, and marked {@code noFinalPush} until a terminal push arrives
     * @param version the version to stamp on it
     * @param finalisedAt when it is produced (stream time)
     */
    public Call join(Collection<CallEvent> events, boolean expired, int version, Instant finalisedAt) {
        List<CallEvent> ordered = distinct(events);
        if (ordered.isEmpty()) {
            throw new IllegalArgumentException("a call needs at least one event");
        }
        CallEvent anchor = ordered.stream()
                .filter(event -> event.getEventType() == CallEventType.CALL_RECORD)
                .min(LegView.RECORDS_FIRST_TO_LAST)
                .orElse(ordered.getFirst());
        String vendor = anchor.getVendor();
        Map<Leg, LegView> legs = legs(ordered);
        Tariff tariff = tariffs.find(
                anchor.getTenantId(),
                vendor,
                legs.containsKey(Leg.B) ? legs.get(Leg.B).partyNumber().orElse(null) : null);
        Optional<Integer> cap = cap(first(ordered, CallEvent::getMaxDurationSeconds), tariff);
        CallLeg legA = legs.containsKey(Leg.A) ? legs.get(Leg.A).toCallLeg(vendor, codes, cap) : null;
        CallLeg legB = legs.containsKey(Leg.B) ? legs.get(Leg.B).toCallLeg(vendor, codes, cap) : null;

        Instant bridge = bridgeTime(legA, legB);
        Instant end = Stream.of(legA, legB)
                .filter(Objects::nonNull)
                .map(CallLeg::getEndTime)
                .filter(Objects::nonNull)
                .max(Comparator.naturalOrder())
                .orElse(null);
        boolean terminal = isTerminal(ordered);
        CallOutcome outcome = outcome(terminal, expired, bridge);
        // the vendor's own figures: a leg's stated duration; leg B's is the bridged talk (the called
        // party answers last in a two-way callback), so it is the vendor's talk
        Optional<Integer> vendorLegA = stated(legs, Leg.A);
        Optional<Integer> vendorLegB = stated(legs, Leg.B);
        Optional<Instant> hangUp = firstHangUp(legA, legB);
        int uncapped = LegView.seconds(Optional.ofNullable(bridge), hangUp, Optional.empty());
        int talk = LegView.seconds(Optional.ofNullable(bridge), hangUp, cap);
        List<CallLeg> joinedLegs =
                Stream.of(legA, legB).filter(Objects::nonNull).toList();
        Optional<Integer> vendorBilledStated = first(ordered, CallEvent::getVendorBilledSeconds);
        Billing billing;
        if (bridge != null && hangUp.isEmpty()) {
            // answered, and no end anywhere: never "until now"; billed from what the vendor stated
            int stated = vendorLegB.filter(seconds -> seconds > 0).orElse(0);
            uncapped = stated;
            talk = cap.map(max -> Math.min(max, stated)).orElse(stated);
            // (a negative stated figure bills nothing: it is flagged, not charged)
            int statedBilling = Math.max(0, vendorBilledStated.orElse(0));
            billing = vendorLegB.isEmpty() && vendorBilledStated.isPresent()
                    ? new Billing(statedBilling, tariff.amount(statedBilling))
                    : bill(tariff, talk, joinedLegs);
        } else {
            billing = bill(tariff, talk, joinedLegs);
        }
        Optional<Integer> vendorBilledDerived = vendorBilledStated.isEmpty() && tariff.mode() == BillingMode.BRIDGED
                ? vendorLegB.filter(seconds -> seconds >= 0).map(tariff::billedSeconds)
                : Optional.empty();
        Optional<Integer> vendorBilled = vendorBilledStated.or(() -> vendorBilledDerived);
        BigDecimal vendorAmount = first(ordered, CallEvent::getVendorAmount).orElse(null);
        List<io.callstream.schema.QualityFlag> flags = QualityChecks.of(
                believed(ordered), joinedLegs, uncapped, cap.orElse(null), terminal && bridge != null, finalisedAt);
        int talkSeconds = talk;

        Call call = Call.newBuilder()
                .setVendor(vendor)
                .setTenantId(anchor.getTenantId())
                .setCallId(anchor.getCallId())
                .setVersion(version)
                .setLegA(legA)
                .setLegB(legB)
                .setOutcome(outcome)
                .setFailureCategory(category(outcome, legA, legB))
                .setHangupSide(hangupSide(ordered))
                .setStartTime(startTime(ordered, legA, legB))
                .setBridgeTime(bridge)
                .setEndTime(end)
                .setTalkSeconds(talkSeconds)
                .setBilledSeconds(billing.seconds())
                .setAmount(billing.amount())
                .setCurrency(billing.amount() == null ? null : tariff.currency())
                .setTariffId(tariff.id())
                .setVendorBilledSeconds(vendorBilled.orElse(null))
                .setBillingDifferenceSeconds(
                        vendorBilled.map(theirs -> billing.seconds() - theirs).orElse(null))
                .setVendorAmount(vendorAmount)
                .setVendorTalkSeconds(vendorLegB.orElse(null))
                .setVendorLegASeconds(vendorLegA.orElse(null))
                .setVendorLegBSeconds(vendorLegB.orElse(null))
                .setVendorBilledDerived(vendorBilledDerived.isPresent())
                .setTalkDifferenceSeconds(
                        vendorLegB.map(theirs -> talkSeconds - theirs).orElse(null))
                .setAmountDifference(
                        billing.amount() != null && vendorAmount != null
                                ? billing.amount().subtract(vendorAmount)
                                : null)
                .setQualityFlags(flags)
                .setMaxDurationSeconds(cap.orElse(null))
                .setCustomData(first(ordered, CallEvent::getCustomData).orElse(null))
                .setEventCount(ordered.size())
                .setNoFinalPush(expired && !terminal)
                .setFinalisedAt(finalisedAt)
                .build();
        call.setDifferenceClass(reconciliation.classify(call));
        return call;
    }

    /**
     * The events the call is made of now: progress events and, per leg, the record believed most (a
     * record a correction replaced no longer flags the call).
     */
    private static List<CallEvent> believed(List<CallEvent> events) {
        Map<Leg, CallEvent> records = new LinkedHashMap<>();
        events.stream()
                .filter(event -> event.getEventType() == CallEventType.CALL_RECORD)
                .sorted(LegView.RECORDS_FIRST_TO_LAST)
                .forEach(record -> records.putIfAbsent(record.getLeg(), record));
        return Stream.concat(
                        events.stream().filter(event -> event.getEventType() != CallEventType.CALL_RECORD),
                        records.values().stream())
                .toList();
    }

    private static Optional<Integer> stated(Map<Leg, LegView> legs, Leg leg) {
        return legs.containsKey(leg) ? legs.get(leg).statedSeconds() : Optional.empty();
    }

    private static List<CallEvent> distinct(Collection<CallEvent> events) {
        Map<String, CallEvent> byId = new LinkedHashMap<>();
        events.stream().sorted(ORDER).forEach(event -> byId.putIfAbsent(event.getEventId(), event));
        return new ArrayList<>(byId.values());
    }

    /** Events grouped by leg; an event of unknown leg joins the leg whose number it carries. */
    private static Map<Leg, LegView> legs(List<CallEvent> events) {
        Map<Leg, List<CallEvent>> byLeg = new LinkedHashMap<>();
        for (Leg leg : List.of(Leg.A, Leg.B)) {
            byLeg.put(
                    leg,
                    new ArrayList<>(
                            events.stream().filter(e -> e.getLeg() == leg).toList()));
        }
        for (CallEvent event : events) {
            if (event.getLeg() != Leg.UNKNOWN || event.getPartyNumber() == null) {
                continue;
            }
            for (Leg leg : List.of(Leg.A, Leg.B)) {
                if (byLeg.get(leg).stream().anyMatch(e -> sameNumber(e.getPartyNumber(), event.getPartyNumber()))) {
                    byLeg.get(leg).add(event);
                    break;
                }
            }
        }
        Map<Leg, LegView> views = new LinkedHashMap<>();
        byLeg.forEach((leg, legEvents) -> {
            legEvents.sort(ORDER);
            LegView view = new LegView(leg, legEvents);
            if (!view.isEmpty()) {
                views.put(leg, view);
            }
        });
        return views;
    }

    /** Numbers are the same when one ends with the other (trunk prefixes such as 0 differ). */
    static boolean sameNumber(String a, String b) {
        if (a == null || b == null || Math.min(a.length(), b.length()) < 7) {
            return a != null && a.equals(b);
        }
        return a.endsWith(b) || b.endsWith(a);
    }

    /**
     * When both parties could talk: the called leg's answer, or the calling leg's if that came later
     * (the bridge needs both); null when the called leg never answered.
     */
    static Instant bridgeTime(CallLeg legA, CallLeg legB) {
        if (legB == null || legB.getAnswerTime() == null) {
            return null;
        }
        Instant called = legB.getAnswerTime();
        return legA != null
                        && legA.getAnswerTime() != null
                        && legA.getAnswerTime().isAfter(called)
                ? legA.getAnswerTime()
                : called;
    }

    /** The cap on talk: the lower of what a push states and the tenant's tariff allows. */
    private static Optional<Integer> cap(Optional<Integer> stated, Tariff tariff) {
        if (tariff.maxTalkSeconds() == null) {
            return stated;
        }
        return Optional.of(
                stated.map(max -> Math.min(max, tariff.maxTalkSeconds())).orElse(tariff.maxTalkSeconds()));
    }

    /** The talk ends when the first party hangs up: the earliest end either leg states. */
    static Optional<Instant> firstHangUp(CallLeg legA, CallLeg legB) {
        return Stream.of(legA, legB)
                .filter(Objects::nonNull)
                .map(CallLeg::getEndTime)
                .filter(Objects::nonNull)
                .min(Comparator.naturalOrder());
    }

    private static CallOutcome outcome(boolean terminal, boolean expired, Instant bridge) {
        if (bridge != null) {
            return CallOutcome.CONNECTED;
        }
        if (terminal) {
            return CallOutcome.FAILED;
        }
        return expired ? CallOutcome.EXPIRED : CallOutcome.UNKNOWN;
    }

    /** NONE when bridged, else the category of the leg that failed first (A before B). */
    private static FailureCategory category(CallOutcome outcome, CallLeg legA, CallLeg legB) {
        if (outcome == CallOutcome.CONNECTED) {
            return FailureCategory.NONE;
        }
        return Stream.of(legA, legB)
                .filter(Objects::nonNull)
                .map(CallLeg::getFailureCategory)
                .filter(category -> category != FailureCategory.NONE)
                .findFirst()
                .orElse(FailureCategory.UNKNOWN);
    }

    private static HangupSide hangupSide(List<CallEvent> events) {
        Comparator<CallEvent> recordsFirst = Comparator.comparing(e -> e.getEventType() != CallEventType.CALL_RECORD);
        return events.stream()
                .sorted(recordsFirst)
                .map(CallEvent::getHangupSide)
                .filter(side -> side != HangupSide.UNKNOWN)
                .findFirst()
                .orElse(HangupSide.UNKNOWN);
    }

    private static Instant startTime(List<CallEvent> events, CallLeg legA, CallLeg legB) {
        return first(events, CallEvent::getCallStartTime)
                .or(() -> Stream.of(legA, legB)
                        .filter(Objects::nonNull)
                        .flatMap(leg -> Stream.of(leg.getDialTime(), leg.getRingTime(), leg.getAnswerTime()))
                        .filter(Objects::nonNull)
                        .min(Comparator.naturalOrder()))
                .orElse(null);
    }

    private static Billing bill(Tariff tariff, int talk, List<CallLeg> legs) {
        if (tariff.mode() == BillingMode.BRIDGED) {
            return new Billing(tariff.billedSeconds(talk), tariff.amount(talk));
        }
        int seconds = 0;
        BigDecimal amount = tariff.amount(0);
        for (CallLeg leg : legs) {
            seconds += tariff.billedSeconds(leg.getTalkSeconds());
            BigDecimal legAmount = tariff.amount(leg.getTalkSeconds());
            amount = amount == null ? null : amount.add(legAmount);
        }
        return new Billing(seconds, amount);
    }

    /**
     * The first value of a field: call records first, in the order they are believed ({@link
     * LegView#RECORDS_FIRST_TO_LAST}: a correction first); then progress events.
     */
    private static <T> Optional<T> first(List<CallEvent> events, java.util.function.Function<CallEvent, T> field) {
        return Stream.concat(
                        events.stream()
                                .filter(e -> e.getEventType() == CallEventType.CALL_RECORD)
                                .sorted(LegView.RECORDS_FIRST_TO_LAST),
                        events.stream().filter(e -> e.getEventType() != CallEventType.CALL_RECORD))
                .map(field)
                .filter(Objects::nonNull)
                .findFirst();
    }

    private record Billing(int seconds, BigDecimal amount) {}
}
