package io.callstream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbMemoryTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void shouldBeTheProcessorsRocksDbConfigurationWithTheConfiguredBound() {
        Properties config = CallProcessor.streamsConfig(ProcessorSettings.fromEnvironment(Map.of(
                "CALLSTREAM_PROCESSOR_STATE_DIR",
                Path.of("target/unused").toString(),
                "CALLSTREAM_PROCESSOR_ROCKSDB_MEMORY_MB",
                "32")));

        assertThat(config.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(BoundedRocksDbMemory.class);
        assertThat(config.get(BoundedRocksDbMemory.MEMORY_CONFIG)).isEqualTo(Long.toString(32L * 1024 * 1024));
    }

    @Test
    void shouldChargeEveryStoresMemtablesToOneSharedBudget() {
        BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        Map<String, Object> configs = Map.of(BoundedRocksDbMemory.MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        try (Options callState = new Options();
                Options kpis = new Options()) {
            setter.setConfig("call-state", callState, configs);
            setter.setConfig("kpi-minutes", kpis, configs);

            // one write-buffer manager (charged to the one cache) for all stores, small memtables
            assertThat(callState.writeBufferManager()).isNotNull().isSameAs(kpis.writeBufferManager());
            assertThat(callState.writeBufferSize()).isEqualTo(8L * 1024 * 1024);
            assertThat(callState.maxWriteBufferNumber()).isEqualTo(2);
        }
    }
}
