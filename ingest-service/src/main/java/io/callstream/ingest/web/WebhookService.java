package io.callstream.ingest.web;

import io.callstream.ingest.config.IngestConfig;
import io.callstream.ingest.publish.PushPublisher;
import io.callstream.ingest.publish.PushPublisher.PublishException;
import io.callstream.ingest.publish.PushPublisher.RejectedException;
import io.callstream.ingest.vendor.CallEvents;
import io.callstream.ingest.vendor.InvalidPushException;
import io.callstream.ingest.vendor.PushRequest;
import io.callstream.ingest.vendor.Reply;
import io.callstream.ingest.vendor.VendorAdapter;
import io.callstream.ingest.web.IngestMetrics.Outcome;
import io.callstream.schema.CallEvent;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.WebhookEnvelope;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a push: guard, size and media type checks, normalization by the vendor's adapter,
 * then Kafka; the vendor's acknowledgement only once Kafka has it all. A push that cannot be taken
 * (400, 413 with its first {@code max-body-bytes}, 415) is kept on {@code dead-letters} with its
 * bytes; one Kafka cannot take in time is refused 503 so the vendor retries. No input gets another
 * 5xx. Pushes refused by the guard (unknown vendor, 401, 403) are counted, not archived.
 */
@Singleton
final class WebhookService {

    private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
    /** Headers worth keeping with a push; secrets and credentials are never archived. */
    private static final Set<String> ARCHIVED_HEADERS =
            Set.of("content-type", "content-length", "user-agent", "accept", "host", "x-forwarded-for", "x-real-ip");

    private final Map<String, VendorAdapter> adapters;
    private final IngestConfig config;
    private final PushGuard guard;
    private final PushPublisher publisher;
    private final IngestMetrics metrics;

    WebhookService(
            List<VendorAdapter> adapters,
            IngestConfig config,
            PushGuard guard,
            PushPublisher publisher,
            IngestMetrics metrics) {
        this.adapters =
                adapters.stream().collect(Collectors.toUnmodifiableMap(VendorAdapter::vendor, Function.identity()));
        this.config = config;
        this.guard = guard;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** The vendor keys served, sorted. */
    List<String> vendors() {
        return adapters.keySet().stream().sorted().toList();
    }

    Reply handle(PushRequest request, String presentedSecret) {
        VendorAdapter adapter = adapters.get(request.vendor());
        if (adapter == null) {
            metrics.push("unknown", Outcome.UNKNOWN_VENDOR, since(request));
            return new Reply(404, Reply.TEXT, "unknown vendor; endpoints are /webhooks/" + vendors());
        }
        Optional<PushGuard.Refusal> refusal = guard.refuse(request, presentedSecret);
        if (refusal.isPresent()) {
            log.warn(
                    "Refused {} push from {}: {}",
                    request.vendor(),
                    request.remoteAddress(),
                    refusal.get().reason());
            return answer(
                    request,
                    refusal.get().status() == PushGuard.UNAUTHORIZED ? Outcome.UNAUTHORIZED : Outcome.FORBIDDEN,
                    adapter.rejected(refusal.get().status(), refusal.get().reason()));
        }
        if (request.body().length > config.maxBodyBytes()) {
            String reason = "body of " + request.body().length + " bytes is larger than " + config.maxBodyBytes()
                    + " bytes; its first " + config.maxBodyBytes() + " bytes are kept";
            byte[] head = Arrays.copyOf(request.body(), config.maxBodyBytes());
            return deadLetter(adapter, request, head, reason, "PayloadTooLarge", 413, Outcome.TOO_LARGE);
        }
        String mediaType = mediaType(request.contentType());
        if (!adapter.mediaTypes().contains(mediaType)) {
            String reason = "content type " + (mediaType.isEmpty() ? "missing" : mediaType) + "; " + request.vendor()
                    + " pushes are " + String.join(" or ", new TreeSet<>(adapter.mediaTypes()));
            return deadLetter(adapter, request, request.body(), reason, "UnsupportedMediaType", 415, Outcome.INVALID);
        }
        List<CallEvent> events;
        try {
            events = CallEvents.withPushCounts(adapter.normalize(request, config.contextFor(request.vendor())));
        } catch (InvalidPushException e) {
            return deadLetter(adapter, request, e.getMessage(), e);
        } catch (RuntimeException e) {
            // A push no rule of the adapter foresaw: refused and kept, never a 5xx the vendor gives up on.
            log.error("Adapter {} failed on push {}", request.vendor(), request.envelopeId(), e);
            return deadLetter(adapter, request, "push could not be read: " + e, e);
        }
        try {
            publisher.publish(envelope(request), events);
        } catch (PublishException e) {
            return unavailable(adapter, request, e);
        } catch (RejectedException e) {
            return deadLetter(adapter, request, e.getMessage(), e);
        }
        metrics.events(request.vendor(), events.size());
        return answer(request, events.isEmpty() ? Outcome.IGNORED : Outcome.ACCEPTED, adapter.accepted(request));
    }

    private Reply deadLetter(VendorAdapter adapter, PushRequest request, String reason, Exception error) {
        return deadLetter(
                adapter, request, request.body(), reason, error.getClass().getName(), 400, Outcome.INVALID);
    }

    private Reply deadLetter(
            VendorAdapter adapter,
            PushRequest request,
            byte[] bytes,
            String reason,
            String errorClass,
            int status,
            Outcome outcome) {
        log.info(
                "Refused {} push {} from {} ({}), kept as a dead letter: {}",
                request.vendor(),
                request.envelopeId(),
                request.remoteAddress(),
                status,
                reason);
        try {
            publisher.deadLetter(DeadLetter.newBuilder()
                    .setDeadLetterId(UUID.randomUUID().toString())
                    .setComponent("ingest-service")
                    .setVendor(request.vendor())
                    .setError(reason)
                    .setErrorClass(errorClass)
                    .setFailedAt(request.receivedAt())
                    .setSourceEndpoint(request.endpoint())
                    .setContentType(request.contentType())
                    .setHeaders(archivedHeaders(request))
                    .setOriginalBytes(ByteBuffer.wrap(bytes))
                    .build());
        } catch (PublishException e) {
            return unavailable(adapter, request, e);
        }
        return answer(request, outcome, adapter.rejected(status, reason));
    }

    /** The media type of a Content-Type header, lower case, without parameters; empty when absent. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    private Reply unavailable(VendorAdapter adapter, PushRequest request, PublishException e) {
        log.warn(
                "Push {} from {} not stored, answered 503: {}", request.envelopeId(), request.vendor(), e.getMessage());
        metrics.produceError(request.vendor());
        return answer(request, Outcome.UNAVAILABLE, adapter.rejected(503, "temporarily unavailable, please retry"));
    }

    private Reply answer(PushRequest request, Outcome outcome, Reply reply) {
        metrics.push(request.vendor(), outcome, since(request));
        return reply;
    }

    private static WebhookEnvelope envelope(PushRequest request) {
        return WebhookEnvelope.newBuilder()
                .setEnvelopeId(request.envelopeId())
                .setVendor(request.vendor())
                .setEndpoint(request.endpoint())
                .setReceivedAt(request.receivedAt())
                .setHeaders(archivedHeaders(request))
                .setContentType(request.contentType())
                .setBody(ByteBuffer.wrap(request.body()))
                .setRemoteAddress(request.remoteAddress())
                .build();
    }

    private static Map<String, String> archivedHeaders(PushRequest request) {
        Map<String, String> kept = new TreeMap<>(request.headers());
        kept.keySet().retainAll(ARCHIVED_HEADERS);
        return kept;
    }

    private static Duration since(PushRequest request) {
        return Duration.between(request.receivedAt(), Instant.now());
    }
}
