package io.callstream.processor.topology;

import io.callstream.processor.domain.CodeTable;
import io.callstream.processor.domain.TariffTable;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What the topology is built from.
 *
 * @param serdeConfig the Avro serdes' configuration ({@code schema.registry.url}, …)
 * @param codes the failure-category code tables
 * @param tariffs the tariffs
 * @param knownVendors vendors whose events are processed; others are dead-lettered
 * @param finaliseAfter a call without terminal information is finalised (EXPIRED) this long after
 *     its last event (wall-clock)
 * @param retainFor a finished call's events are kept this long after its last change, so late
 *     information produces a new version rather than a new call
 * @param scanInterval how often due calls are looked for
 */
public record TopologySettings(
        Map<String, Object> serdeConfig,
        CodeTable codes,
        TariffTable tariffs,
        Set<String> knownVendors,
        Duration finaliseAfter,
        Duration retainFor,
        Duration scanInterval) {

    public TopologySettings {
        serdeConfig = Map.copyOf(serdeConfig);
        knownVendors = Set.copyOf(knownVendors);
        if (finaliseAfter.isNegative() || finaliseAfter.isZero() || retainFor.compareTo(finaliseAfter) < 0) {
            throw new IllegalArgumentException("finaliseAfter must be positive and retainFor at least finaliseAfter");
        }
    }

    /**
     * The bundled code tables and vendors, no tariffs (the default tariff), and a 10 s scan for due
     * calls.
     */
    public static TopologySettings bundled(
            Map<String, Object> serdeConfig, Duration finaliseAfter, Duration retainFor) {
        return new TopologySettings(
                serdeConfig,
                CodeTable.bundled(),
                TariffTable.empty(),
                Set.copyOf(CodeTable.BUNDLED_VENDORS),
                finaliseAfter,
                retainFor,
                Duration.ofSeconds(10));
    }
}
