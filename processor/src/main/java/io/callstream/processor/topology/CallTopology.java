package io.callstream.processor.topology;

import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.registry.serde.SpecificAvroSerde;
import io.callstream.schema.CallState;
import io.callstream.schema.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's topology, built in one place and driven as is by the tests:
 *
 * <pre>
 *   call-events ──▶ join-calls (call-state, call-deadlines) ──▶ calls
 *                                                         └──▶ dead-letters
 * </pre>
 */
public final class CallTopology {

    static final String SOURCE = "call-events-source";
    static final String JOIN = "join-calls";
    static final String CALLS_SINK = "calls-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";
    public static final String CALL_STATE_STORE = "call-state";
    public static final String DEADLINE_STORE = "call-deadlines";

    private CallTopology() {}

    public static Topology build(TopologySettings settings) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.CALL_EVENTS);
        topology.addProcessor(JOIN, () -> new CallJoinProcessor(settings, eventDeserializer(settings)), SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CALL_STATE_STORE), Serdes.String(), callStateSerde(settings)),
                JOIN);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DEADLINE_STORE), Serdes.String(), Serdes.String()),
                JOIN);
        topology.addSink(CALLS_SINK, Topics.CALLS, new StringSerializer(), valueSerializer(settings), JOIN);
        topology.addSink(
                DEAD_LETTERS_SINK, Topics.DEAD_LETTERS, new StringSerializer(), valueSerializer(settings), JOIN);
        return topology;
    }

    private static KafkaAvroDeserializer eventDeserializer(TopologySettings settings) {
        Map<String, Object> config = new HashMap<>(settings.serdeConfig());
        config.put("specific.avro.reader", true);
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer();
        deserializer.configure(config, false);
        return deserializer;
    }

    private static KafkaAvroSerializer valueSerializer(TopologySettings settings) {
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(settings.serdeConfig(), false);
        return serializer;
    }

    private static SpecificAvroSerde<CallState> callStateSerde(TopologySettings settings) {
        SpecificAvroSerde<CallState> serde = new SpecificAvroSerde<>(CallState.class);
        serde.configure(settings.serdeConfig(), false);
        return serde;
    }
}
