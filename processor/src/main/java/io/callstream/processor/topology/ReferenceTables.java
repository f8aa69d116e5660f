package io.callstream.processor.topology;

import io.callstream.processor.domain.CallJoiner;
import io.callstream.processor.domain.CodeRule;
import io.callstream.processor.domain.CodeTable;
import io.callstream.processor.domain.Reconciliation;
import io.callstream.processor.domain.Tariff;
import io.callstream.processor.domain.TariffTable;
import io.callstream.registry.client.RegistryException;
import io.callstream.schema.CodeMapping;
import io.callstream.schema.TariffRule;
import io.callstream.schema.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code tables and tariffs in force: global stores fed by the compacted {@code code-mappings}
 * and {@code tariffs} topics, so every instance sees every row and an operator's correction takes
 * effect on the next event without a redeploy. A row that does not decode or is not valid is logged
 * and ignored (the row it would have replaced stays in force); a tombstone removes a row.
 *
 * <p>The stores hold the rows' bytes as published. A counter, bumped by every change, tells the
 * join processors when to rebuild their {@link CallJoiner}, so the tables are decoded once per
 * change rather than once per event.
 */
final class ReferenceTables {

    static final String CODES_STORE = "code-mappings";
    static final String TARIFFS_STORE = "tariffs";
    /** How long (in 1 s attempts) a row waits for an unreachable registry before the instance fails. */
    static final int REGISTRY_ATTEMPTS = 300;

    private static final Logger log = LoggerFactory.getLogger(ReferenceTables.class);

    private final Supplier<Deserializer<Object>> deserializers;
    private final Reconciliation reconciliation;
    private final AtomicLong generation = new AtomicLong();

    ReferenceTables(Supplier<Deserializer<Object>> deserializers, Reconciliation reconciliation) {
        this.deserializers = deserializers;
        this.reconciliation = reconciliation;
    }

    void addTo(StreamsBuilder builder) {
        addStore(
                builder,
                CODES_STORE,
                Topics.CODE_MAPPINGS,
                CodeMapping.class,
                mapping -> CodeRule.of(mapping).key());
        addStore(
                builder,
                TARIFFS_STORE,
                Topics.TARIFFS,
                TariffRule.class,
                rule -> Tariff.of(rule).id());
    }

    /** A join processor's view: the joiner of the tables in force, rebuilt when they change. */
    View view(ProcessorContext<?, ?> context) {
        return new View(context.getStateStore(CODES_STORE), context.getStateStore(TARIFFS_STORE));
    }

    final class View {
        private final ReadOnlyKeyValueStore<String, byte[]> codes;
        private final ReadOnlyKeyValueStore<String, byte[]> tariffs;
        private final Deserializer<Object> deserializer = deserializers.get();
        private long seen = -1;
        private CallJoiner joiner;

        private View(ReadOnlyKeyValueStore<String, byte[]> codes, ReadOnlyKeyValueStore<String, byte[]> tariffs) {
            this.codes = codes;
            this.tariffs = tariffs;
        }

        CallJoiner joiner() {
            long current = generation.get();
            if (joiner == null || current != seen) {
                List<CodeMapping> mappings = rows(codes, Topics.CODE_MAPPINGS, CodeMapping.class);
                List<Tariff> rules = rows(tariffs, Topics.TARIFFS, TariffRule.class).stream()
                        .map(Tariff::of)
                        .toList();
                if (mappings.isEmpty()) {
                    log.warn(
                            "No code mappings: every failed leg is UNKNOWN until they are loaded into {}"
                                    + " (./callstream reference)",
                            Topics.CODE_MAPPINGS);
                }
                joiner = new CallJoiner(CodeTable.of(mappings), new TariffTable(rules), reconciliation);
                seen = current;
                log.info("Reference data in force: {} code mappings, {} tariffs", mappings.size(), rules.size());
            }
            return joiner;
        }

        private <T> List<T> rows(ReadOnlyKeyValueStore<String, byte[]> store, String topic, Class<T> type) {
            List<T> rows = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> all = store.all()) {
                all.forEachRemaining(row -> rows.add(type.cast(deserializer.deserialize(topic, row.value))));
            }
            return rows;
        }
    }

    private <T> void addStore(
            StreamsBuilder builder, String store, String topic, Class<T> type, Function<T, String> keyOf) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                // RocksDB: its iterators read a snapshot while the global thread writes
                                Stores.persistentKeyValueStore(store), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topic,
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(topic + "-source"),
                () -> new Updater<>(store, topic, type, keyOf));
    }

    /** Keeps one global store equal to the valid rows of its topic. */
    private final class Updater<T> implements Processor<String, byte[], Void, Void> {
        private final String storeName;
        private final String topic;
        private final Class<T> type;
        private final Function<T, String> keyOf;
        private final Deserializer<Object> deserializer = deserializers.get();
        private KeyValueStore<String, byte[]> store;

        Updater(String storeName, String topic, Class<T> type, Function<T, String> keyOf) {
            this.storeName = storeName;
            this.topic = topic;
            this.type = type;
            this.keyOf = keyOf;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        /**
         * Decodes a row, waiting out a registry that cannot be reached (rows are needed, and the
         * registry's absence says nothing about the row); a row the registry does not know is invalid.
         */
        private Object decode(byte[] value) {
            for (int attempt = 1; ; attempt++) {
                try {
                    return deserializer.deserialize(topic, value);
                } catch (RuntimeException e) {
                    if (!RegistryException.isTransient(e) || attempt >= REGISTRY_ATTEMPTS) {
                        throw e;
                    }
                    log.warn("Waiting for the schema registry to decode a {} row: {}", topic, e.getMessage());
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.key() == null) {
                log.error("Ignored a {} row without a key", topic);
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
                generation.incrementAndGet();
                return;
            }
            try {
                Object row = decode(record.value());
                if (!type.isInstance(row)) {
                    throw new IllegalArgumentException("expected a " + type.getSimpleName() + ", got "
                            + (row == null ? "null" : row.getClass().getName()));
                }
                String key = keyOf.apply(type.cast(row));
                if (!key.equals(record.key())) {
                    throw new IllegalArgumentException("its key must be '" + key + "'");
                }
            } catch (RuntimeException e) {
                if (RegistryException.isTransient(e)) {
                    throw e; // the registry stayed away: fail, rather than run without the row
                }
                log.error(
                        "Ignored {} row '{}': {}; the row it would replace stays in force",
                        topic,
                        record.key(),
                        e.getMessage());
                return;
            }
            store.put(record.key(), record.value());
            generation.incrementAndGet();
        }
    }
}
