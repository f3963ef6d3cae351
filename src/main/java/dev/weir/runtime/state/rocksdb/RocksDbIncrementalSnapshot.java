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

import org.rocksdb.Checkpoint;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.IncrementalStateHandle;
import dev.weir.runtime.checkpoint.KeyedStateHandle;
import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.KeyGroupsSnapshot;
import dev.weir.runtime.state.KeyedStateSnapshot;
import dev.weir.runtime.state.SnapshotOutput;

/**
 * An incremental snapshot: at the barrier RocksDB writes a checkpoint of the database into a
 * directory of its own (memtables flushed; SST files hard-linked, so no copy); the upload thread
 * uploads the SST files the base checkpoint did not have into {@code shared/}, puts the small
 * private files (MANIFEST, CURRENT, OPTIONS) into the subtask's state file, and deletes the
 * directory. The database may go on (and even close) meanwhile: the directory is independent.
 */
final class RocksDbIncrementalSnapshot implements KeyedStateSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbIncrementalSnapshot.class);

    private final long checkpointId;
    private final String backendId;
    private final KeyGroupRange range;
    private final KeyGroupsSnapshot heapParts;
    private final SharedFileTracker tracker;
    private final Map<String, SharedFile> base;
    private final Path directory;
    private final AtomicBoolean released = new AtomicBoolean();

    private RocksDbIncrementalSnapshot(long checkpointId, String backendId, KeyGroupRange range,
                                       KeyGroupsSnapshot heapParts, SharedFileTracker tracker, Path directory) {
        this.checkpointId = checkpointId;
        this.backendId = backendId;
        this.range = range;
        this.heapParts = heapParts;
        this.tracker = tracker;
        this.base = tracker.base();
        this.directory = directory;
    }

    static RocksDbIncrementalSnapshot capture(RocksDbInstance instance, long checkpointId, String backendId,
                                              KeyGroupRange range, KeyGroupsSnapshot heapParts,
                                              SharedFileTracker tracker, Path directory) throws IOException {
        try (Checkpoint checkpoint = Checkpoint.create(instance.db())) {
            checkpoint.createCheckpoint(directory.toString());
        } catch (RocksDBException e) {
            heapParts.release();
            throw new IOException("RocksDB could not write checkpoint " + checkpointId + " into " + directory + ": "
                    + e.getMessage(), e);
        }
        return new RocksDbIncrementalSnapshot(checkpointId, backendId, range, heapParts, tracker, directory);
    }

    @Override
    public KeyedStateHandle write(SnapshotOutput out) throws IOException {
        try {
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

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            heapParts.release();
            try {
                RocksDbInstance.deleteRecursively(directory);
            } catch (IOException e) {
                LOG.warn("could not delete RocksDB checkpoint directory {}: {}", directory, e.toString());
            }
        }
    }
}
