package io.callstream.registry.client;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** Checks a new schema against a subject's existing versions with Avro's own compatibility checker. */
public final class AvroCompatibility {

    private AvroCompatibility() {}

    /**
     * Returns the incompatibilities of {@code candidate} against {@code existing} (oldest first)
     * under {@code level}; empty when compatible.
     */
    public static List<String> incompatibilities(CompatibilityLevel level, Schema candidate, List<Schema> existing) {
        if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
            return List.of();
        }
        List<Schema> against = level.transitive() ? existing : List.of(existing.getLast());
        List<String> problems = new ArrayList<>();
        for (Schema previous : against) {
            if (level.backward()) {
                problems.addAll(describe("BACKWARD", candidate, previous));
            }
            if (level.forward()) {
                problems.addAll(describe("FORWARD", previous, candidate));
            }
        }
        return problems;
    }

    private static List<String> describe(String direction, Schema reader, Schema writer) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        List<String> messages = new ArrayList<>();
        for (Incompatibility incompatibility : result.getIncompatibilities()) {
            messages.add("{direction:'" + direction + "', errorType:'" + incompatibility.getType()
                    + "', description:'" + incompatibility.getMessage() + "', location:'"
                    + incompatibility.getLocation() + "'}");
        }
        return messages;
    }
}
