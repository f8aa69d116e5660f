package io.callstream.processor.topology;

import io.callstream.processor.domain.KpiWindows;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.SpecificAvroSerde;
import io.callstream.schema.Call;
import io.callstream.schema.CallKpi;
import io.callstream.schema.CallState;
import io.callstream.schema.DeadLetter;
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
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's topology, built in one place and driven as is by the tests:
 *
 * <pre>
 *   call-events ─▶ join-calls (call-state, call-deadlines) ─┬─▶ calls
 *                                                         └─▶ dead-letters
 *   calls ─▶ latest-calls (table) ─▶ by tenant, vendor, minute ─▶ call-kpis
 * </pre>
 *
 * KPIs aggregate the latest version of each call: when a call is corrected, the table hands the
 * aggregation the old version to subtract and the new one to add, so nothing is counted twice.
 */
public final class CallTopology {

    public static final String CALL_STATE_STORE = "call-state";
    public static final String DEADLINE_STORE = "call-deadlines";
    public static final String LATEST_CALLS_STORE = "latest-calls";
    public static final String KPI_STORE = "kpi-minutes";
    static final String JOIN = "join-calls";

    private CallTopology() {}

    public static Topology build(TopologySettings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CALL_STATE_STORE), Serdes.String(), serde(CallState.class, settings)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DEADLINE_STORE), Serdes.String(), Serdes.String()));

        KStream<String, Object> joined = builder.stream(
                        Topics.CALL_EVENTS,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("call-events-source"))
                .process(
                        () -> new CallJoinProcessor(settings, eventDeserializer(settings)),
                        Named.as(JOIN),
                        CALL_STATE_STORE,
                        DEADLINE_STORE);
        Map<String, KStream<String, Object>> routes = joined.split(Named.as("route-"))
                .branch((key, value) -> value instanceof Call, Branched.as("calls"))
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
        kpis(builder, settings);
        return builder.build();
    }

    /**
     * KPIs read the calls topic back as a table: it is already keyed by call, so the table needs
     * no repartition (a table built from the join's stream would, as Streams must assume the
     * processor changed keys).
     */
    private static void kpis(StreamsBuilder builder, TopologySettings settings) {
        builder.table(
                        Topics.CALLS,
                        Consumed.with(Serdes.String(), serde(Call.class, settings))
                                .withName("calls-source"),
                        Materialized.<String, Call, KeyValueStore<Bytes, byte[]>>as(LATEST_CALLS_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(serde(Call.class, settings)))
                .groupBy(
                        (key, call) -> KeyValue.pair(KpiWindows.key(call), call),
                        Grouped.with("kpi-by-minute", Serdes.String(), serde(Call.class, settings)))
                .aggregate(
                        () -> UNSTARTED,
                        (window, call, kpi) ->
                                KpiWindows.add(kpi.getTenantId().isEmpty() ? KpiWindows.empty(call) : kpi, call),
                        (window, call, kpi) -> KpiWindows.subtract(kpi, call),
                        Named.as("kpi-minutes"),
                        Materialized.<String, CallKpi, KeyValueStore<Bytes, byte[]>>as(KPI_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(serde(CallKpi.class, settings)))
                .toStream(Named.as("kpi-updates"))
                .to(
                        Topics.CALL_KPIS,
                        Produced.with(Serdes.String(), serde(CallKpi.class, settings))
                                .withName("call-kpis-sink"));
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
