package io.callstream.processor.topology;

import io.callstream.processor.domain.AlertPolicy;
import io.callstream.processor.domain.CodeTable;
import io.callstream.processor.domain.Reconciliation;
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
 * @param lateHorizon a finished call's last version is kept this long after its last change (at
 *     least {@code retainFor}), so a late event continues its versions; an event older than this
 *     for a call no longer kept is dead-lettered ("late after retention")
 * @param maxEventsPerCall the distinct events kept per call; more are dead-lettered
 * @param scanInterval how often due calls are looked for
 * @param alerts when failure-rate alerts are raised and cleared
 * @param reconciliation how calls' figures are compared with the vendor's
 * @param listener told what is emitted, for metrics
 */
public record TopologySettings(
        Map<String, Object> serdeConfig,
        Set<String> knownVendors,
        Duration finaliseAfter,
        Duration retainFor,
        Duration lateHorizon,
        int maxEventsPerCall,
        Duration scanInterval,
        AlertPolicy alerts,
        Reconciliation reconciliation,
        TopologyListener listener) {

    public TopologySettings {
        serdeConfig = Map.copyOf(serdeConfig);
        knownVendors = Set.copyOf(knownVendors);
        if (finaliseAfter.isNegative() || finaliseAfter.isZero() || retainFor.compareTo(finaliseAfter) < 0) {
            throw new IllegalArgumentException("finaliseAfter must be positive and retainFor at least finaliseAfter");
        }
        if (lateHorizon.compareTo(retainFor) < 0 || maxEventsPerCall < 1) {
            throw new IllegalArgumentException("lateHorizon must be at least retainFor and maxEventsPerCall positive");
        }
    }

    /** These settings with another alert policy. */
    public TopologySettings withAlerts(AlertPolicy policy) {
        return new TopologySettings(
                serdeConfig,
                knownVendors,
                finaliseAfter,
                retainFor,
                lateHorizon,
                maxEventsPerCall,
                scanInterval,
                policy,
                reconciliation,
                listener);
    }

    /** The default late-event horizon: as long as the raw archive is kept. */
    public static final Duration LATE_HORIZON = Duration.ofDays(30);
    /** The default cap of distinct events per call (a call has a handful; a loop of pushes thousands). */
    public static final int MAX_EVENTS_PER_CALL = 200;

    /** The bundled vendors, a 10 s scan for due calls, the default horizon, cap and alert policy. */
    public static TopologySettings bundled(
            Map<String, Object> serdeConfig, Duration finaliseAfter, Duration retainFor) {
        return new TopologySettings(
                serdeConfig,
                Set.copyOf(CodeTable.BUNDLED_VENDORS),
                finaliseAfter,
                retainFor,
                retainFor.compareTo(LATE_HORIZON) > 0 ? retainFor : LATE_HORIZON,
                MAX_EVENTS_PER_CALL,
                Duration.ofSeconds(10),
                AlertPolicy.DEFAULT,
                Reconciliation.EXACT,
                TopologyListener.NONE);
    }
}
