package io.callstream.ingest.vendor;

import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.Leg;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Map;

/** Fixture pushes (under src/test/resources/fixtures/&lt;vendor&gt;/) and the events expected of them. */
public final class Fixtures {

    public static final Instant RECEIVED = Instant.parse("2026-01-02T03:04:05Z");
    public static final VendorContext CONTEXT = new VendorContext(VendorContext.BEIJING, "default");
    public static final String ENVELOPE = "env-1";

    private Fixtures() {}

    public static byte[] bytes(String vendor, String file) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + vendor + "/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + vendor + "/" + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PushRequest request(String vendor, String file, String contentType, String query) {
        return request(vendor, bytes(vendor, file), contentType, query);
    }

    public static PushRequest request(String vendor, byte[] body, String contentType, String query) {
        return new PushRequest(
                ENVELOPE,
                vendor,
                "/webhooks/" + vendor + (query.isEmpty() ? "" : "?" + query),
                query,
                Map.of("content-type", contentType),
                contentType,
                body,
                "127.0.0.1",
                RECEIVED);
    }

    /** An expected event's builder, with the identity fields every event has. */
    public static CallEvent.Builder expected(
            PushRequest request, String tenant, String callId, Leg leg, CallEventType type, Instant time) {
        return CallEvents.builder(request, tenant, callId, leg, type, time);
    }

    /** A Beijing wall-clock time as the instant it denotes. */
    public static Instant beijing(String localTime) {
        return LocalDateTime.parse(localTime.replace(' ', 'T'))
                .atZone(VendorContext.BEIJING)
                .toInstant();
    }
}
