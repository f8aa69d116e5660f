package io.callstream.bench;

import io.callstream.ingest.publish.PushPublisher;
import io.callstream.schema.WebhookEnvelope;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The ceiling of ingest's own stack: the same service, executor and publisher (the same producer,
 * {@code acks=all}, idempotent) storing the raw body on {@code webhooks-raw} and waiting for Kafka's
 * acknowledgement before answering, with no verification, parsing or call events. The ratio of the
 * webhook rate to this one is the cost of what ingest does beyond archiving.
 */
@Controller("/bench")
@ExecuteOn(TaskExecutors.BLOCKING)
final class RawArchiveController {

    private final PushPublisher publisher;

    RawArchiveController(PushPublisher publisher) {
        this.publisher = publisher;
    }

    @Post(uri = "/archive/{vendor}", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
    HttpResponse<String> archive(@PathVariable String vendor, HttpRequest<byte[]> request) {
        WebhookEnvelope envelope = WebhookEnvelope.newBuilder()
                .setEnvelopeId(UUID.randomUUID().toString())
                .setVendor(vendor)
                .setEndpoint("/bench/archive/" + vendor)
                .setReceivedAt(Instant.now())
                .setHeaders(Map.of())
                .setContentType(request.getHeaders().get(HttpHeaders.CONTENT_TYPE))
                .setBody(ByteBuffer.wrap(request.getBody().orElse(new byte[0])))
                .setRemoteAddress(request.getRemoteAddress().getHostString())
                .build();
        try {
            publisher.publish(envelope, java.util.List.of());
            return HttpResponse.ok("OK");
        } catch (PushPublisher.PublishException | PushPublisher.RejectedException e) {
            return HttpResponse.<String>status(HttpStatus.SERVICE_UNAVAILABLE).body(e.getMessage());
        }
    }
}
