package io.callstream.processor.domain;

import io.callstream.schema.Call;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.CallLeg;
import io.callstream.schema.CallOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What a finished call leaves once its events are forgotten: its last version, from which the
 * events a late arrival is joined with are rebuilt. The rebuilt events state what the version
 * states, one per leg, so joining them alone gives the same result again; they are call records
 * (progress events for a call that expired) dated at the epoch, so any real record that arrives late
 * outranks them and a late progress event fills in only what they leave out.
 */
public final class RetainedCalls {

    /** The event id prefix of rebuilt events. */
    public static final String EVENT_ID_PREFIX = "retained:";

    private RetainedCalls() {}

    /** The events that stand for {@code call}'s forgotten events. */
    public static List<CallEvent> events(Call call) {
        CallEventType type = call.getOutcome() == CallOutcome.EXPIRED || call.getOutcome() == CallOutcome.UNKNOWN
                ? CallEventType.UNKNOWN
                : CallEventType.CALL_RECORD;
        List<CallEvent> events = new ArrayList<>();
        for (CallLeg leg : new CallLeg[] {call.getLegA(), call.getLegB()}) {
            if (leg != null) {
                events.add(event(call, leg, type));
            }
        }
        return events;
    }

    private static CallEvent event(Call call, CallLeg leg, CallEventType type) {
        return CallEvent.newBuilder()
                .setEventId(EVENT_ID_PREFIX + leg.getLeg())
                .setVendor(call.getVendor())
                .setTenantId(call.getTenantId())
                .setCallId(call.getCallId())
                .setLeg(leg.getLeg())
                .setEventType(type)
                .setEventTime(Instant.EPOCH)
                .setPartyNumber(leg.getPartyNumber())
                .setDisplayedNumber(leg.getDisplayedNumber())
                .setCallStartTime(call.getStartTime())
                .setDialTime(leg.getDialTime())
                .setRingTime(leg.getRingTime())
                .setAnswerTime(leg.getAnswerTime())
                .setEndTime(leg.getEndTime())
                .setStateCode(leg.getStateCode())
                .setStateText(leg.getStateText())
                .setStateSource(leg.getStateSource())
                .setHangupSide(call.getHangupSide())
                .setVendorBilledSeconds(call.getVendorBilledSeconds())
                .setVendorAmount(call.getVendorAmount())
                .setMaxDurationSeconds(call.getMaxDurationSeconds())
                .setCustomData(call.getCustomData())
                .setPushEventCount(1)
                .setAttributes(new TreeMap<>())
                .build();
    }
}
