package io.callstream.registry.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Caches what never changes in a registry (ids of registered schemas, schemas by id) and, for a
 * configured time, latest versions; everything else goes to the delegate. This is what serdes use,
 * so a steady stream of records costs no registry round trip.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    private final Duration latestTtl;
    private final Clock clock;
    private final Map<SubjectSchema, Integer> registered = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, SchemaMetadata> lookedUp = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<String, Expiring> latest = new ConcurrentHashMap<>();

    public CachingSchemaRegistryClient(SchemaRegistryClient delegate, Duration latestTtl) {
        this(delegate, latestTtl, Clock.systemUTC());
    }

    CachingSchemaRegistryClient(SchemaRegistryClient delegate, Duration latestTtl, Clock clock) {
        this.delegate = delegate;
        this.latestTtl = latestTtl;
        this.clock = clock;
    }

    @Override
    public int register(String subject, Schema schema) {
        return registered.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            int id = delegate.register(subject, schema);
            byId.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        return lookedUp.computeIfAbsent(new SubjectSchema(subject, schema), key -> delegate.lookup(subject, schema));
    }

    @Override
    public Schema getById(int id) {
        return byId.computeIfAbsent(id, delegate::getById);
    }

    @Override
    public SchemaMetadata getLatest(String subject) {
        Instant now = clock.instant();
        Expiring cached = latest.get(subject);
        if (cached != null && now.isBefore(cached.expires())) {
            return cached.metadata();
        }
        SchemaMetadata fresh = delegate.getLatest(subject);
        latest.put(subject, new Expiring(fresh, now.plus(latestTtl)));
        return fresh;
    }

    @Override
    public SchemaMetadata getVersion(String subject, int version) {
        return delegate.getVersion(subject, version);
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    @Override
    public List<Integer> versions(String subject) {
        return delegate.versions(subject);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return delegate.isCompatible(subject, schema);
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        return delegate.getCompatibility(subject);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        delegate.setCompatibility(subject, level);
    }

    @Override
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        registered.keySet().removeIf(key -> key.subject().equals(subject));
        lookedUp.keySet().removeIf(key -> key.subject().equals(subject));
        latest.remove(subject);
        return delegate.deleteSubject(subject, permanent);
    }

    private record SubjectSchema(String subject, Schema schema) {}

    private record Expiring(SchemaMetadata metadata, Instant expires) {}
}
