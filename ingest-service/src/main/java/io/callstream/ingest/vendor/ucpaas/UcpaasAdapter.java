package io.callstream.ingest.vendor.ucpaas;

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
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * 云之讯 UCPaaS application callbacks: XML {@code <request>} with {@code event} = {@code callhangup}
 * (the call record, times {@code yyyy-MM-dd HH:mm:ss}), {@code callestablish} (answered), or the
 * pre-call {@code callreq}/{@code callauth}, which must be answered {@code retcode} 0 for the call to
 * proceed. Every answer is {@code <response><retcode>…</retcode><reason>…</reason></response>}.
 *
 * <p>{@code callhangup} describes the call: its {@code starttime}–{@code stoptime} is talk time, so
 * its start is leg B's answer (the bridge), but only when the vendor's figures say the parties
 * talked: {@code length} > 0, or {@code reason} 0 with a talk start (VENDORS.md 9). {@code reason}
 * is a call-level cause kept on both legs, {@code subreason} says who hung up, {@code length} is the
 * vendor's talk seconds (kept as B's leg duration: UCPaaS states no billed figure). Without a {@code
 * stoptime} the end of a talk is its start plus {@code length}, else unknown: never the push's arrival.
 */
@Singleton
public final class UcpaasAdapter implements VendorAdapter {

    private static final Reply ACCEPTED = response(200, 0, "ok");

    @Override
    public String vendor() {
        return "ucpaas";
    }

    @Override
    public List<CallEvent> normalize(PushRequest request, VendorContext context) throws InvalidPushException {
        Fields push = Fields.xml(request);
        return switch (push.text("event")) {
            case "callhangup" -> hangup(request, push, context);
            case "callestablish" ->
                List.of(progress(request, push, context, Leg.B, CallEventType.ANSWERED)
                        .setAnswerTime(request.receivedAt())
                        .build());
            case "callreq", "callauth" ->
                List.of(progress(request, push, context, Leg.A, CallEventType.DIALING)
                        .setDialTime(request.receivedAt())
                        .build());
            default -> List.of();
        };
    }

    private static List<CallEvent> hangup(PushRequest request, Fields push, VendorContext context)
            throws InvalidPushException {
        Optional<Instant> talkStart = push.optionalLocalTime("starttime", context.zone());
        Optional<Instant> stop = push.optionalLocalTime("stoptime", context.zone());
        int reasonCode = push.integer("reason");
        String reason = Integer.toString(reasonCode);
        Optional<Integer> length = push.optionalInteger("length");
        // Answered only when the vendor's figures say the parties talked (VENDORS.md 9): a talk length,
        // or a normal hang-up with a talk start. A failure reason with length 0 never connected, whatever
        // the times say; length > 0 with a failure reason was connected, then dropped.
        boolean answered =
                length.map(seconds -> seconds > 0).orElse(false) || (reasonCode == 0 && talkStart.isPresent());
        Optional<Instant> end =
                answered ? stop.or(() -> talkStart.flatMap(start -> length.map(start::plusSeconds))) : stop;
        Optional<Instant> answer =
                answered ? talkStart.or(() -> stop.flatMap(at -> length.map(at::minusSeconds))) : Optional.empty();
        HangupSide side = reasonCode == 0 ? subreason(push.optionalText("subreason")) : HangupSide.UNKNOWN;
        // A record states a time: its end, else its start, else (no time at all) its arrival.
        Instant time = end.or(() -> talkStart).orElse(request.receivedAt());

        CallEvent caller = record(request, push, context, Leg.A, time, end, reason, side)
                .setPartyNumber(
                        PhoneNumbers.normalize(push.optionalText("caller")).orElse(null))
                .build();
        CallEvent called = record(request, push, context, Leg.B, time, end, reason, side)
                .setPartyNumber(
                        PhoneNumbers.normalize(push.optionalText("called")).orElse(null))
                .setAnswerTime(answer.orElse(null))
                .setLegDurationSeconds(length.orElse(null))
                .build();
        return List.of(caller, called);
    }

    private static CallEvent.Builder record(
            PushRequest request,
            Fields push,
            VendorContext context,
            Leg leg,
            Instant time,
            Optional<Instant> end,
            String reason,
            HangupSide side)
            throws InvalidPushException {
        CallEvent.Builder event = base(request, push, context, leg, CallEventType.CALL_RECORD, time)
                .setEndTime(end.orElse(null))
                .setStateCode(reason)
                .setStateSource("reason")
                .setHangupSide(side)
                .setRecordingUrl(push.optionalText("recordurl").orElse(null));
        push.optionalText("subreason").ifPresent(value -> event.getAttributes().put("subreason", value));
        return event;
    }

    private static CallEvent.Builder progress(
            PushRequest request, Fields push, VendorContext context, Leg leg, CallEventType type)
            throws InvalidPushException {
        return base(request, push, context, leg, type, request.receivedAt())
                .setPartyNumber(PhoneNumbers.normalize(push.optionalText(leg == Leg.A ? "caller" : "called"))
                        .orElse(null));
    }

    private static CallEvent.Builder base(
            PushRequest request, Fields push, VendorContext context, Leg leg, CallEventType type, Instant time)
            throws InvalidPushException {
        String tenant = push.optionalText("accountid").orElse(context.defaultTenant());
        CallEvent.Builder event = CallEvents.builder(request, tenant, push.text("callid"), leg, type, time)
                .setDisplayedNumber(
                        PhoneNumbers.normalize(push.optionalText("displaynum")).orElse(null))
                .setCustomData(push.optionalText("userData").orElse(null));
        for (String attribute : List.of("appid", "calltype", "callertype", "calledtype", "callernum", "confid")) {
            push.optionalText(attribute)
                    .ifPresent(value -> event.getAttributes().put(attribute, value));
        }
        return event;
    }

    private static HangupSide subreason(Optional<String> subreason) {
        return switch (subreason.orElse("")) {
            case "1" -> HangupSide.A;
            case "2" -> HangupSide.B;
            default -> HangupSide.UNKNOWN;
        };
    }

    @Override
    public Set<String> mediaTypes() {
        return Set.of("text/xml", "application/xml");
    }

    @Override
    public Reply accepted(PushRequest request) {
        return ACCEPTED;
    }

    @Override
    public Reply rejected(int status, String reason) {
        return response(status, status, reason);
    }

    private static Reply response(int status, int retcode, String reason) {
        return new Reply(
                status,
                Reply.XML,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><retcode>" + retcode + "</retcode><reason>"
                        + Replies.xmlText(reason) + "</reason></response>");
    }
}
