package io.callstream.ingest.vendor;

import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.Leg;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Starts the events adapters build, with the fields every event has and its stable id. */
public final class CallEvents {

    private CallEvents() {}

    /**
     * A builder with identity, type, time, envelope and event id filled in. The event id hashes the
     * vendor, call, leg, type and the push body, so a vendor's retry of the same push yields the
     * same id, and each event of one push a different one.
     */
    public static CallEvent.Builder builder(
            PushRequest request, String tenantId, String callId, Leg leg, CallEventType type, Instant eventTime) {
        return CallEvent.newBuilder()
                .setEventId(eventId(request.vendor(), callId, leg, type, request.body()))
                .setVendor(request.vendor())
                .setTenantId(tenantId)
                .setCallId(callId)
                .setLeg(leg)
                .setEventType(type)
                .setEventTime(eventTime)
                .setEnvelopeId(request.envelopeId())
                .setPushId(pushId(request.vendor(), request.body()))
                .setReceivedAt(request.receivedAt())
                .setAttributes(new TreeMap<>());
    }

    /**
     * The events of one push with {@code pushEventCount} set: how many events of the same call the
     * push produced, so the processor can wait for all of them.
     */
    public static List<CallEvent> withPushCounts(List<CallEvent> events) {
        Map<String, Long> perCall =
                events.stream().collect(Collectors.groupingBy(CallEvent::getCallId, Collectors.counting()));
        return events.stream()
                .map(event -> CallEvent.newBuilder(event)
                        .setPushEventCount(perCall.get(event.getCallId()).intValue())
                        .build())
                .toList();
    }

    /** The same for every delivery of one push (a vendor's retries): vendor and body hashed. */
    public static String pushId(String vendor, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((vendor + '\n').getBytes(StandardCharsets.UTF_8));
            sha.update(body);
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public static String eventId(String vendor, String callId, Leg leg, CallEventType type, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((vendor + '\n' + callId + '\n' + leg + '\n' + type + '\n').getBytes(StandardCharsets.UTF_8));
            sha.update(body);
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
