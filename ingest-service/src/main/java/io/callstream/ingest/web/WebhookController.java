package io.callstream.ingest.web;

import io.callstream.ingest.vendor.PushRequest;
import io.callstream.ingest.vendor.Reply;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /webhooks/{vendor}} (and {@code /webhooks/{vendor}/{secret}}): any content type, the
 * body taken as raw bytes. Runs on virtual threads because it waits for Kafka's acknowledgement.
 */
@Controller("/webhooks")
@ExecuteOn(TaskExecutors.BLOCKING)
final class WebhookController {

    static final String SECRET_HEADER = "x-callstream-secret";
    /** Answered with every accepted push: the id of its envelope on {@code webhooks-raw}. */
    static final String ENVELOPE_HEADER = "X-Callstream-Envelope";

    private final WebhookService service;

    WebhookController(WebhookService service) {
        this.service = service;
    }

    @Post(uri = "/{vendor}", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<String> receive(@PathVariable String vendor, HttpRequest<byte[]> request) {
        return respond(vendor, null, request);
    }

    @Post(uri = "/{vendor}/{secret}", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<String> receiveWithSecret(
            @PathVariable String vendor, @PathVariable String secret, HttpRequest<byte[]> request) {
        return respond(vendor, secret, request);
    }

    private HttpResponse<String> respond(String vendor, String pathSecret, HttpRequest<byte[]> request) {
        Map<String, String> headers = new HashMap<>();
        request.getHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.getFirst()));
        String query = request.getUri().getRawQuery();
        PushRequest push = new PushRequest(
                UUID.randomUUID().toString(),
                vendor,
                // The path secret is never archived or logged: the endpoint is recorded without it.
                "/webhooks/" + vendor + (query == null ? "" : "?" + query),
                query == null ? "" : query,
                headers,
                request.getHeaders().get(HttpHeaders.CONTENT_TYPE),
                request.getBody().orElse(new byte[0]),
                remoteAddress(request),
                Instant.now());
        Reply reply = service.handle(push, pathSecret != null ? pathSecret : headers.get(SECRET_HEADER));
        MutableHttpResponse<String> response = HttpResponse.<String>status(
                        io.micronaut.http.HttpStatus.valueOf(reply.status()))
                .contentType(reply.contentType())
                .body(reply.body());
        if (reply.status() == 200) {
            // the receipt: the id of the raw envelope on webhooks-raw, and of the events derived from it
            response.header(ENVELOPE_HEADER, push.envelopeId());
        }
        return response;
    }

    private static String remoteAddress(HttpRequest<?> request) {
        InetSocketAddress address = request.getRemoteAddress();
        return address.getAddress() == null
                ? address.getHostString()
                : address.getAddress().getHostAddress();
    }
}
