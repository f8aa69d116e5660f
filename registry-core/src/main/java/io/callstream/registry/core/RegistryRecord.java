package io.callstream.registry.core;

import io.callstream.registry.client.CompatibilityLevel;
import java.util.List;

/** A change to the registry's state: what its journal stores and replays, in order. */
public sealed interface RegistryRecord {

    /**
     * A schema version registered under a subject, or soft-deleted when {@code deleted}; {@code
     * metadata} is what identifies the schema besides its text, its {@code metadata} (properties,
     * tags) and {@code ruleSet}, as one canonical JSON object ({@code {"metadata":…,"ruleSet":…}},
     * keys sorted), or null when it has neither.
     */
    record SchemaVersion(
            String subject,
            int version,
            int id,
            String schema,
            boolean deleted,
            String metadata,
            List<Reference> references)
            implements RegistryRecord {

        public SchemaVersion {
            references = references == null ? List.of() : List.copyOf(references);
        }

        /** Without references. */
        public SchemaVersion(String subject, int version, int id, String schema, boolean deleted, String metadata) {
            this(subject, version, id, schema, deleted, metadata, List.of());
        }

        /** Without metadata or references. */
        public SchemaVersion(String subject, int version, int id, String schema, boolean deleted) {
            this(subject, version, id, schema, deleted, null, List.of());
        }
    }

    /**
     * A named type a schema takes from another subject's version, as Confluent's {@code references}
     * say: {@code name} (the full name the schema uses), {@code subject}, {@code version}.
     */
    record Reference(String name, String subject, int version) {}

    /** A schema version permanently deleted. */
    record SchemaVersionRemoved(String subject, int version) implements RegistryRecord {}

    /**
     * A compatibility level set ({@code level} non-null) or removed; null subject: the global level;
     * {@code normalize} whether schemas are normalized on registration and lookup (null: not set).
     */
    record Config(String subject, CompatibilityLevel level, Boolean normalize) implements RegistryRecord {

        /** Without a normalize setting. */
        public Config(String subject, CompatibilityLevel level) {
            this(subject, level, null);
        }
    }

    /**
     * A subject's (null: the registry's) mode, READWRITE, READONLY or IMPORT; null mode removes a
     * subject's own mode.
     */
    record Mode(String subject, String mode) implements RegistryRecord {}

    /**
     * The highest schema id ever issued: kept so that an id freed by a permanent delete (and
     * compaction of its record) is never issued again for another schema.
     */
    record IdWatermark(int maxId) implements RegistryRecord {}
}
