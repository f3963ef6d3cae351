import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import org.rocksdb.*;

/**
 * RocksDB alone on keyed-count's access pattern (bench/rocksdb-micro runs it): one thread does a
 * point get and a put per record for half of the keys (picked by a hash, as one of two subtasks owns
 * half; [2-byte key group][8-byte key] -> [int 2][count][sum], as the rocksdb backend lays out a
 * ValueState of Types.longArray(2)), and every second takes a snapshot and switches the memtables
 * without waiting for the flush, as an incremental checkpoint's barrier does (NativeCheckpoint); a
 * second thread waits for the flush and releases the snapshot. The options default to
 * RocksDbResources' (a copy, without the merge operator and the bottommost-compaction delay: keep
 * them in step); -Dbloom, -Dblock, -Dcomp (lz4|snappy|none), -Ddyn, -Dwbn, -Dl0, -Dbudget, -DmemBloom (memtable
 * whole-key bloom, size ratio), -DhashIndex (data-block hash index), -DhitsOpt (no filter on the
 * last level) change them, -DswitchEvery=N switches every N get+puts instead of every second, -Ddirect=true uses the direct-ByteBuffer get/put. Prints one JSON line: loop_cpu_ns_per_op
 * is the loop thread's CPU per get + put (less sensitive to a busy machine than ops_per_s),
 * other_cpu_s the flush and compaction threads'. Runs against rocksdbjni and against Flink's
 * frocksdbjni (same package).
 */
public class RocksDbMicro {
    static String p(String k, String d) { return System.getProperty(k, d); }
    public static void main(String[] a) throws Exception {
        RocksDB.loadLibrary();
        long records = Long.parseLong(p("records", "5000000"));
        long keys = Long.parseLong(p("keys", "1000000"));
        long budget = Long.parseLong(p("budget", String.valueOf(1300L << 20)));
        boolean bloom = Boolean.parseBoolean(p("bloom", "true"));
        int blockSize = Integer.parseInt(p("block", "16384"));
        String comp = p("comp", "lz4");
        boolean dyn = Boolean.parseBoolean(p("dyn", "true"));
        int wbn = Integer.parseInt(p("wbn", "4"));
        long wbs = Long.parseLong(p("wbs", String.valueOf(Math.min(64L << 20, Math.max(4L << 20, budget / 8)))));
        boolean direct = Boolean.parseBoolean(p("direct", "false"));
        boolean switchMem = Boolean.parseBoolean(p("switch", "true"));
        int l0 = Integer.parseInt(p("l0", "4"));
        // the memtable switch every N get+puts instead of every second: the same checkpoints per record on a busy machine
        long switchEvery = Long.parseLong(p("switchEvery", "0"));
        double memBloom = Double.parseDouble(p("memBloom", "0"));
        boolean hashIndex = Boolean.parseBoolean(p("hashIndex", "false"));
        boolean hitsOpt = Boolean.parseBoolean(p("hitsOpt", "false"));
        Path dir = Files.createTempDirectory("rmicro");
        LRUCache cache = new LRUCache(budget, -1, false, 0.1);
        WriteBufferManager wbm = new WriteBufferManager(budget / 2, cache);
        DBOptions db = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setWriteBufferManager(wbm).setMaxBackgroundJobs(2).setMaxOpenFiles(-1)
                .setInfoLogLevel(InfoLogLevel.HEADER_LEVEL).setStatsDumpPeriodSec(0);
        BlockBasedTableConfig t = new BlockBasedTableConfig().setBlockCache(cache).setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true).setPinL0FilterAndIndexBlocksInCache(true)
                .setBlockSize(blockSize);
        if (hashIndex) t.setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash).setDataBlockHashTableUtilRatio(0.75);
        if (bloom) t.setFilterPolicy(new BloomFilter(10, false));
        ColumnFamilyOptions cf = new ColumnFamilyOptions().setTableFormatConfig(t)
                .setCompressionType(comp.equals("lz4") ? CompressionType.LZ4_COMPRESSION : comp.equals("snappy") ? CompressionType.SNAPPY_COMPRESSION : CompressionType.NO_COMPRESSION)
                .setLevelCompactionDynamicLevelBytes(dyn).setTargetFileSizeBase(32L << 20)
                .setWriteBufferSize(wbs).setMaxWriteBufferNumber(wbn).setLevel0FileNumCompactionTrigger(l0);
        if (memBloom > 0) cf.setMemtablePrefixBloomSizeRatio(memBloom).setMemtableWholeKeyFiltering(true);
        if (hitsOpt) cf.setOptimizeFiltersForHits(true);
        List<ColumnFamilyHandle> hs = new ArrayList<>();
        RocksDB rdb = RocksDB.open(db, dir.toString(), List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cf),
                new ColumnFamilyDescriptor("v:count-sum".getBytes(), cf)), hs);
        ColumnFamilyHandle h = hs.get(1);
        WriteOptions wo = new WriteOptions().setDisableWAL(true);
        ReadOptions ro = new ReadOptions();
        ExecutorService up = Executors.newSingleThreadExecutor();
        byte[] k = new byte[10]; byte[] v = new byte[128]; byte[] out = new byte[20];
        ByteBuffer dk = ByteBuffer.allocateDirect(10), dv = ByteBuffer.allocateDirect(128), dout = ByteBuffer.allocateDirect(20);
        long cpu0 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        long th0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long t0 = System.nanoTime(), nextSwitch = t0 + 1_000_000_000L; long ops = 0; long found = 0;
        Future<?> pending = null;
        for (long i = 0; i < records; i++) {
            long key = Math.floorMod(i * 2654435761L, keys);
            int kg = (int) (Long.hashCode(key * 0x9E3779B97F4A7C15L) & 127);
            if (kg >= 64) continue;
            ops++;
            long c = 0, s = 0;
            if (direct) {
                dk.clear(); dk.putShort((short) kg).putLong(key).flip();
                dv.clear();
                int n = rdb.get(h, ro, dk, dv);
                if (n != RocksDB.NOT_FOUND) { found++; c = dv.getLong(4); s = dv.getLong(12); }
                dout.clear(); dout.putInt(2).putLong(c + 1).putLong(s + i).flip(); dk.rewind();
                rdb.put(h, wo, dk, dout);
            } else {
                k[0] = (byte) (kg >>> 8); k[1] = (byte) kg;
                for (int j = 0; j < 8; j++) k[2 + j] = (byte) (key >>> (56 - 8 * j));
                int n = rdb.get(h, ro, k, 0, 10, v, 0, v.length);
                if (n != RocksDB.NOT_FOUND) { found++; ByteBuffer b = ByteBuffer.wrap(v); c = b.getLong(4); s = b.getLong(12); }
                ByteBuffer.wrap(out).putInt(2).putLong(c + 1).putLong(s + i);
                rdb.put(h, wo, k, 0, 10, out, 0, 20);
            }
            if (switchMem && (switchEvery > 0 ? ops % switchEvery == 0 : (ops & 1023) == 0 && System.nanoTime() > nextSwitch)) {
                nextSwitch += 1_000_000_000L;
                if (pending != null) pending.get();
                Snapshot snap = rdb.getSnapshot();
                try (FlushOptions f = new FlushOptions().setWaitForFlush(false).setAllowWriteStall(true)) { rdb.flush(f, List.of(h)); }
                pending = up.submit(() -> { try { while (rdb.getLongProperty(h, "rocksdb.num-immutable-mem-table") > 0) Thread.sleep(1);
                    Thread.sleep(150); } catch (Exception e) { throw new RuntimeException(e); } finally { rdb.releaseSnapshot(snap); } });
            }
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        long th = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - th0;
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() - cpu0;
        if (pending != null) pending.get();
        String props = "bloom=" + bloom + " block=" + blockSize + " comp=" + comp + " dyn=" + dyn + " wbn=" + wbn + " direct=" + direct + " l0=" + l0 + " budget_mb=" + (budget >> 20)
                + (switchEvery > 0 ? " switchEvery=" + switchEvery : "") + (memBloom > 0 ? " memBloom=" + memBloom : "")
                + (hashIndex ? " hashIndex=true" : "") + (hitsOpt ? " hitsOpt=true" : "");
        System.out.printf("{\"micro\":\"%s\",\"ops\":%d,\"found\":%d,\"s\":%.2f,\"ops_per_s\":%.0f,\"cpu_s\":%.2f,\"loop_cpu_ns_per_op\":%.0f,\"other_cpu_s\":%.2f,\"rocksdb\":\"%s\",\"l0files\":\"%s\",\"load\":\"%s\"}%n", props, ops, found, sec, ops / sec, cpu / 1e9, (double) th / ops, (cpu - th) / 1e9, System.getProperty("lib"),
                rdb.getProperty(h, "rocksdb.num-files-at-level0"), new String(Files.readAllBytes(Path.of("/proc/loadavg"))).trim());
        up.shutdown(); rdb.close();
        try (var w = Files.walk(dir)) { w.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete()); }
    }
}
