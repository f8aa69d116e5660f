package io.callstream.bench;

import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import io.callstream.schema.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A realistic call-events stream, as ingest writes it: privacy-number records stating both legs
 * (winnerlook), callback calls with leg-state pushes before the record (YTX), and pre-call requests
 * followed by the hang-up record (UCPaaS); about 2.6 events per call.
 */
final class CallEventsGenerator {

    private final Random random = new Random(42);
    private final Instant start = Instant.parse("2026-11-01T00:00:00Z");

    /** The events of call number {@code n}, in the order the vendor would push them. */
    List<CallEvent> call(long n) {
        Instant begin = start.plusMillis(n * 3);
        int talk = random.nextInt(10) < 7 ? 10 + random.nextInt(300) : 0;
        int kind = (int) (n % 10);
        if (kind < 6) {
            return recordPush("winnerlook", "wl-" + n, begin, talk, List.of());
        }
        if (kind < 8) {
            List<CallEvent> states = List.of(
                    event("ytx", "ytx-" + n, Leg.UNKNOWN, CallEventType.DIALING, begin, "s1")
                            .setPartyNumber("18610559223")
                            .setDialTime(begin)
                            .build(),
                    event("ytx", "ytx-" + n, Leg.UNKNOWN, CallEventType.RINGING, begin.plusSeconds(4), "s2")
                            .setPartyNumber("01053189990")
                            .setRingTime(begin.plusSeconds(4))
                            .build());
            return recordPush("ytx", "ytx-" + n, begin, talk, states);
        }
        List<CallEvent> request = List.of(event("ucpaas", "uc-" + n, Leg.A, CallEventType.DIALING, begin, "req")
                .setDialTime(begin)
                .build());
        return recordPush("ucpaas", "uc-" + n, begin, talk, request);
    }

    /** The field the ingest service names as the source of the raw code, per vendor and leg. */
    private static String stateSource(String vendor, Leg leg) {
        return switch (vendor) {
            case "ucpaas" -> "reason";
            case "winnerlook" -> leg == Leg.A ? "callerState" : "calleeState";
            default -> "stateDesc";
        };
    }

    private List<CallEvent> recordPush(String vendor, String callId, Instant begin, int talk, List<CallEvent> before) {
        Instant bridge = begin.plusSeconds(8);
        Instant end = bridge.plusSeconds(Math.max(talk, 20));
        List<CallEvent> events = new ArrayList<>(before);
        for (Leg leg : List.of(Leg.A, Leg.B)) {
            boolean answered = leg == Leg.A || talk > 0;
            events.add(event(vendor, callId, leg, CallEventType.CALL_RECORD, end, "rec")
                    .setPartyNumber(leg == Leg.A ? "18610559223" : "01053189990")
                    .setAnswerTime(answered ? (leg == Leg.A ? begin.plusSeconds(3) : bridge) : null)
                    .setEndTime(end)
                    .setStateCode(answered ? "0" : "4")
                    .setStateSource(stateSource(vendor, leg))
                    .setHangupSide(HangupSide.A)
                    .setVendorBilledSeconds((talk + 59) / 60 * 60)
                    .setEnvelopeId("env-" + callId)
                    .setPushEventCount(2)
                    .build());
        }
        return events;
    }

    private static CallEvent.Builder event(
            String vendor, String callId, Leg leg, CallEventType type, Instant time, String suffix) {
        return CallEvent.newBuilder()
                .setEventId(callId + "-" + leg + "-" + suffix)
                .setVendor(vendor)
                .setTenantId("tenant-" + Math.floorMod(callId.hashCode(), 5))
                .setCallId(callId)
                .setLeg(leg)
                .setEventType(type)
                .setEventTime(time);
    }

    static String key(CallEvent event) {
        return Topics.callKey(event.getVendor(), event.getCallId());
    }
}
