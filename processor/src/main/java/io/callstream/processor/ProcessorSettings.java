package io.callstream.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the processor runs. {@link #fromEnvironment} reads {@code CALLSTREAM_PROCESSOR_*} variables
 * (names below), with defaults that run against the embedded platform.
 *
 * @param bootstrapServers {@code BOOTSTRAP_SERVERS} (127.0.0.1:9092)
 * @param schemaRegistryUrl {@code SCHEMA_REGISTRY_URL} (http://127.0.0.1:8081)
 * @param applicationId {@code APPLICATION_ID} (callstream-processor): consumer group and prefix of
 *     internal topics; instances with the same id share the work
 * @param stateDirectory {@code STATE_DIR} (./data/processor)
 * @param processingGuarantee {@code PROCESSING_GUARANTEE} (exactly_once_v2)
 * @param commitInterval {@code COMMIT_INTERVAL_MS} (100)
 * @param replicationFactor {@code REPLICATION_FACTOR} of internal topics (1; 3 on a cluster)
 * @param finaliseAfter {@code FINALISE_AFTER_SECONDS} (600): calls without terminal information
 * @param retainFor {@code RETAIN_FOR_SECONDS} (86400): finished calls kept for late information
 */
public record ProcessorSettings(
        String bootstrapServers,
        String schemaRegistryUrl,
        String applicationId,
        Path stateDirectory,
        String processingGuarantee,
        Duration commitInterval,
        int replicationFactor,
        Duration finaliseAfter,
        Duration retainFor) {

    public static ProcessorSettings fromEnvironment(Map<String, String> env) {
        return new ProcessorSettings(
                get(env, "BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                get(env, "SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081"),
                get(env, "APPLICATION_ID", "callstream-processor"),
                Path.of(get(env, "STATE_DIR", "data/processor")),
                get(env, "PROCESSING_GUARANTEE", "exactly_once_v2"),
                Duration.ofMillis(Long.parseLong(get(env, "COMMIT_INTERVAL_MS", "100"))),
                Integer.parseInt(get(env, "REPLICATION_FACTOR", "1")),
                Duration.ofSeconds(Long.parseLong(get(env, "FINALISE_AFTER_SECONDS", "600"))),
                Duration.ofSeconds(Long.parseLong(get(env, "RETAIN_FOR_SECONDS", "86400"))));
    }

    private static String get(Map<String, String> env, String name, String fallback) {
        String value = env.get("CALLSTREAM_PROCESSOR_" + name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
