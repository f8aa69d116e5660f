package io.callstream.ingest.vendor.winnerlook;

import io.callstream.ingest.vendor.CallEvents;
import io.callstream.ingest.vendor.Fields;
import io.callstream.ingest.vendor.InvalidPushException;
import io.callstream.ingest.vendor.PhoneNumbers;
import io.callstream.ingest.vendor.PushRequest;
import io.callstream.ingest.vendor.Replies;
import io.callstream.ingest.vendor.Reply;
import io.callstream.ingest.vendor.VendorAdapter;
import io.callstream.ingest.vendor.VendorContext;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 云信留客 winnerlook privacy-number call-result push (seed 003 §2.1.11): one JSON record per call,
 * caller (leg A) and callee (leg B) with their own answer times, states (0–14) and durations.
 * Acknowledged with {@code {"resultCode":"200"}}, else the vendor retries.
 */
@Singleton
public final class WinnerlookAdapter implements VendorAdapter {

    static final String CALLER_HUNG_UP = "10";
    private static final Reply ACCEPTED = new Reply(200, Reply.JSON, Replies.json(Map.of("resultCode", "200")));
    static final String CALLEE_HUNG_UP = "11";

    @Override
    public String vendor() {
        return "winnerlook";
    }

    @Override
    public List<CallEvent> normalize(PushRequest request, VendorContext context) throws InvalidPushException {
        // JSON as seed 003 shows; the known PHP consumer also reads the same fields posted as a form
        Fields push = Fields.jsonOrForm(request);
        String callId = push.text("callId");
        String tenant = push.optionalText("accountId").orElse(context.defaultTenant());
        // Every time field is optional (seed 003: 必要 否); a record without times is dated by its arrival.
        Instant end = push.optionalLocalTime("endTime", context.zone()).orElse(null);
        Instant start = push.optionalLocalTime("startCallTime", context.zone()).orElse(null);
        Instant time = end != null ? end : start != null ? start : request.receivedAt();
        String callerState = Integer.toString(push.integer("callerState"));
        String calleeState = Integer.toString(push.integer("calleeState"));
        HangupSide hangup = hangupSide(callerState, calleeState);
        Map<String, String> attributes = new LinkedHashMap<>();
        push.optionalText("bindId").ifPresent(bindId -> attributes.put("bindId", bindId));

        CallEvent caller = common(request, push, tenant, callId, Leg.A, time, end, hangup, attributes)
                .setPartyNumber(PhoneNumbers.normalize(push.optionalText("callerNumber"))
                        .orElse(null))
                .setCallStartTime(start)
                .setDialTime(start)
                .setAnswerTime(push.optionalLocalTime("callerAnsweredTime", context.zone())
                        .orElse(null))
                .setStateCode(callerState)
                .setStateSource("callerState")
                .setLegDurationSeconds(push.optionalInteger("callerDuration").orElse(null))
                .build();
        CallEvent callee = common(request, push, tenant, callId, Leg.B, time, end, hangup, attributes)
                .setPartyNumber(PhoneNumbers.normalize(push.optionalText("calleeNumber"))
                        .orElse(null))
                .setCallStartTime(start)
                .setAnswerTime(push.optionalLocalTime("calleeAnsweredTime", context.zone())
                        .orElse(null))
                .setStateCode(calleeState)
                .setStateSource("calleeState")
                .setLegDurationSeconds(push.optionalInteger("calleeDuration").orElse(null))
                .build();
        return List.of(caller, callee);
    }

    private static CallEvent.Builder common(
            PushRequest request,
            Fields push,
            String tenant,
            String callId,
            Leg leg,
            Instant time,
            Instant end,
            HangupSide hangup,
            Map<String, String> attributes)
            throws InvalidPushException {
        CallEvent.Builder event = CallEvents.builder(request, tenant, callId, leg, CallEventType.CALL_RECORD, time)
                .setDisplayedNumber(PhoneNumbers.normalize(push.optionalText("displayNumber"))
                        .orElse(null))
                .setEndTime(end)
                .setHangupSide(hangup)
                .setVendorBilledSeconds(push.optionalInteger("duration").orElse(null))
                .setCustomData(push.optionalText("customerData").orElse(null))
                .setRecordingUrl(push.optionalText("recUrl").orElse(null));
        event.getAttributes().putAll(attributes);
        return event;
    }

    /** States 10 and 11 say which side hung up (seed 003 state table). */
    private static HangupSide hangupSide(String callerState, String calleeState) {
        if (CALLER_HUNG_UP.equals(callerState) || CALLER_HUNG_UP.equals(calleeState)) {
            return HangupSide.A;
        }
        if (CALLEE_HUNG_UP.equals(callerState) || CALLEE_HUNG_UP.equals(calleeState)) {
            return HangupSide.B;
        }
        return HangupSide.UNKNOWN;
    }

    @Override
    public java.util.Set<String> mediaTypes() {
        return java.util.Set.of("application/json", Fields.FORM);
    }

    @Override
    public Reply accepted(PushRequest request) {
        return ACCEPTED;
    }

    @Override
    public Reply rejected(int status, String reason) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("resultCode", Integer.toString(status));
        body.put("message", reason);
        return new Reply(status, Reply.JSON, Replies.json(body));
    }
}
