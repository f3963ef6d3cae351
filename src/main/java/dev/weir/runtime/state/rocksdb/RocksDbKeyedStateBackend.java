package dev.weir.runtime.state.rocksdb;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.KeyGroupedStatePart;
import dev.weir.runtime.state.KeyGroupsFormat;
import dev.weir.runtime.state.KeyedStateBackend;
import dev.weir.runtime.state.KeyedStateRestore;
import dev.weir.runtime.state.KeyedStateSnapshot;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.TtlStates;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Keyed state of one keyed operator subtask in an embedded RocksDB (one database per subtask and
 * operator, one column family per state, keys prefixed by key group: {@link StateKind}). State
 * larger than memory lives on local disk; the block cache and memtables of all databases of the
 * process share one bounded budget ({@link RocksDbResources}).
 *
 * <p>Checkpoints are incremental when configured: at the barrier the memtables are switched (the
 * flush is not waited for), and the upload thread, once they are flushed, hard-links the
 * database's files as of the barrier and uploads only the SST files that the last completed
 * checkpoint did not already upload ({@link RocksDbIncrementalSnapshot}, {@link SharedFileTracker}). Savepoints, and checkpoints when not incremental, are full
 * snapshots in the canonical key-group format of every backend ({@link RocksDbFullSnapshot}).
 * Timers stay on the heap and go into every snapshot as key groups.
 */
public final class RocksDbKeyedStateBackend<K> implements KeyedStateBackend<K> {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbKeyedStateBackend.class);

    private final TypeSerializer<K> keySerializer;
    private final KeyGroupRange keyGroupRange;
    private final int maxParallelism;
    private final boolean incremental;
    private final Path instanceDirectory;
    private final String backendId = UUID.randomUUID().toString();
    private final SharedFileTracker sharedFiles = new SharedFileTracker();
    private final Map<String, KeyGroupedStatePart> heapParts = new LinkedHashMap<>();
    private final Map<String, Object> states = new HashMap<>();
    /** name → per key-group index canonical bytes, for restored state not registered yet. */
    private final Map<String, byte[][]> unclaimed = new TreeMap<>();
    /** [key group, 2 bytes][serialized key] of the current key. */
    private final DataOutputBuffer currentKeyBytes = new DataOutputBuffer(64);

    private RocksDbInstance db;
    private K currentKey;
    /** State name → the view with a time to live over the plain state of the same name. */
    private final Map<String, Object> ttlStates = new HashMap<>();
    private LongSupplier ttlClock = System::currentTimeMillis;
    private int currentKeyGroupIndex;

    /** @param instanceDirectory this subtask's own directory; created here, deleted on close */
    public RocksDbKeyedStateBackend(TypeSerializer<K> keySerializer, KeyGroupRange keyGroupRange, int maxParallelism,
                                    boolean incremental, Path instanceDirectory) {
        if (maxParallelism > 1 << 16) {
            throw new IllegalArgumentException("maxParallelism " + maxParallelism + " does not fit the 2-byte key group prefix");
        }
        this.keySerializer = keySerializer;
        this.keyGroupRange = keyGroupRange;
        this.maxParallelism = maxParallelism;
        this.incremental = incremental;
        this.instanceDirectory = instanceDirectory;
    }

    @Override
    public void restore(KeyedStateRestore restore) throws IOException {
        if (db != null) {
            throw new IllegalStateException("restore() after the database was opened");
        }
        if (!restore.changelog().isEmpty()) {
            // No restart can heal this: the spec must change (or the job restore from a savepoint).
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "the checkpoint holds an"
                    + " incremental heap snapshot of this operator's keyed state, which the rocksdb backend cannot"
                    + " read: restore it with spec.stateBackend.type: heap, or from a savepoint (every backend"
                    + " restores every backend's savepoints)");
        }
        RocksDbRestore.Result result = new RocksDbRestore(keyGroupRange, instanceDirectory).restore(restore);
        db = result.instance();
        if (restore.reuseSharedFiles()) {
            sharedFiles.restored(result.reusableSharedFiles());
        }
        for (Map.Entry<Integer, byte[]> e : new TreeMap<>(restore.keyGroups()).entrySet()) {
            KeyGroupsFormat.readKeyGroup(e.getKey(), keyGroupRange, e.getValue(), (index, name, section) -> {
                KeyGroupedStatePart part = heapParts.get(name);
                if (part != null) {
                    part.read(index, new DataInputStream(new ByteArrayInputStream(section)));
                } else {
                    unclaimed.computeIfAbsent(name, n -> new byte[keyGroupRange.size()][])[index] = section;
                }
            });
        }
    }

    private RocksDbInstance db() {
        if (db == null) {
            try {
                db = RocksDbInstance.open(instanceDirectory.resolve("db"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return db;
    }

    @Override
    public void setCurrentKey(K key) {
        int keyGroup = KeyGroupAssignment.keyGroupFor(key, maxParallelism);
        if (!keyGroupRange.contains(keyGroup)) {
            throw KeyGroupAssignment.outsideRange(key, keyGroup, keyGroupRange);
        }
        setCurrentKey(key, keyGroup - keyGroupRange.start());
    }

    @Override
    public void setCurrentKey(K key, int keyGroupIndex) {
        this.currentKey = key;
        this.currentKeyGroupIndex = keyGroupIndex;
        DataOutputBuffer bytes = currentKeyBytes;
        bytes.reset();
        bytes.writeShort(keyGroupRange.start() + keyGroupIndex);
        try {
            keySerializer.serialize(key, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize key " + key, e);
        }
    }

    @Override
    public K currentKey() {
        return currentKey;
    }

    /** The current key as the database's key prefix: valid up to {@link DataOutputBuffer#length()}. */
    DataOutputBuffer currentKeyBytes() {
        return currentKeyBytes;
    }

    @Override
    public TypeSerializer<K> keySerializer() {
        return keySerializer;
    }

    @Override
    public KeyGroupRange keyGroupRange() {
        return keyGroupRange;
    }

    @Override
    public int maxParallelism() {
        return maxParallelism;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> S getState(StateDescriptor<S> descriptor) {
        Object existing = states.get(descriptor.name());
        if (existing != null) {
            return (S) existing;
        }
        if (heapParts.containsKey(descriptor.name())) {
            throw new IllegalArgumentException("keyed state '" + descriptor.name() + "' registered twice");
        }
        if (descriptor.ttl() != null) {
            // Expired entries are removed on access; RocksDB snapshots keep them (Flink: a compaction filter).
            return (S) ttlStates.computeIfAbsent(descriptor.name(),
                    name -> TtlStates.create(descriptor, ttlClock, this::plainState));
        }
        StateKind kind = StateKind.of(descriptor);
        ColumnFamilyHandle column = db().column(descriptor.name(), kind);
        Object state = RocksDbStates.create(descriptor, column, db(), this);
        byte[][] restored = unclaimed.remove(descriptor.name());
        if (restored != null) {
            try {
                CanonicalFormat.ingest(restored, keyGroupRange, descriptor, keySerializer, column, db());
            } catch (IOException | RocksDBException e) {
                throw new IllegalStateException("cannot restore keyed state '" + descriptor.name() + "'", e);
            }
        }
        states.put(descriptor.name(), state);
        return (S) state;
    }

    private <S> S plainState(StateDescriptor<S> descriptor, TtlStates.SnapshotFilter<?> ignored) {
        return getState(descriptor);
    }

    @Override
    public void setTtlTimeProvider(LongSupplier now) {
        this.ttlClock = now;
    }

    @Override
    public void registerPart(KeyGroupedStatePart part) {
        if (heapParts.putIfAbsent(part.name(), part) != null || states.containsKey(part.name())) {
            throw new IllegalArgumentException("keyed state '" + part.name() + "' registered twice");
        }
        byte[][] restored = unclaimed.remove(part.name());
        if (restored != null) {
            try {
                for (int i = 0; i < restored.length; i++) {
                    if (restored[i] != null) {
                        part.read(i, new DataInputStream(new ByteArrayInputStream(restored[i])));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot restore keyed state '" + part.name() + "'", e);
            }
        }
    }

    @Override
    public KeyedStateSnapshot snapshot(long checkpointId, CheckpointType type) throws IOException {
        List<KeyGroupedStatePart.CapturedPart> heap = new ArrayList<>();
        for (KeyGroupedStatePart part : heapParts.values()) {
            heap.add(part.capture(keyGroupRange.size()));
        }
        for (Map.Entry<String, byte[][]> e : unclaimed.entrySet()) {
            heap.add(new KeyGroupedStatePart.CapturedPart.Serialized(e.getKey(), e.getValue()));
        }
        if (incremental && type == CheckpointType.CHECKPOINT) {
            return RocksDbIncrementalSnapshot.capture(db(), checkpointId, backendId, keySerializer, keyGroupRange, heap,
                    sharedFiles,
                    instanceDirectory.resolve("chk-" + checkpointId + "-" + UUID.randomUUID()));
        }
        // Savepoints are self-contained and readable by every backend: the canonical format.
        return RocksDbFullSnapshot.capture(db(), keySerializer, keyGroupRange, heap);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        sharedFiles.completed(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        sharedFiles.aborted(checkpointId);
    }

    @Override
    public long size(String stateName) {
        Object state = states.get(stateName);
        return state instanceof RocksDbStates.Countable c ? c.countKeys() : -1;
    }

    /** Closes the database (after any snapshot still reading it) and deletes its directory. */
    @Override
    public void close() {
        if (db != null) {
            db.close();
        }
        try {
            RocksDbInstance.deleteRecursively(instanceDirectory);
        } catch (IOException e) {
            LOG.warn("could not delete RocksDB directory {}: {}", instanceDirectory, e.toString());
        }
    }
}
