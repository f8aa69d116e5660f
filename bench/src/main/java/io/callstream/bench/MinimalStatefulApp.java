package io.callstream.bench;

import java.nio.ByteBuffer;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The framework's own cost of stateful exactly-once work over {@code call-events}: one small state
 * per call key (a count, in a cached persistent store with its changelog, as the processor's) and
 * one output record per event, with no decoding. Run with the processor's own Streams configuration,
 * it is the ceiling the processor's topology is compared with.
 */
final class MinimalStatefulApp {

    static final String STORE = "counts";

    private MinimalStatefulApp() {}

    static KafkaStreams create(Properties config, String source, String sink) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.Bytes(), Serdes.Long())
                        .withCachingEnabled());
        builder.stream(source, Consumed.with(Serdes.Bytes(), Serdes.ByteArray()))
                .process(Counter::new, STORE)
                .to(sink, Produced.with(Serdes.Bytes(), Serdes.ByteArray()));
        return new KafkaStreams(builder.build(), config);
    }

    /** Counts each key's events and emits, per event, its count with the event's bytes. */
    private static final class Counter implements Processor<Bytes, byte[], Bytes, byte[]> {
        private ProcessorContext<Bytes, byte[]> context;
        private KeyValueStore<Bytes, Long> counts;

        @Override
        public void init(ProcessorContext<Bytes, byte[]> context) {
            this.context = context;
            this.counts = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<Bytes, byte[]> record) {
            Long count = counts.get(record.key());
            long next = count == null ? 1 : count + 1;
            counts.put(record.key(), next);
            byte[] value = record.value() == null ? new byte[0] : record.value();
            byte[] out = ByteBuffer.allocate(Long.BYTES + value.length)
                    .putLong(next)
                    .put(value)
                    .array();
            context.forward(record.withValue(out));
        }
    }
}
