package io.callstream.processor;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of all the processor's RocksDB stores in this JVM together: one block
 * cache, of the size given by {@link #MEMORY_CONFIG} (64 MB if unset; the first configured size
 * applies to the whole JVM), that also holds the index and filter blocks and is charged for the
 * memtables (a quarter of it at most). By default each store (one per task and store, 12 on the
 * embedded platform) would take its own 50 MB cache and three 16 MB memtables.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Streams configuration key of the bound, in bytes. */
    public static final String MEMORY_CONFIG = "callstream.rocksdb.memory.bytes";

    private static final long MEMTABLE_BYTES = 8L * 1024 * 1024;
    private static Cache cache;
    private static WriteBufferManager writeBuffers;
    private static long bound;

    /** One cache and write-buffer manager per JVM, as the bound is for all stores together. */
    private static synchronized void share(long bytes) {
        if (cache == null) {
            bound = bytes;
            // (high-priority pool for index and filter blocks: they are what every read needs)
            cache = new LRUCache(bytes, -1, false, 0.1);
            writeBuffers = new WriteBufferManager(bytes / 4, cache);
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object configured = configs.get(MEMORY_CONFIG);
        share(configured == null ? 64L * 1024 * 1024 : Long.parseLong(configured.toString()));
        // (Kafka Streams hands over its own block-based table config; a bare Options has none)
        BlockBasedTableConfig table = options.tableFormatConfig() instanceof BlockBasedTableConfig given
                ? given
                : new BlockBasedTableConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(writeBuffers);
        options.setWriteBufferSize(Math.min(MEMTABLE_BYTES, bound / 8));
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write-buffer manager are shared by every store: they live as long as the JVM
    }
}
