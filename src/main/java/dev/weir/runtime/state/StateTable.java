package dev.weir.runtime.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.LongSupplier;

import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The working copy of one keyed state on the heap: one {@link KeyTable} per key group, so a
 * snapshot writes key groups independently and a restore at another parallelism reads only its own.
 */
final class StateTable<K, V> implements KeyGroupedStatePart {

    private final String name;
    private final HeapKeyedStateBackend<K> backend;
    private final TypeSerializer<K> keySerializer;
    private final TypeSerializer<V> valueSerializer;
    private final KeyTable<K, V>[] maps;
    /** Drops expired TTL entries from snapshots and restores; null for state without TTL. */
    private final TtlStates.SnapshotFilter<V> ttlFilter;
    private final LongSupplier clock;

    StateTable(String name, HeapKeyedStateBackend<K> backend, TypeSerializer<V> valueSerializer,
               SnapshotVersions versions) {
        this(name, backend, valueSerializer, versions, null, null);
    }

    @SuppressWarnings("unchecked")
    StateTable(String name, HeapKeyedStateBackend<K> backend, TypeSerializer<V> valueSerializer,
               SnapshotVersions versions, TtlStates.SnapshotFilter<V> ttlFilter, LongSupplier clock) {
        this.name = name;
        this.ttlFilter = ttlFilter;
        this.clock = clock;
        this.backend = backend;
        this.keySerializer = backend.keySerializer();
        this.valueSerializer = valueSerializer;
        this.maps = new KeyTable[backend.keyGroupRange().size()];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = KeyTable.create(keySerializer, valueSerializer, versions);
        }
    }

    /** The last entry read: read-modify-write of a mutable value then needs one hash lookup, not two. */
    private Object lastKey;
    private V lastValue;

    V get() {
        K key = backend.currentKey();
        V value = maps[backend.currentKeyGroupIndex()].get(key);
        lastKey = key;
        lastValue = value;
        return value;
    }

    void put(V value) {
        K key = backend.currentKey();
        if (value == lastValue && key == lastKey && value != null) {
            return; // the map already holds this very object for this key
        }
        maps[backend.currentKeyGroupIndex()].put(key, value);
        lastKey = key;
        lastValue = value;
    }

    void remove() {
        maps[backend.currentKeyGroupIndex()].remove(backend.currentKey());
        lastKey = null;
        lastValue = null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isEmpty(int keyGroupIndex) {
        return maps[keyGroupIndex].size() == 0;
    }

    @Override
    public void write(int keyGroupIndex, DataOutput out) throws IOException {
        KeyTable<K, V> map = maps[keyGroupIndex];
        out.writeInt(map.size());
        map.writeEntries(out, keySerializer, valueSerializer);
    }

    @Override
    public void read(int keyGroupIndex, DataInput in) throws IOException {
        lastKey = null;
        lastValue = null;
        KeyTable<K, V> map = maps[keyGroupIndex];
        int n = in.readInt();
        long now = ttlFilter == null ? 0 : clock.getAsLong();
        for (int i = 0; i < n; i++) {
            K key = keySerializer.deserialize(in);
            V value = valueSerializer.deserialize(in);
            if (ttlFilter != null) {
                value = ttlFilter.unexpired(value, now); // cleanup on restore
                if (value == null) {
                    continue;
                }
            }
            map.put(key, value);
        }
    }

    /** Copy-on-write: O(key groups), the entries stay where they are until they change. */
    @Override
    public CapturedPart capture(int keyGroups) {
        // After the capture, a value handed out earlier may belong to the snapshot: read it afresh.
        lastKey = null;
        lastValue = null;
        @SuppressWarnings("unchecked")
        KeyTable.Captured<K, V>[] captured = new KeyTable.Captured[maps.length];
        for (int i = 0; i < maps.length; i++) {
            captured[i] = maps[i].capture();
        }
        if (ttlFilter != null) {
            return new CapturedTtlTable<>(name, captured, keySerializer, valueSerializer, ttlFilter, clock.getAsLong());
        }
        return new CapturedTable<>(name, captured, keySerializer, valueSerializer);
    }

    private record CapturedTable<K, V>(String name, KeyTable.Captured<K, V>[] tables, TypeSerializer<K> keySerializer,
                                       TypeSerializer<V> valueSerializer) implements CapturedPart {
        @Override
        public boolean isEmpty(int keyGroupIndex) {
            return tables[keyGroupIndex].size() == 0;
        }

        @Override
        public void write(int keyGroupIndex, DataOutput out) throws IOException {
            KeyTable.Captured<K, V> table = tables[keyGroupIndex];
            out.writeInt(table.size());
            table.writeEntries(out, keySerializer, valueSerializer);
        }
    }

    /** A TTL state's capture: writes only what has not expired at the barrier (cleanup on snapshot). */
    private record CapturedTtlTable<K, V>(String name, KeyTable.Captured<K, V>[] tables, TypeSerializer<K> keySerializer,
                                          TypeSerializer<V> valueSerializer, TtlStates.SnapshotFilter<V> filter,
                                          long now) implements CapturedPart {
        @Override
        public boolean isEmpty(int keyGroupIndex) {
            return tables[keyGroupIndex].size() == 0;
        }

        @Override
        public void write(int keyGroupIndex, DataOutput out) throws IOException {
            DataOutputBuffer entries = new DataOutputBuffer(256);
            int[] kept = {0};
            tables[keyGroupIndex].forEach((key, value) -> {
                V unexpired = filter.unexpired(value, now);
                if (unexpired != null) {
                    keySerializer.serialize(key, entries);
                    valueSerializer.serialize(unexpired, entries);
                    kept[0]++;
                }
            });
            out.writeInt(kept[0]);
            out.write(entries.array(), 0, entries.length());
        }
    }

    long size() {
        long size = 0;
        for (KeyTable<K, V> m : maps) {
            size += m.size();
        }
        return size;
    }
}
