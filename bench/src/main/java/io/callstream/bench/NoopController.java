package io.callstream.bench;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * The baseline: a trivial endpoint in the same service, taking the body the same way and on the same
 * executor as the webhook controller, answering 200 without parsing or Kafka. The ratio of the two
 * rates is the cost of ingest's own work.
 */
@Controller("/bench")
@ExecuteOn(TaskExecutors.BLOCKING)
final class NoopController {

    @Post(uri = "/noop", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
    HttpResponse<String> noop(HttpRequest<byte[]> request) {
        return HttpResponse.ok(request.getBody().map(body -> "OK").orElse("OK"));
    }
}
