package io.callstream.schema;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How each of callstream's topics is kept: the one place its retention is chosen, used by {@code
 * ./callstream up} and by the {@code topics} job of docker-compose alike ({@code callstream
 * topics}).
 *
 * <ul>
 *   <li>{@code webhooks-raw}, the replayable archive of every accepted push, and {@code
 *       call-events}, the processor's input: {@link #ARCHIVE} (30 days), as long as the
 *       processor's late-event horizon, so a call can be rebuilt from its pushes while it can still
 *       be corrected;
 *   <li>{@code calls} and {@code call-kpis}: compacted, the latest version per call and the latest
 *       state per KPI window kept for good;
 *   <li>{@code call-alerts}: a year of transitions (every transition is history, not a state);
 *   <li>{@code dead-letters} and {@code dead-letters-sinks}: {@link #DEAD_LETTERS} (90 days), time
 *       for someone to look and replay;
 *   <li>{@code code-mappings}, {@code tariffs}: compacted reference tables, one partition.
 * </ul>
 *
 * @param name the topic
 * @param singlePartition whether it has one partition whatever the deployment's partition count
 * @param configs its topic configuration (cleanup policy, retention)
 */
public record TopicSpec(String name, boolean singlePartition, Map<String, String> configs) {

    public static final Duration ARCHIVE = Duration.ofDays(30);
    public static final Duration DEAD_LETTERS = Duration.ofDays(90);
    public static final Duration ALERTS = Duration.ofDays(365);

    public static final List<TopicSpec> ALL = List.of(
            deleted(Topics.WEBHOOKS_RAW, ARCHIVE),
            deleted(Topics.CALL_EVENTS, ARCHIVE),
            compacted(Topics.CALLS, false),
            compacted(Topics.CALL_KPIS, false),
            deleted(Topics.CALL_ALERTS, ALERTS),
            deleted(Topics.DEAD_LETTERS, DEAD_LETTERS),
            deleted(Topics.SINK_DEAD_LETTERS, DEAD_LETTERS),
            compacted(Topics.CODE_MAPPINGS, true),
            compacted(Topics.TARIFFS, true));

    public TopicSpec {
        configs = Map.copyOf(configs);
    }

    /** The spec of a topic by name. */
    public static TopicSpec of(String name) {
        return ALL.stream()
                .filter(spec -> spec.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a callstream topic: " + name));
    }

    /** This spec with the retention set to {@code retention} (for a delete-policy topic). */
    public TopicSpec withRetention(Duration retention) {
        if (!"delete".equals(configs.get("cleanup.policy"))) {
            throw new IllegalArgumentException(name + " is compacted: it has no retention time to set");
        }
        Map<String, String> changed = new LinkedHashMap<>(configs);
        changed.put("retention.ms", Long.toString(retention.toMillis()));
        return new TopicSpec(name, singlePartition, changed);
    }

    private static TopicSpec deleted(String name, Duration retention) {
        return new TopicSpec(
                name, false, Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retention.toMillis())));
    }

    private static TopicSpec compacted(String name, boolean singlePartition) {
        return new TopicSpec(name, singlePartition, Map.of("cleanup.policy", "compact"));
    }
}
