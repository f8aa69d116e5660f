package io.callstream.registry.client;

import java.util.Locale;

/** Schema registry compatibility levels, with Confluent's names and meaning. */
public enum CompatibilityLevel {
    /** No check. */
    NONE(false, false, false),
    /** The new schema reads data written with the latest version. */
    BACKWARD(true, false, false),
    /** The new schema reads data written with every earlier version. */
    BACKWARD_TRANSITIVE(true, false, true),
    /** The latest version reads data written with the new schema. */
    FORWARD(false, true, false),
    /** Every earlier version reads data written with the new schema. */
    FORWARD_TRANSITIVE(false, true, true),
    /** BACKWARD and FORWARD. */
    FULL(true, true, false),
    /** BACKWARD_TRANSITIVE and FORWARD_TRANSITIVE. */
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Whether the new schema must read data written with the existing ones. */
    public boolean backward() {
        return backward;
    }

    /** Whether the existing schemas must read data written with the new one. */
    public boolean forward() {
        return forward;
    }

    /** Whether the check covers every earlier version rather than only the latest. */
    public boolean transitive() {
        return transitive;
    }

    /**
     * Parses a level name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the valid levels
     */
    public static CompatibilityLevel parse(String name) {
        if (name != null) {
            for (CompatibilityLevel level : values()) {
                if (level.name().equals(name.trim().toUpperCase(Locale.ROOT))) {
                    return level;
                }
            }
        }
        throw new IllegalArgumentException(
                "Invalid compatibility level '" + name + "'; valid levels are " + java.util.Arrays.toString(values()));
    }
}
