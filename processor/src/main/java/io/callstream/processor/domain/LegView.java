package io.callstream.processor.domain;

import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.CallLeg;
import io.callstream.schema.Leg;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One leg merged from its events. A call record (the vendor's terminal statement) wins over
 * progress events for every field it states, the latest record with times first ({@link
 * #RECORDS_FIRST_TO_LAST}); progress events fill in
 * what records leave out (earliest dial, ring and answer; latest end and state).
 */
final class LegView {

    /**
     * The order in which a leg's records are believed, the first most: a record that states a time
     * (answer or end) before one that states none (a record without times never outranks one with
     * times); then the one whose push arrived last, because a vendor that pushes a record again with
     * other figures is correcting it (a shorter duration or another state included); records whose
     * arrival is unknown (written before {@code receivedAt} existed) count as the earliest. Ties, as
     * within one push, go to the latest event time, then the event id, so the order is total.
     */
    static final Comparator<CallEvent> RECORDS_FIRST_TO_LAST = Comparator.comparing(
                    (CallEvent event) -> event.getAnswerTime() == null && event.getEndTime() == null)
            .thenComparing(Comparator.comparing(
                            (CallEvent event) -> event.getReceivedAt() == null ? Instant.MIN : event.getReceivedAt())
                    .thenComparing(CallEvent::getEventTime)
                    .thenComparing(CallEvent::getEventId)
                    .reversed());

    private final Leg leg;
    private final List<CallEvent> records;
    private final List<CallEvent> progress;

    /** @param events this leg's events, in the call's deterministic order */
    LegView(Leg leg, List<CallEvent> events) {
        this.leg = leg;
        this.records = events.stream()
                .filter(event -> event.getEventType() == CallEventType.CALL_RECORD)
                .sorted(RECORDS_FIRST_TO_LAST)
                .toList();
        this.progress = events.stream()
                .filter(event -> event.getEventType() != CallEventType.CALL_RECORD)
                .toList();
    }

    boolean isEmpty() {
        return records.isEmpty() && progress.isEmpty();
    }

    Optional<String> partyNumber() {
        return first(CallEvent::getPartyNumber);
    }

    Optional<Instant> answerTime() {
        if (!records.isEmpty()) {
            return Optional.ofNullable(records.getFirst().getAnswerTime());
        }
        return progress.stream()
                .map(CallEvent::getAnswerTime)
                .filter(Objects::nonNull)
                .min(Comparator.naturalOrder());
    }

    Optional<Instant> endTime() {
        Optional<Instant> recorded = records.stream()
                .map(CallEvent::getEndTime)
                .filter(Objects::nonNull)
                .findFirst();
        return recorded.or(() -> progress.stream()
                .map(CallEvent::getEndTime)
                .filter(Objects::nonNull)
                .max(Comparator.naturalOrder()));
    }

    /** The duration the vendor states for this leg (as the most believed record states it). */
    Optional<Integer> statedSeconds() {
        return first(CallEvent::getLegDurationSeconds);
    }

    /** Talk seconds of this leg (answer to end, a started second counts), capped at {@code cap}. */
    int talkSeconds(Optional<Integer> cap) {
        return seconds(answerTime(), endTime(), cap);
    }

    /** The leg for the joined call, with its failure category. */
    CallLeg toCallLeg(String vendor, CodeTable codes, Optional<Integer> cap) {
        CallEvent state = stateEvent();
        boolean answered = answerTime().isPresent();
        return CallLeg.newBuilder()
                .setLeg(leg)
                .setPartyNumber(partyNumber().orElse(null))
                .setDisplayedNumber(first(CallEvent::getDisplayedNumber).orElse(null))
                .setDialTime(earliest(CallEvent::getDialTime).orElse(null))
                .setRingTime(earliest(CallEvent::getRingTime).orElse(null))
                .setAnswerTime(answerTime().orElse(null))
                .setEndTime(endTime().orElse(null))
                .setStateCode(state == null ? null : state.getStateCode())
                .setStateText(state == null ? null : state.getStateText())
                .setStateSource(state == null ? null : state.getStateSource())
                .setFailureCategory(codes.categorize(
                        vendor,
                        state == null ? null : state.getStateSource(),
                        state == null ? null : state.getStateCode(),
                        state == null ? null : state.getStateText(),
                        answered))
                .setTalkSeconds(talkSeconds(cap))
                .build();
    }

    /** The event whose raw state describes the leg: the latest record with one, else the latest event. */
    private CallEvent stateEvent() {
        return records.stream()
                .filter(LegView::hasState)
                .findFirst()
                .or(() -> progress.stream().filter(LegView::hasState).reduce((first, second) -> second))
                .orElse(null);
    }

    private static boolean hasState(CallEvent event) {
        return event.getStateCode() != null || event.getStateText() != null;
    }

    private <T> Optional<T> first(Function<CallEvent, T> field) {
        return records.stream()
                .map(field)
                .filter(Objects::nonNull)
                .findFirst()
                .or(() -> progress.stream().map(field).filter(Objects::nonNull).findFirst());
    }

    private Optional<Instant> earliest(Function<CallEvent, Instant> field) {
        return java.util.stream.Stream.concat(records.stream(), progress.stream())
                .map(field)
                .filter(Objects::nonNull)
                .min(Comparator.naturalOrder());
    }

    /**
     * Whole seconds from {@code from} to {@code to}, counted as the vendors' second-resolution
     * records count them: both times truncated to the second, then subtracted (so 60.001 s of talk
     * is 60 s, and 59.999 s from 10:00:00.500 to 10:01:00.499 is 60 s); capped at {@code cap}.
     */
    static int seconds(Optional<Instant> from, Optional<Instant> to, Optional<Integer> cap) {
        if (from.isEmpty() || to.isEmpty() || !to.get().isAfter(from.get())) {
            return 0;
        }
        long seconds = to.get().getEpochSecond() - from.get().getEpochSecond();
        int whole = (int) Math.min(Integer.MAX_VALUE, seconds);
        return cap.map(max -> Math.min(max, whole)).orElse(whole);
    }
}
