package io.callstream.ingest.vendor.yunhuni;

import io.callstream.ingest.vendor.CallEvents;
import io.callstream.ingest.vendor.Fields;
import io.callstream.ingest.vendor.InvalidPushException;
import io.callstream.ingest.vendor.PushRequest;
import io.callstream.ingest.vendor.Reply;
import io.callstream.ingest.vendor.VendorAdapter;
import io.callstream.ingest.vendor.VendorContext;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * 云呼你 oneyun/yunhuni {@code duo_callback.end}: one JSON event when a two-way callback ends, times
 * in epoch milliseconds ({@code null} when not reached), {@code hangup_by} 1/2/0. Other events of the
 * same notify URL are archived and acknowledged without call events. Success is HTTP 200.
 *
 * <p>Legs are derived as VENDORS.md §1 infers: party 1 (leg A) is dialed at {@code begin_time}; party
 * 2 (leg B) only once party 1 answered. The push's {@code error}/{@code reason} describe the leg that
 * ended the attempt: A when it never answered, else B.
 */
@Singleton
public final class YunhuniAdapter implements VendorAdapter {

    static final String END_EVENT = "duo_callback.end";
    private static final Reply ACCEPTED = new Reply(200, Reply.TEXT, "OK");

    @Override
    public String vendor() {
        return "yunhuni";
    }

    @Override
    public List<CallEvent> normalize(PushRequest request, VendorContext context) throws InvalidPushException {
        Fields push = Fields.json(request);
        if (!END_EVENT.equals(push.text("event"))) {
            return List.of();
        }
        String callId = push.text("id");
        String tenant = push.optionalText("subaccount_id").orElse(context.defaultTenant());
        // the document allows null for every time; the end event is still the vendor's statement of how
        // the call ended, so it is kept: a missing end is never "now" (the processor flags it and bills
        // the stated duration), and the record is dated by the latest time it states, else its arrival
        Optional<Instant> begin = push.optionalEpochMillis("begin_time");
        Optional<Instant> stated = push.optionalEpochMillis("end_time");
        Optional<Instant> answer1 = push.optionalEpochMillis("answer_time1");
        Optional<Instant> answer2 = push.optionalEpochMillis("answer_time2");
        Instant end = stated.orElse(null);
        Instant time =
                stated.or(() -> answer2).or(() -> answer1).or(() -> begin).orElse(request.receivedAt());

        List<CallEvent> events = new ArrayList<>();
        CallEvent.Builder legA = common(request, push, tenant, callId, Leg.A, time, end)
                .setCallStartTime(begin.orElse(null))
                .setDialTime(begin.orElse(null))
                .setAnswerTime(answer1.orElse(null));
        if (answer1.isEmpty()) {
            events.add(withCause(legA, push).build());
            return events;
        }
        events.add(legA.build());
        CallEvent.Builder legB = common(request, push, tenant, callId, Leg.B, time, end)
                .setCallStartTime(begin.orElse(null))
                .setDialTime(answer1.get())
                .setAnswerTime(answer2.orElse(null))
                // duration is the bridged talk seconds (VENDORS.md 9), not a billed figure
                .setLegDurationSeconds(push.optionalInteger("duration").orElse(null));
        events.add(withCause(legB, push).build());
        return events;
    }

    private static CallEvent.Builder common(
            PushRequest request, Fields push, String tenant, String callId, Leg leg, Instant time, Instant end)
            throws InvalidPushException {
        CallEvent.Builder event = CallEvents.builder(request, tenant, callId, leg, CallEventType.CALL_RECORD, time)
                .setEndTime(end)
                .setHangupSide(hangupSide(push.optionalText("hangup_by")))
                .setCustomData(push.optionalText("user_data").orElse(null));
        push.optionalText("record_file").ifPresent(file -> event.getAttributes().put("record_file", file));
        return event;
    }

    /**
     * The cause of the leg that ended the attempt: the CTI's {@code error}/{@code reason}; without
     * them, who hung up ({@code hangup_by}: party 1 giving up on a ringing party 2 is a cancel), looked
     * up in the code table under the field {@code hangup_by}.
     */
    private static CallEvent.Builder withCause(CallEvent.Builder leg, Fields push) {
        Optional<String> error = push.optionalText("error");
        Optional<String> reason = push.optionalText("reason");
        if (error.isEmpty() && reason.isEmpty()) {
            if (leg.getAnswerTime() == null) {
                push.optionalText("hangup_by")
                        .ifPresent(side -> leg.setStateCode(side).setStateSource("hangup_by"));
            }
            return leg;
        }
        return leg.setStateCode(error.orElse(null))
                .setStateText(reason.orElse(null))
                .setStateSource("error");
    }

    private static HangupSide hangupSide(Optional<String> hangupBy) {
        return switch (hangupBy.orElse("")) {
            case "1" -> HangupSide.A;
            case "2" -> HangupSide.B;
            case "0" -> HangupSide.PLATFORM;
            default -> HangupSide.UNKNOWN;
        };
    }

    @Override
    public Reply accepted(PushRequest request) {
        return ACCEPTED;
    }

    @Override
    public Reply rejected(int status, String reason) {
        return new Reply(status, Reply.TEXT, reason);
    }
}
