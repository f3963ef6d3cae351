package dev.weir.runtime.state.rocksdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;

/**
 * The database's files as they were at a barrier, without waiting for a flush in the barrier's
 * pause. At the barrier ({@link #switchMemtables}) a snapshot pins the barrier's sequence number
 * and every column family's memtable is made immutable and queued for flushing; the task's next
 * writes go to fresh memtables. On the upload thread ({@link #linkInto}), once those memtables are
 * flushed, the live SST files hold exactly the state at the barrier, unless a newer entry reached
 * an SST file meanwhile (a memtable that filled up and was flushed too): every file's largest
 * sequence number says so, and the pinned snapshot keeps later entries' sequence numbers from
 * being zeroed by compactions. Then nothing is linked and the caller writes the state from the
 * pinned snapshot instead.
 */
final class NativeCheckpoint {

    /** A flush that takes longer than a checkpoint's default timeout has failed. */
    private static final long FLUSH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int CONSISTENT_LISTING_ATTEMPTS = 20;

    private NativeCheckpoint() {}

    /**
     * At the barrier, on the task thread: pins the state and switches the memtables of
     * {@code columns} (no flush waited for).
     */
    static Snapshot switchMemtables(RocksDbInstance instance, List<ColumnFamilyHandle> columns) throws RocksDBException {
        Snapshot barrier = instance.takeSnapshot();
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(false).setAllowWriteStall(true)) {
            instance.db().flush(flush, columns);
        } catch (RocksDBException e) {
            instance.releaseSnapshot(barrier);
            throw e;
        }
        return barrier;
    }

    /**
     * Waits for the memtables switched at the barrier to be flushed, then hard-links the SST files
     * and copies the small files (MANIFEST up to the listed version, CURRENT, OPTIONS) into
     * {@code directory}. {@code columns} are those switched at the barrier. The caller holds the
     * instance's read guard.
     *
     * @return false, with nothing linked, when the files hold entries newer than the barrier
     */
    static boolean linkInto(RocksDbInstance instance, List<ColumnFamilyHandle> columns, long barrierSequence,
                            Path directory) throws IOException, RocksDBException {
        RocksDB db = instance.db();
        awaitFlushed(instance, columns);
        db.disableFileDeletions();
        try {
            for (int attempt = 0; attempt < CONSISTENT_LISTING_ATTEMPTS; attempt++) {
                RocksDB.LiveFiles live = db.getLiveFiles(false);
                Map<String, LiveFileMetaData> tables = new HashMap<>();
                for (LiveFileMetaData table : db.getLiveFilesMetaData()) {
                    tables.put(baseName(table.fileName()), table);
                }
                List<String> listed = live.files.stream().map(NativeCheckpoint::baseName).toList();
                if (listed.stream().filter(name -> name.endsWith(".sst")).count() != tables.size()
                        || !listed.containsAll(tables.keySet())) {
                    continue; // a flush or compaction installed a new version between the two listings
                }
                for (LiveFileMetaData table : tables.values()) {
                    if (table.largestSeqno() > barrierSequence) {
                        return false;
                    }
                }
                copy(listed, live.manifestFileSize, Path.of(db.getName()), directory);
                return true;
            }
            throw new IOException("RocksDB's live files kept changing while listed");
        } finally {
            db.enableFileDeletions();
        }
    }

    private static void awaitFlushed(RocksDbInstance instance, List<ColumnFamilyHandle> columns)
            throws IOException, RocksDBException {
        long deadline = System.nanoTime() + FLUSH_TIMEOUT_NANOS;
        for (ColumnFamilyHandle column : columns) {
            while (instance.db().getLongProperty(column, "rocksdb.num-immutable-mem-table") > 0) {
                if (instance.isClosed()) {
                    throw new IOException("the RocksDB backend was closed before its checkpoint was written");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("RocksDB did not flush the memtables of the checkpoint's barrier within "
                            + TimeUnit.NANOSECONDS.toSeconds(FLUSH_TIMEOUT_NANOS) + " s");
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
    }

    private static void copy(List<String> files, long manifestSize, Path from, Path to) throws IOException {
        Files.createDirectories(to);
        String manifest = null;
        for (String name : files) {
            Path source = from.resolve(name);
            if (name.endsWith(".sst")) {
                Files.createLink(to.resolve(name), source);
            } else if (name.startsWith("MANIFEST-")) {
                manifest = name;
                copyPrefix(source, manifestSize, to.resolve(name));
            } else if (name.startsWith("OPTIONS-")) {
                Files.copy(source, to.resolve(name));
            }
        }
        if (manifest == null) {
            throw new IOException("RocksDB listed no MANIFEST among its live files");
        }
        // CURRENT names the manifest listed, even if the database has rolled over to a new one since.
        Files.writeString(to.resolve("CURRENT"), manifest + "\n", StandardCharsets.US_ASCII);
    }

    private static void copyPrefix(Path source, long length, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(source + " is shorter than the " + length + " bytes RocksDB listed");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    private static String baseName(String file) {
        return file.startsWith("/") ? file.substring(1) : file;
    }
}
