package dev.weir.runtime.state.rocksdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.IncrementalStateHandle;
import dev.weir.runtime.checkpoint.KeyedStateHandle;
import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.KeyGroupedStatePart;
import dev.weir.runtime.state.KeyGroupsSnapshot;
import dev.weir.runtime.state.KeyedStateSnapshot;
import dev.weir.runtime.state.SnapshotOutput;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * An incremental snapshot. At the barrier the memtables are switched and a RocksDB snapshot pins
 * the state ({@link NativeCheckpoint}: no flush is waited for in the barrier's pause). The upload
 * thread waits for the flush, hard-links the database's files as of the barrier into a directory
 * of its own, uploads the SST files the base checkpoint did not have into {@code shared/}, puts
 * the small private files (MANIFEST, CURRENT, OPTIONS) into the subtask's state file, and deletes
 * the directory. The database may go on (and even close) meanwhile: the directory is independent.
 * When newer entries than the barrier's reached the files before they were linked, the state is
 * written from the pinned snapshot as a full snapshot instead (the next checkpoint then uploads
 * all its files afresh).
 */
final class RocksDbIncrementalSnapshot implements KeyedStateSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbIncrementalSnapshot.class);

    private final RocksDbInstance instance;
    private final List<ColumnFamilyHandle> columns;
    private final long barrierSequence;
    private final long checkpointId;
    private final String backendId;
    private final KeyGroupRange range;
    private final KeyGroupsSnapshot heapParts;
    /** Owns the pinned snapshot; written instead when the files are not the barrier's. */
    private final RocksDbFullSnapshot fromPinnedSnapshot;
    private final SharedFileTracker tracker;
    private final Map<String, SharedFile> base;
    private final Path directory;
    private final AtomicBoolean released = new AtomicBoolean();

    private RocksDbIncrementalSnapshot(RocksDbInstance instance, List<ColumnFamilyHandle> columns, Snapshot barrier,
                                       long checkpointId, String backendId, TypeSerializer<?> keySerializer,
                                       KeyGroupRange range, List<KeyGroupedStatePart.CapturedPart> heap,
                                       SharedFileTracker tracker, Path directory) {
        this.instance = instance;
        this.columns = columns;
        this.barrierSequence = barrier.getSequenceNumber();
        this.checkpointId = checkpointId;
        this.backendId = backendId;
        this.range = range;
        this.heapParts = new KeyGroupsSnapshot(range, heap, () -> {});
        this.fromPinnedSnapshot = RocksDbFullSnapshot.pinned(instance, barrier, keySerializer, range, heap);
        this.tracker = tracker;
        this.base = tracker.base();
        this.directory = directory;
    }

    static RocksDbIncrementalSnapshot capture(RocksDbInstance instance, long checkpointId, String backendId,
                                              TypeSerializer<?> keySerializer, KeyGroupRange range,
                                              List<KeyGroupedStatePart.CapturedPart> heap, SharedFileTracker tracker,
                                              Path directory) throws IOException {
        List<ColumnFamilyHandle> columns = instance.columnFamilies();
        Snapshot barrier;
        try {
            barrier = NativeCheckpoint.switchMemtables(instance, columns);
        } catch (RocksDBException e) {
            new KeyGroupsSnapshot(range, heap, () -> {}).release();
            throw new IOException("RocksDB could not switch its memtables for checkpoint " + checkpointId + ": "
                    + e.getMessage(), e);
        }
        return new RocksDbIncrementalSnapshot(instance, columns, barrier, checkpointId, backendId, keySerializer, range,
                heap, tracker, directory);
    }

    @Override
    public KeyedStateHandle write(SnapshotOutput out) throws IOException {
        boolean linked;
        try {
            linked = linkFiles();
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
        if (!linked) {
            LOG.info("checkpoint {}: entries newer than the barrier reached RocksDB's files before they were linked;"
                    + " writing a full snapshot instead", checkpointId);
            released.set(true);
            deleteDirectory();
            tracker.uploaded(checkpointId, List.of());
            return fromPinnedSnapshot.write(out);
        }
        try {
            fromPinnedSnapshot.release();
            List<SharedFile> shared = new ArrayList<>();
            Map<String, StateHandle> privateFiles = new LinkedHashMap<>();
            List<Path> files;
            try (Stream<Path> listing = Files.list(directory)) {
                files = listing.sorted().toList();
            }
            int uploaded = 0;
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".sst")) {
                    SharedFile existing = base.get(name);
                    if (existing == null) {
                        existing = out.uploadShared(file, name);
                        uploaded++;
                    }
                    shared.add(existing);
                } else {
                    long start = out.position();
                    out.stateFile().write(Files.readAllBytes(file));
                    privateFiles.put(name, out.handleSince(start));
                }
            }
            KeyedStateHandle timers = heapParts.write(out);
            tracker.uploaded(checkpointId, shared);
            LOG.debug("checkpoint {}: {} of {} SST files uploaded, {} reused", checkpointId, uploaded, shared.size(),
                    shared.size() - uploaded);
            return new KeyedStateHandle(timers.keyGroups(),
                    new IncrementalStateHandle(backendId, range.start(), range.end(), shared, privateFiles));
        } finally {
            release();
        }
    }

    /** The database's files as of the barrier into {@link #directory}; false when they are not to be had. */
    private boolean linkFiles() throws IOException {
        if (!instance.readGuard()) {
            throw new IOException("the RocksDB backend was closed before its checkpoint " + checkpointId + " was written");
        }
        try {
            return NativeCheckpoint.linkInto(instance, columns, barrierSequence, directory);
        } catch (RocksDBException e) {
            throw new IOException("RocksDB could not list the files of checkpoint " + checkpointId + ": "
                    + e.getMessage(), e);
        } finally {
            instance.releaseReadGuard();
        }
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            heapParts.release();
            fromPinnedSnapshot.release();
            deleteDirectory();
        }
    }

    private void deleteDirectory() {
        try {
            RocksDbInstance.deleteRecursively(directory);
        } catch (IOException e) {
            LOG.warn("could not delete RocksDB checkpoint directory {}: {}", directory, e.toString());
        }
    }
}
