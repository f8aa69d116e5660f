package io.callstream.ingest;

import io.micronaut.runtime.Micronaut;

/** Runs the ingest service. */
public final class IngestApplication {

    private IngestApplication() {}

    public static void main(String[] args) {
        Micronaut.run(IngestApplication.class, args);
    }
}
