package io.callstream.processor;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream thread that failed (a dependency unavailable, a broker error) is replaced after a
 * backoff that doubles with each consecutive failure up to {@link #MAX_BACKOFF}: its tasks resume
 * from their last commit, so nothing is lost or counted twice. Record-level failures never get here
 * ({@link RecordErrorHandler}); what does is retried, not skipped.
 */
final class RetryingExceptionHandler implements StreamsUncaughtExceptionHandler {

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Failures this far apart are not consecutive: the backoff starts again. */
    static final Duration CALM = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(RetryingExceptionHandler.class);

    private final ProcessorMetrics metrics;
    private final AtomicInteger consecutive = new AtomicInteger();
    private volatile long lastFailure;

    RetryingExceptionHandler(ProcessorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable failure) {
        long now = System.nanoTime();
        if (now - lastFailure > CALM.toNanos()) {
            consecutive.set(0);
        }
        lastFailure = now;
        int attempt = consecutive.incrementAndGet();
        Duration backoff = backoff(attempt);
        log.warn(
                "Stream thread failed (attempt {}); replacing it in {} ms, resuming from the last commit",
                attempt,
                backoff.toMillis(),
                failure);
        metrics.threadRestarted();
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    static Duration backoff(int attempt) {
        long millis = FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 10);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }
}
