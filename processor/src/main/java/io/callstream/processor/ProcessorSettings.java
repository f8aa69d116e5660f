package io.callstream.processor;

import io.callstream.processor.domain.AlertPolicy;
import io.callstream.processor.domain.FraudPolicy;
import io.callstream.processor.domain.Reconciliation;
import io.callstream.processor.topology.TopologySettings;
import io.callstream.schema.FailureCategory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

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
 * @param streamThreads {@code STREAM_THREADS} (2): threads processing tasks in this instance
 * @param metricsHost {@code METRICS_HOST} (127.0.0.1): the address the metrics are served on
 *     (0.0.0.0 where Prometheus scrapes from another host)
 * @param metricsPort {@code METRICS_PORT} (9404): {@code GET /prometheus} metrics; 0 any free port,
 *     -1 none
 * @param replicationFactor {@code REPLICATION_FACTOR} of internal topics (1; 3 on a cluster)
 * @param standbyReplicas {@code STANDBY_REPLICAS} (0; 1 on a cluster): warm copies of each task's
 *     state on another instance, which takes over a failed instance's tasks without restoring them
 * @param sessionTimeout {@code SESSION_TIMEOUT_MS} (10000): how long an instance that stopped
 *     answering (killed, partitioned) keeps its tasks before the others take them over; Kafka's
 *     consumer default is 45 s
 * @param finaliseAfter {@code FINALISE_AFTER_SECONDS} (600): calls without terminal information
 * @param retainFor {@code RETAIN_FOR_SECONDS} (86400): finished calls kept for late information
 * @param lateHorizon {@code LATE_HORIZON_SECONDS} (2592000, 30 days, the raw archive's retention):
 *     a finished call's last version kept so late events continue its versions
 * @param maxEventsPerCall {@code MAX_EVENTS_PER_CALL} (200): distinct events kept per call
 * @param alerts when alerts are raised and cleared: {@code ALERT_WINDOW_MINUTES} (5), {@code
 *     ALERT_BASELINE_MINUTES} (60), {@code ALERT_RAISE_RATE} (0.30), {@code ALERT_CLEAR_RATE}
 *     (0.20), {@code ALERT_BASELINE_FACTOR} (2.0), {@code ALERT_MIN_ATTEMPTS} (20), {@code
 *     ALERT_COOLDOWN_MINUTES} (10), {@code ALERT_CATEGORIES} (comma-separated failure categories
 *     counted as failures; default: all but NONE and the user-side CANCELLED, NO_ANSWER, BUSY,
 *     REJECTED), {@code SILENCE_AFTER_MINUTES} (5; 0 for no SILENCE alerts), {@code
 *     MISSING_FINALS_RAISE_RATE} (0.10; 1 for no MISSING_FINALS alerts), {@code
 *     MISSING_FINALS_CLEAR_RATE} (0.05); the fraud signals ({@link FraudPolicy}): {@code
 *     SHORT_CALLS_RAISE_SHARE} (0.5), {@code SHORT_CALLS_CLEAR_SHARE} (0.3), {@code
 *     SHORT_CALLS_MIN} (20), {@code DESTINATIONS_LEARN_MINUTES} (60), {@code
 *     NEW_DESTINATIONS_WINDOW_MINUTES} (60), {@code NEW_DESTINATIONS_MIN_CALLS} (10; 0 for none),
 *     {@code SPEND_WINDOW_MINUTES} (60), {@code SPEND_HISTORY_HOURS} (24), {@code
 *     SPEND_RAISE_FACTOR} (3.0; 0 for none), {@code SPEND_CLEAR_FACTOR} (1.5)
 * @param reconciliation how our figures are compared with the vendor's: {@code
 *     RECONCILE_TOLERANCE_SECONDS} (0) for talk, leg and billed seconds, {@code
 *     RECONCILE_TOLERANCE_AMOUNT} (0) for amounts
 * @param rocksDbMemoryBytes {@code ROCKSDB_MEMORY_MB} (64): off-heap memory of all the state
 *     stores' RocksDB instances in this JVM together (block cache, index and filter blocks,
 *     memtables), see {@link BoundedRocksDbMemory}
 */
public record ProcessorSettings(
        String bootstrapServers,
        String schemaRegistryUrl,
        String applicationId,
        Path stateDirectory,
        String processingGuarantee,
        Duration commitInterval,
        int streamThreads,
        String metricsHost,
        int metricsPort,
        int replicationFactor,
        int standbyReplicas,
        Duration sessionTimeout,
        Duration finaliseAfter,
        Duration retainFor,
        Duration lateHorizon,
        int maxEventsPerCall,
        AlertPolicy alerts,
        Reconciliation reconciliation,
        long rocksDbMemoryBytes) {

    public static ProcessorSettings fromEnvironment(Map<String, String> env) {
        return new ProcessorSettings(
                get(env, "BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                get(env, "SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081"),
                get(env, "APPLICATION_ID", "callstream-processor"),
                Path.of(get(env, "STATE_DIR", "data/processor")),
                get(env, "PROCESSING_GUARANTEE", "exactly_once_v2"),
                Duration.ofMillis(Long.parseLong(get(env, "COMMIT_INTERVAL_MS", "100"))),
                Integer.parseInt(get(env, "STREAM_THREADS", "2")),
                get(env, "METRICS_HOST", "127.0.0.1"),
                Integer.parseInt(get(env, "METRICS_PORT", "9404")),
                Integer.parseInt(get(env, "REPLICATION_FACTOR", "1")),
                Integer.parseInt(get(env, "STANDBY_REPLICAS", "0")),
                Duration.ofMillis(Long.parseLong(get(env, "SESSION_TIMEOUT_MS", "10000"))),
                Duration.ofSeconds(Long.parseLong(get(env, "FINALISE_AFTER_SECONDS", "600"))),
                Duration.ofSeconds(Long.parseLong(get(env, "RETAIN_FOR_SECONDS", "86400"))),
                Duration.ofSeconds(Long.parseLong(
                        get(env, "LATE_HORIZON_SECONDS", "" + TopologySettings.LATE_HORIZON.toSeconds()))),
                Integer.parseInt(get(env, "MAX_EVENTS_PER_CALL", "" + TopologySettings.MAX_EVENTS_PER_CALL)),
                alertPolicy(env),
                new Reconciliation(
                        Integer.parseInt(get(env, "RECONCILE_TOLERANCE_SECONDS", "0")),
                        new java.math.BigDecimal(get(env, "RECONCILE_TOLERANCE_AMOUNT", "0"))),
                Long.parseLong(get(env, "ROCKSDB_MEMORY_MB", "64")) * 1024 * 1024);
    }

    private static AlertPolicy alertPolicy(Map<String, String> env) {
        AlertPolicy defaults = AlertPolicy.DEFAULT;
        String categories = get(env, "ALERT_CATEGORIES", "");
        return new AlertPolicy(
                Duration.ofMinutes(Long.parseLong(
                        get(env, "ALERT_WINDOW_MINUTES", "" + defaults.window().toMinutes()))),
                Duration.ofMinutes(Long.parseLong(get(
                        env,
                        "ALERT_BASELINE_MINUTES",
                        "" + defaults.baselineWindow().toMinutes()))),
                Double.parseDouble(get(env, "ALERT_RAISE_RATE", "" + defaults.raiseRate())),
                Double.parseDouble(get(env, "ALERT_CLEAR_RATE", "" + defaults.clearRate())),
                Double.parseDouble(get(env, "ALERT_BASELINE_FACTOR", "" + defaults.baselineFactor())),
                Long.parseLong(get(env, "ALERT_MIN_ATTEMPTS", "" + defaults.minAttempts())),
                Duration.ofMinutes(Long.parseLong(get(
                        env, "ALERT_COOLDOWN_MINUTES", "" + defaults.cooldown().toMinutes()))),
                categories.isEmpty()
                        ? defaults.counted()
                        : Arrays.stream(categories.split(","))
                                .map(name -> FailureCategory.valueOf(name.trim()))
                                .collect(Collectors.toSet()),
                Duration.ofMinutes(Long.parseLong(get(
                        env,
                        "SILENCE_AFTER_MINUTES",
                        "" + defaults.silenceAfter().toMinutes()))),
                Double.parseDouble(get(env, "MISSING_FINALS_RAISE_RATE", "" + defaults.missingFinalsRaiseRate())),
                Double.parseDouble(get(env, "MISSING_FINALS_CLEAR_RATE", "" + defaults.missingFinalsClearRate())),
                fraudPolicy(env));
    }

    private static FraudPolicy fraudPolicy(Map<String, String> env) {
        FraudPolicy defaults = FraudPolicy.DEFAULT;
        return new FraudPolicy(
                Double.parseDouble(get(env, "SHORT_CALLS_RAISE_SHARE", "" + defaults.shortCallsRaiseShare())),
                Double.parseDouble(get(env, "SHORT_CALLS_CLEAR_SHARE", "" + defaults.shortCallsClearShare())),
                Long.parseLong(get(env, "SHORT_CALLS_MIN", "" + defaults.minShortCalls())),
                Duration.ofMinutes(Long.parseLong(get(
                        env,
                        "DESTINATIONS_LEARN_MINUTES",
                        "" + defaults.learnFor().toMinutes()))),
                Duration.ofMinutes(Long.parseLong(get(
                        env,
                        "NEW_DESTINATIONS_WINDOW_MINUTES",
                        "" + defaults.newDestinationsWindow().toMinutes()))),
                Long.parseLong(get(env, "NEW_DESTINATIONS_MIN_CALLS", "" + defaults.minNewDestinationCalls())),
                Duration.ofMinutes(Long.parseLong(get(
                        env, "SPEND_WINDOW_MINUTES", "" + defaults.spendWindow().toMinutes()))),
                Duration.ofHours(Long.parseLong(get(
                        env, "SPEND_HISTORY_HOURS", "" + defaults.spendHistory().toHours()))),
                Double.parseDouble(get(env, "SPEND_RAISE_FACTOR", "" + defaults.spendRaiseFactor())),
                Double.parseDouble(get(env, "SPEND_CLEAR_FACTOR", "" + defaults.spendClearFactor())));
    }

    private static String get(Map<String, String> env, String name, String fallback) {
        String value = env.get("CALLSTREAM_PROCESSOR_" + name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
