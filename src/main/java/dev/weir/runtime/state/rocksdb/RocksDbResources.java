package dev.weir.runtime.state.rocksdb;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.StringAppendOperator;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native memory of every RocksDB instance in this process, bounded as one budget (Flink's
 * managed memory for RocksDB): one block cache that also holds the index and filter blocks, and a
 * write-buffer manager that charges the memtables to that cache and flushes when they pass their
 * share. So the total does not grow with the number of keyed operators or column families.
 *
 * <p>The budget is {@value #PERCENT_OF_HEAP}% of the maximum heap unless
 * {@code -Dweir.rocksdb.memory=<bytes>} says otherwise: with the rocksdb backend, worker pods give
 * the heap {@code WorkerJvm.HEAP_PERCENT_OF_MEMORY_ROCKSDB}% of the container's memory, so the
 * budget is 30% of it, and the rest covers what RocksDB does not account for (compaction buffers,
 * iterators, the allocator's slack) besides the JVM's own off-heap memory.
 */
final class RocksDbResources {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbResources.class);

    static final int PERCENT_OF_HEAP = 66;
    private static final long MIN_BUDGET = 32L << 20;
    /** Memtables' share of the budget; the rest is the block cache. */
    private static final double WRITE_BUFFER_RATIO = 0.5;
    /** Index and filter blocks go into the cache's high-priority pool and stay. */
    private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;

    private static RocksDbResources shared;

    private final long budget;
    private final LRUCache cache;
    private final WriteBufferManager writeBuffers;

    private RocksDbResources(long budget) {
        RocksDB.loadLibrary();
        this.budget = budget;
        this.cache = new LRUCache(budget, -1, false, HIGH_PRIORITY_POOL_RATIO);
        this.writeBuffers = new WriteBufferManager((long) (budget * WRITE_BUFFER_RATIO), cache);
    }

    /** The process's resources, created at first use. */
    static synchronized RocksDbResources shared() {
        if (shared == null) {
            String configured = System.getProperty("weir.rocksdb.memory");
            long budget = configured != null ? Long.parseLong(configured)
                    : Math.max(MIN_BUDGET, Runtime.getRuntime().maxMemory() / 100 * PERCENT_OF_HEAP);
            shared = new RocksDbResources(budget);
            LOG.info("RocksDB memory: {} MiB for block cache and memtables of all keyed operators of this process",
                    budget >> 20);
        }
        return shared;
    }

    long budget() {
        return budget;
    }

    DBOptions dbOptions() {
        return new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setWriteBufferManager(writeBuffers)
                .setMaxBackgroundJobs(2)
                // Files stay open (their index lives in the cache): no re-open per read.
                .setMaxOpenFiles(-1)
                // The checkpoint, not the WAL, is what survives a crash; no info LOG files either.
                .setInfoLogLevel(org.rocksdb.InfoLogLevel.HEADER_LEVEL)
                .setKeepLogFileNum(1)
                .setStatsDumpPeriodSec(0);
    }

    ColumnFamilyOptions columnOptions() {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setFilterPolicy(new BloomFilter(10, false))
                .setBlockSize(16 * 1024);
        return tunedColumnOptions()
                .setTableFormatConfig(table)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                // list state appends serialized elements: concatenation, no delimiter
                .setMergeOperator(new StringAppendOperator(""))
                .setLevelCompactionDynamicLevelBytes(true)
                .setTargetFileSizeBase(32L << 20)
                .setWriteBufferSize(Math.min(64L << 20, Math.max(4L << 20, budget / 8)))
                // An incremental checkpoint switches the memtables at its barrier and lets them flush while the
                // task goes on: room for that one besides the active one and one still flushing, without a stall.
                .setMaxWriteBufferNumber(4);
    }

    /**
     * Options RocksJava has no setter for. An incremental checkpoint pins a snapshot until its
     * memtables are flushed; when it is released RocksDB would rewrite every bottommost file
     * written meanwhile only to zero its sequence numbers, and the next checkpoint would upload
     * those files again: it may do so after an hour instead.
     */
    private static ColumnFamilyOptions tunedColumnOptions() {
        java.util.Properties options = new java.util.Properties();
        options.setProperty("bottommost_file_compaction_delay", "3600");
        try (org.rocksdb.ConfigOptions config = new org.rocksdb.ConfigOptions()) {
            ColumnFamilyOptions parsed = ColumnFamilyOptions.getColumnFamilyOptionsFromProps(config, options);
            if (parsed == null) {
                throw new IllegalStateException("this RocksDB does not know the options " + options);
            }
            return parsed;
        }
    }
}
