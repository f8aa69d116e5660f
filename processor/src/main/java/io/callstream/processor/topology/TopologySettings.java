package io.callstream.processor.topology;

import io.callstream.processor.domain.AlertPolicy;
import io.callstream.processor.domain.CodeTable;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What the topology is built from.
 *
 * @param serdeConfig the Avro serdes' configuration ({@code schema.registry.url}, …)
 * @param knownVendors vendors whose events are processed; others are dead-lettered
 * @param finaliseAfter a call without terminal information is finalised (EXPIRED) this long after
 *     its last event (wall-clock)
 * @param retainFor a finished call's events are kept this long after its last change, so late
 *     information produces a new version rather than a new call
 * @param scanInterval how often due calls are looked for
 * @param alerts when failure-rate alerts are raised and cleared
 * @param listener told what is emitted, for metrics
 */
public record TopologySettings(
        Map<String, Object> serdeConfig,
        Set<String> knownVendors,
        Duration finaliseAfter,
        Duration retainFor,
        Duration scanInterval,
        AlertPolicy alerts,
        TopologyListener listener) {

    public TopologySettings {
        serdeConfig = Map.copyOf(serdeConfig);
        knownVendors = Set.copyOf(knownVendors);
        if (finaliseAfter.isNegative() || finaliseAfter.isZero() || retainFor.compareTo(finaliseAfter) < 0) {
            throw new IllegalArgumentException("finaliseAfter must be positive and retainFor at least finaliseAfter");
        }
    }

    /** The bundled vendors, a 10 s scan for due calls and the default alert policy. */
    public static TopologySettings bundled(
            Map<String, Object> serdeConfig, Duration finaliseAfter, Duration retainFor) {
        return new TopologySettings(
                serdeConfig,
                Set.copyOf(CodeTable.BUNDLED_VENDORS),
                finaliseAfter,
                retainFor,
                Duration.ofSeconds(10),
                AlertPolicy.DEFAULT,
                TopologyListener.NONE);
    }
}
