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
 * it is leg B's answer (the bridge); {@code reason} is a call-level cause kept on both legs, and
 * {@code subreason} says who hung up. Pushes without times are stamped with their arrival.
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
        Instant end = push.optionalLocalTime("stoptime", context.zone()).orElse(request.receivedAt());
        String reason = Integer.toString(push.integer("reason"));
        HangupSide side = "0".equals(reason) ? subreason(push.optionalText("subreason")) : HangupSide.UNKNOWN;
        Optional<Integer> length = push.optionalInteger("length");

        CallEvent caller = record(request, push, context, Leg.A, end, reason, side, length)
                .setPartyNumber(
                        PhoneNumbers.normalize(push.optionalText("caller")).orElse(null))
                .build();
        CallEvent called = record(request, push, context, Leg.B, end, reason, side, length)
                .setPartyNumber(
                        PhoneNumbers.normalize(push.optionalText("called")).orElse(null))
                .setAnswerTime(talkStart.orElse(null))
                .setLegDurationSeconds(length.orElse(null))
                .build();
        return List.of(caller, called);
    }

    private static CallEvent.Builder record(
            PushRequest request,
            Fields push,
            VendorContext context,
            Leg leg,
            Instant end,
            String reason,
            HangupSide side,
            Optional<Integer> length)
            throws InvalidPushException {
        CallEvent.Builder event = base(request, push, context, leg, CallEventType.CALL_RECORD, end)
                .setEndTime(end)
                .setStateCode(reason)
                .setStateSource("reason")
                .setHangupSide(side)
                .setVendorBilledSeconds(length.orElse(null))
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
