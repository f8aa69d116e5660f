package io.callstream.ingest.web;

/**
 * A part of the pipeline whose failure makes {@code GET /ready} answer DOWN, besides Kafka and the
 * registry (e.g. the processor and the sinks when the platform runs them in one process). Beans of
 * this type are looked up on every request, so they may be registered after start-up.
 */
public interface ReadinessCheck {

    /** The key in the readiness answer, e.g. {@code processor}. */
    String name();

    /** Whether the part is working (a part being restarted is not). */
    boolean isUp();
}
