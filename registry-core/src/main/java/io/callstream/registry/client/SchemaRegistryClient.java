package io.callstream.registry.client;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The operations of a Confluent-API-compatible schema registry that callstream uses. Every method
 * throws {@link RegistryException} with the registry's error code when it answers an error.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /** Finds {@code schema} among the versions of {@code subject}. */
    SchemaMetadata lookup(String subject, Schema schema);

    /** The schema with this global id. */
    Schema getById(int id);

    /** The latest version of {@code subject}. */
    SchemaMetadata getLatest(String subject);

    /** One version of {@code subject}. */
    SchemaMetadata getVersion(String subject, int version);

    /** All subjects that have a live version. */
    List<String> subjects();

    /** The live versions of {@code subject}. */
    List<Integer> versions(String subject);

    /** Whether {@code schema} may be registered under {@code subject} at its compatibility level. */
    boolean isCompatible(String subject, Schema schema);

    /** The subject's compatibility level, falling back to the global one; null subject: global. */
    CompatibilityLevel getCompatibility(String subject);

    /** Sets the subject's compatibility level; null subject: the global level. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** Deletes a subject (soft, or permanently after a soft delete); returns the versions deleted. */
    List<Integer> deleteSubject(String subject, boolean permanent);
}
