package io.callstream.ingest.vendor.ytx;

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
import io.callstream.schema.Leg;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * 云通讯 YTX {@code callDailBack} pushes on one URL: {@code ?CallState} carries one leg's state change
 * ({@code callout}, {@code alerting}, {@code answer}, {@code disconnect}) identified only by the
 * leg's number ({@code dsc}), so its leg is left UNKNOWN for the processor to match against the
 * call record; {@code ?Call} carries {@code {"cdr":[…]}} call records with both legs' answer and end
 * times, the A-leg {@code duration} (the A leg's time, B's ringing included: not a billed figure,
 * VENDORS.md 9) and the charged {@code oriamount} (CNY). Times are {@code
 * yyyy-MM-dd HH:mm:ss}, {@code ""} when not reached. Acknowledged with HTTP 200.
 */
@Singleton
public final class YtxAdapter implements VendorAdapter {

    static final String NO_RECORDING = "NoTapes";
    /** Attribute holding the vendor's amount text when it had more decimals than the contract. */
    public static final String ROUNDED_AMOUNT = "oriamount.original";

    private static final Reply ACCEPTED = new Reply(200, Reply.JSON, Replies.json(Map.of("statusCode", "0")));

    @Override
    public String vendor() {
        return "ytx";
    }

    @Override
    public List<CallEvent> normalize(PushRequest request, VendorContext context) throws InvalidPushException {
        if (request.hasQueryKey("CallState")) {
            return List.of(state(request, Fields.json(request), context));
        }
        if (request.hasQueryKey("Call")) {
            List<CallEvent> events = new ArrayList<>();
            for (Fields record : Fields.json(request).array("cdr")) {
                events.addAll(callRecord(request, record, context));
            }
            return events;
        }
        throw new InvalidPushException("unknown push kind: expected query ?CallState or ?Call");
    }

    private static CallEvent state(PushRequest request, Fields push, VendorContext context)
            throws InvalidPushException {
        String state = push.text("state");
        Instant time = push.localTime("timestamp", context.zone());
        CallEventType type = switch (state) {
            case "callout" -> CallEventType.DIALING;
            case "alerting" -> CallEventType.RINGING;
            case "answer" -> CallEventType.ANSWERED;
            case "disconnect" -> CallEventType.HUNG_UP;
            default -> CallEventType.UNKNOWN;
        };
        CallEvent.Builder event = CallEvents.builder(
                        request, context.defaultTenant(), push.text("requestid"), Leg.UNKNOWN, type, time)
                .setPartyNumber(PhoneNumbers.normalize(push.text("dsc")))
                .setStateCode(state)
                .setStateText(push.optionalText("stateDesc").orElse(null))
                .setStateSource("state");
        switch (type) {
            case DIALING -> event.setDialTime(time);
            case RINGING -> event.setRingTime(time);
            case ANSWERED -> event.setAnswerTime(time);
            case HUNG_UP -> event.setEndTime(time);
            default -> {}
        }
        return event.build();
    }

    private static List<CallEvent> callRecord(PushRequest request, Fields cdr, VendorContext context)
            throws InvalidPushException {
        String callId = cdr.text("requestid");
        String tenant = cdr.optionalText("appid").orElse(context.defaultTenant());
        Optional<Instant> callerEnd = cdr.optionalLocalTime("calleretime", context.zone());
        Optional<Instant> calledEnd = cdr.optionalLocalTime("calledetime", context.zone());
        Instant end = latest(callerEnd, calledEnd).orElse(request.receivedAt());
        Optional<Integer> duration = cdr.optionalInteger("duration");
        Optional<Fields.Money> money = cdr.optionalMoney("oriamount");
        Optional<BigDecimal> amount = money.map(Fields.Money::amount);
        Map<String, String> attributes = new LinkedHashMap<>();
        cdr.optionalText("fid").ifPresent(fid -> attributes.put("fid", fid));
        money.filter(Fields.Money::rounded).ifPresent(m -> attributes.put(ROUNDED_AMOUNT, m.original()));

        List<CallEvent> legs = new ArrayList<>();
        for (Leg leg : List.of(Leg.A, Leg.B)) {
            boolean a = leg == Leg.A;
            CallEvent.Builder event = CallEvents.builder(request, tenant, callId, leg, CallEventType.CALL_RECORD, end)
                    .setPartyNumber(PhoneNumbers.normalize(cdr.optionalText(a ? "caller" : "called"))
                            .orElse(null))
                    .setAnswerTime(cdr.optionalLocalTime(a ? "callerstime" : "calledstime", context.zone())
                            .orElse(null))
                    .setEndTime((a ? callerEnd : calledEnd).orElse(null))
                    .setStateText(cdr.optionalText("stateDesc").orElse(null))
                    .setStateSource("stateDesc")
                    .setLegDurationSeconds(a ? duration.orElse(null) : null)
                    .setVendorAmount(amount.orElse(null))
                    .setVendorCurrency(amount.isPresent() ? "CNY" : null)
                    .setCustomData(cdr.optionalText("customParm").orElse(null))
                    .setRecordingUrl(cdr.optionalText("tapesurl")
                            .filter(url -> !NO_RECORDING.equals(url))
                            .orElse(null));
            event.getAttributes().putAll(attributes);
            legs.add(event.build());
        }
        return legs;
    }

    private static Optional<Instant> latest(Optional<Instant> first, Optional<Instant> second) {
        if (first.isPresent() && second.isPresent()) {
            return Optional.of(first.get().isAfter(second.get()) ? first.get() : second.get());
        }
        return first.or(() -> second);
    }

    @Override
    public Reply accepted(PushRequest request) {
        return ACCEPTED;
    }

    @Override
    public Reply rejected(int status, String reason) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("statusCode", Integer.toString(status));
        body.put("statusMsg", reason);
        return new Reply(status, Reply.JSON, Replies.json(body));
    }
}
