package io.callstream.registry.client;

import java.util.Map;

/** Typed reads from a Kafka-style configuration map, whose values may be strings or typed. */
public record ConfigValues(Map<String, ?> configs) {

    public String string(String name, String fallback) {
        Object value = configs.get(name);
        return value == null ? fallback : value.toString().trim();
    }

    public int integer(String name, int fallback) {
        Object value = configs.get(name);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number) {
            return number.intValue();
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Configuration '" + name + "' must be an integer, was '" + value + "'");
        }
    }

    public boolean bool(String name, boolean fallback) {
        Object value = configs.get(name);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean bool) {
            return bool;
        }
        return switch (value.toString().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new IllegalArgumentException(
                        "Configuration '" + name + "' must be true or false, was '" + value + "'");
        };
    }
}
