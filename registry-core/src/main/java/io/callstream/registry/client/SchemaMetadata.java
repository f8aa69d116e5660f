package io.callstream.registry.client;

import org.apache.avro.Schema;

/** A schema registered under a subject: its version there, its global id, and the schema text. */
public record SchemaMetadata(String subject, int version, int id, String schema) {

    /** Parses the schema text. */
    public Schema avroSchema() {
        return new Schema.Parser().parse(schema);
    }
}
