package io.callstream.processor.topology;

import io.callstream.processor.domain.FailureRateAlerts;
import io.callstream.processor.domain.FraudAlerts;
import io.callstream.processor.domain.KpiWindows;
import io.callstream.processor.domain.MissingFinalsAlerts;
import io.callstream.processor.domain.SilenceAlerts;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.SpecificAvroSerde;
import io.callstream.schema.AlertInput;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.Call;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallKpi;
import io.callstream.schema.CallState;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.KpiContribution;
import io.callstream.schema.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's topology, built in one place and driven as is by the tests:
 *
 * <pre>
 *   call-events ─▶ join-calls (call-state, call-deadlines) ─┬─▶ calls
 *                                                         ├─▶ dead-letters
 *                                                         ├─▶ KPI contributions
 *                                                         └─▶ pushes heard and destinations, per tenant and vendor ─┐
 *   KPI contributions ─▶ by tenant, vendor, minute ─▶ kpi-minutes ─▶ call-kpis                 │
 *                                                              └─▶ by tenant, vendor ◀───────────┘
 *                                                                  ─▶ alert-tracks ─▶ call-alerts
 *                                                                  (failure rates, missing finals, short calls, spend;
 *                                                                   silence and new destinations, on the wall clock)
 *   code-mappings, tariffs ─▶ global stores, read by join-calls
 * </pre>
 *
 * KPIs count the latest version of each call: when a call is corrected, the join sends its window
 * the old version to subtract and the new one to add, so nothing is counted twice.
 */
public final class CallTopology {

    public static final String CALL_STATE_STORE = "call-state";
    public static final String DEADLINE_STORE = "call-deadlines";
    public static final String KPI_STORE = "kpi-minutes";
    public static final String ALERT_STORE = "alert-tracks";
    static final String JOIN = "join-calls";

    private CallTopology() {}

    public static Topology build(TopologySettings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        ReferenceTables reference = new ReferenceTables(() -> eventDeserializer(settings), settings.reconciliation());
        reference.addTo(builder);
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CALL_STATE_STORE),
                        Serdes.String(),
                        serde(CallState.class, settings))
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DEADLINE_STORE), Serdes.String(), Serdes.String())
                .withCachingEnabled());

        KStream<String, Object> joined = builder.stream(
                        Topics.CALL_EVENTS,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("call-events-source"))
                .process(
                        () -> new CallJoinProcessor(settings, reference, eventDeserializer(settings)),
                        Named.as(JOIN),
                        CALL_STATE_STORE,
                        DEADLINE_STORE);
        Map<String, KStream<String, Object>> routes = joined.split(Named.as("route-"))
                .branch((key, value) -> value instanceof Call, Branched.as("calls"))
                .branch((key, value) -> value instanceof KpiContribution, Branched.as("kpi"))
                .branch((key, value) -> value instanceof AlertInput, Branched.as("heard"))
                .defaultBranch(Branched.as("dead-letters"));

        KStream<String, Call> calls = routes.get("route-calls").mapValues(value -> (Call) value, Named.as("as-call"));
        calls.to(
                Topics.CALLS,
                Produced.with(Serdes.String(), serde(Call.class, settings)).withName("calls-sink"));
        routes.get("route-dead-letters")
                .mapValues(value -> (DeadLetter) value, Named.as("as-dead-letter"))
                .to(
                        Topics.DEAD_LETTERS,
                        Produced.with(Serdes.String(), serde(DeadLetter.class, settings))
                                .withName("dead-letters-sink"));
        KStream<String, KpiContribution> contributions =
                routes.get("route-kpi").mapValues(value -> (KpiContribution) value, Named.as("as-kpi-contribution"));
        KStream<String, AlertInput> heard =
                routes.get("route-heard").mapValues(value -> (AlertInput) value, Named.as("as-heard"));
        alerts(builder, kpis(contributions, settings), heard, settings);
        return builder.build();
    }

    /**
     * KPIs aggregate what each call version adds to or takes from its window (the join emits -1 for
     * the old version and +1 for the new), re-keyed by tenant, vendor and minute.
     */
    private static KStream<String, CallKpi> kpis(
            KStream<String, KpiContribution> contributions, TopologySettings settings) {
        KStream<String, CallKpi> kpis = contributions
                .groupByKey(Grouped.with("kpi-by-minute", Serdes.String(), serde(KpiContribution.class, settings)))
                .aggregate(
                        () -> UNSTARTED,
                        (window, contribution, kpi) ->
                                KpiWindows.apply(kpi.getTenantId().isEmpty() ? null : kpi, contribution),
                        Named.as("kpi-minutes"),
                        Materialized.<String, CallKpi, KeyValueStore<Bytes, byte[]>>as(KPI_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(serde(CallKpi.class, settings)))
                .toStream(Named.as("kpi-updates"));
        kpis.to(
                Topics.CALL_KPIS,
                Produced.with(Serdes.String(), serde(CallKpi.class, settings)).withName("call-kpis-sink"));
        return kpis;
    }

    /**
     * Alerts need every minute of a tenant and vendor in one place, so the KPI emissions (keyed by
     * minute) are re-keyed by tenant and vendor, and meet there the join's word of pushes heard
     * (keyed so already).
     */
    private static void alerts(
            StreamsBuilder builder,
            KStream<String, CallKpi> kpis,
            KStream<String, AlertInput> heard,
            TopologySettings settings) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ALERT_STORE), Serdes.String(), serde(AlertTrack.class, settings)));
        kpis.filter((window, kpi) -> kpi != null, Named.as("kpi-present"))
                .map(
                        (window, kpi) -> KeyValue.pair(
                                FailureRateAlerts.key(kpi),
                                AlertInput.newBuilder()
                                        .setTenantId(kpi.getTenantId())
                                        .setVendor(kpi.getVendor())
                                        .setKpi(kpi)
                                        .build()),
                        Named.as("kpi-by-vendor"))
                .merge(heard, Named.as("kpi-and-heard"))
                .repartition(Repartitioned.<String, AlertInput>as("alert-inputs")
                        .withKeySerde(Serdes.String())
                        .withValueSerde(serde(AlertInput.class, settings)))
                .process(
                        () -> {
                            MissingFinalsAlerts missingFinals =
                                    new MissingFinalsAlerts(settings.alerts(), settings.finaliseAfter());
                            return new AlertProcessor(
                                    new FailureRateAlerts(settings.alerts(), missingFinals.reach()),
                                    missingFinals,
                                    new SilenceAlerts(settings.alerts(), missingFinals.reach()),
                                    new FraudAlerts(settings.alerts()),
                                    settings.scanInterval(),
                                    settings.listener());
                        },
                        Named.as("failure-rate-alerts"),
                        ALERT_STORE)
                .to(
                        Topics.CALL_ALERTS,
                        Produced.with(Serdes.String(), serde(CallAlert.class, settings))
                                .withName("call-alerts-sink"));
    }

    /** The aggregate before a window's first call: it takes the call's tenant, vendor and minute. */
    private static final CallKpi UNSTARTED = CallKpi.newBuilder()
            .setTenantId("")
            .setVendor("")
            .setWindowStart(Instant.EPOCH)
            .setWindowEnd(Instant.EPOCH)
            .setAttempts(0)
            .setAnswered(0)
            .setAsr(0)
            .setNer(0)
            .setTalkSeconds(0)
            .setBilledSeconds(0)
            .setFailures(List.of())
            .setEmittedAt(Instant.EPOCH)
            .build();

    private static KafkaAvroDeserializer eventDeserializer(TopologySettings settings) {
        Map<String, Object> config = new HashMap<>(settings.serdeConfig());
        config.put("specific.avro.reader", true);
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer();
        deserializer.configure(config, false);
        return deserializer;
    }

    private static <T extends SpecificRecord> SpecificAvroSerde<T> serde(Class<T> type, TopologySettings settings) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
        serde.configure(settings.serdeConfig(), false);
        return serde;
    }
}
