package dev.weir.runtime.state.rocksdb;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;

import dev.weir.runtime.checkpoint.KeyedStateHandle;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.KeyGroupedStatePart;
import dev.weir.runtime.state.KeyGroupsSnapshot;
import dev.weir.runtime.state.KeyedStateSnapshot;
import dev.weir.runtime.state.SnapshotOutput;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * A full snapshot of a RocksDB backend in the canonical key-group format: at the barrier a RocksDB
 * snapshot pins the database as it is (no copy, microseconds); the upload thread then reads every
 * column family through it, key group by key group, while the task goes on writing.
 */
final class RocksDbFullSnapshot implements KeyedStateSnapshot {

    private final RocksDbInstance instance;
    private final Snapshot snapshot;
    private final TypeSerializer<?> keySerializer;
    private final KeyGroupRange range;
    private final List<KeyGroupedStatePart.CapturedPart> heapParts;
    private final List<Map.Entry<String, ColumnFamilyHandle>> columns;
    private final AtomicBoolean released = new AtomicBoolean();

    private RocksDbFullSnapshot(RocksDbInstance instance, Snapshot snapshot, TypeSerializer<?> keySerializer,
                                KeyGroupRange range, List<KeyGroupedStatePart.CapturedPart> heapParts) {
        this.instance = instance;
        this.snapshot = snapshot;
        this.keySerializer = keySerializer;
        this.range = range;
        this.heapParts = heapParts;
        this.columns = List.copyOf(instance.columns().entrySet());
    }

    static RocksDbFullSnapshot capture(RocksDbInstance instance, TypeSerializer<?> keySerializer, KeyGroupRange range,
                                       List<KeyGroupedStatePart.CapturedPart> heapParts) {
        return pinned(instance, instance.takeSnapshot(), keySerializer, range, heapParts);
    }

    /** A full snapshot of the state {@code snapshot} pins (taken at the barrier); it releases the snapshot. */
    static RocksDbFullSnapshot pinned(RocksDbInstance instance, Snapshot snapshot, TypeSerializer<?> keySerializer,
                                      KeyGroupRange range, List<KeyGroupedStatePart.CapturedPart> heapParts) {
        return new RocksDbFullSnapshot(instance, snapshot, keySerializer, range, heapParts);
    }

    @Override
    public KeyedStateHandle write(SnapshotOutput out) throws IOException {
        if (!instance.readGuard()) {
            released.set(true);
            throw new IOException("the RocksDB backend was closed before its snapshot was written");
        }
        List<KeyGroupedStatePart.CapturedPart> parts = new ArrayList<>(heapParts);
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot)) {
            for (Map.Entry<String, ColumnFamilyHandle> column : columns) {
                parts.add(new CanonicalFormat.ColumnPart(column.getKey(), instance.kind(column.getKey()),
                        instance.db().newIterator(column.getValue(), read), keySerializer, range.start()));
            }
            return new KeyGroupsSnapshot(range, parts, () -> {}).write(out);
        } finally {
            if (released.compareAndSet(false, true)) {
                instance.releaseSnapshot(snapshot);
            }
            instance.releaseReadGuard();
        }
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true) && instance.readGuard()) {
            try {
                instance.releaseSnapshot(snapshot);
            } finally {
                instance.releaseReadGuard();
            }
        }
    }
}
