package io.callstream.schema;

import java.util.List;
import org.apache.avro.Schema;

/** The value schemas of callstream's topics: the contracts that must evolve compatibly. */
public final class TopicSchemas {

    /** Every top-level record written to a topic, the processor's changelogs and reference data included. */
    public static final List<Schema> ALL = List.of(
            WebhookEnvelope.getClassSchema(),
            CallEvent.getClassSchema(),
            Call.getClassSchema(),
            CallKpi.getClassSchema(),
            CallAlert.getClassSchema(),
            DeadLetter.getClassSchema(),
            CallState.getClassSchema(),
            AlertTrack.getClassSchema(),
            KpiContribution.getClassSchema(),
            CodeMapping.getClassSchema(),
            TariffRule.getClassSchema(),
            AlertInput.getClassSchema());

    private TopicSchemas() {}
}
