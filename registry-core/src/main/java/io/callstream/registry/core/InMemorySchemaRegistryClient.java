package io.callstream.registry.core;

import io.callstream.registry.client.CompatibilityLevel;
import io.callstream.registry.client.SchemaMetadata;
import io.callstream.registry.client.SchemaRegistryClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A registry held in memory, with the same semantics as the server: what serdes configured with
 * {@code schema.registry.url=mock://<scope>} use, so topology tests need no server. Clients of one
 * scope share one registry.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private static final Map<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final RegistryState state = new RegistryState(record -> {}, CompatibilityLevel.BACKWARD);

    /** The registry of a {@code mock://} scope, created on first use. */
    public static InMemorySchemaRegistryClient forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistryClient());
    }

    /** Forgets a scope's registry. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public int register(String subject, Schema schema) {
        return state.register(subject, schema.toString());
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        return state.lookup(subject, schema.toString(), false);
    }

    @Override
    public Schema getById(int id) {
        return new Schema.Parser().parse(state.schemaById(id));
    }

    @Override
    public SchemaMetadata getLatest(String subject) {
        return state.version(subject, "latest", false);
    }

    @Override
    public SchemaMetadata getVersion(String subject, int version) {
        return state.version(subject, Integer.toString(version), false);
    }

    @Override
    public List<String> subjects() {
        return state.subjects(false);
    }

    @Override
    public List<Integer> versions(String subject) {
        return state.versions(subject, false);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return state.incompatibilities(subject, schema.toString(), null).isEmpty();
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        return subject == null ? state.globalLevel() : state.subjectLevel(subject, true);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        state.setLevel(subject, level);
    }

    @Override
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        return state.deleteSubject(subject, permanent);
    }
}
