package io.callstream.registry.core;

import io.callstream.registry.client.CompatibilityLevel;

/** A change to the registry's state: what its journal stores and replays, in order. */
public sealed interface RegistryRecord {

    /** A schema version registered under a subject, or soft-deleted when {@code deleted}. */
    record SchemaVersion(String subject, int version, int id, String schema, boolean deleted)
            implements RegistryRecord {}

    /** A schema version permanently deleted. */
    record SchemaVersionRemoved(String subject, int version) implements RegistryRecord {}

    /** A compatibility level set ({@code level} non-null) or removed; null subject: the global level. */
    record Config(String subject, CompatibilityLevel level) implements RegistryRecord {}

    /**
     * The highest schema id ever issued: kept so that an id freed by a permanent delete (and
     * compaction of its record) is never issued again for another schema.
     */
    record IdWatermark(int maxId) implements RegistryRecord {}
}
