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
    /** The tables copy values in and out ({@link KeyTable#keepsValuesInline}): every put writes. */
    private final boolean valuesInline;
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
        this.valuesInline = KeyTable.keepsValuesInline(keySerializer, valueSerializer);
        this.maps = new KeyTable[backend.keyGroupRange().size()];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = KeyTable.create(keySerializer, valueSerializer, versions);
        }
    }

    /**
     * The current key's entry as last read or written, valid while the backend's key epoch is
     * {@code lastEpoch}: a record's several reads and writes of one state (a window operator's
     * five sliding windows, a read-modify-write) need one hash lookup, not one each. Every change
     * of the current key, a capture and a restore invalidate it.
     */
    private long lastEpoch = -1;
    private V lastValue;

    V get() {
        long epoch = backend.keyEpoch();
        if (epoch == lastEpoch) {
            return lastValue;
        }
        V value = maps[backend.currentKeyGroupIndex()].get(backend.currentKey());
        lastEpoch = epoch;
        lastValue = value;
        return value;
    }

    /** The table of key group index {@code keyGroupIndex}, for {@link HeapKeyedStateBackend#prefetch}. */
    KeyTable<K, V> table(int keyGroupIndex) {
        return maps[keyGroupIndex];
    }

    void put(V value) {
        long epoch = backend.keyEpoch();
        if (value == lastValue && epoch == lastEpoch && value != null && !valuesInline) {
            return; // the map already holds this very object for this key
        }
        maps[backend.currentKeyGroupIndex()].put(backend.currentKey(), value);
        lastEpoch = epoch;
        lastValue = value;
    }

    void remove() {
        maps[backend.currentKeyGroupIndex()].remove(backend.currentKey());
        lastEpoch = backend.keyEpoch();
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
        lastEpoch = -1;
        lastValue = null;
        KeyTable<K, V> map = maps[keyGroupIndex];
        int n = in.readInt();
        map.reserve(map.size() + n); // the entries come by hash: see KeyTable.reserve
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

    /**
     * Applies an incremental snapshot's changes of one key group ({@link CapturedChanges}) in the
     * order they were made: entries written, keys removed.
     */
    @Override
    public void readChanges(int keyGroupIndex, DataInput in) throws IOException {
        lastEpoch = -1;
        lastValue = null;
        KeyTable<K, V> map = maps[keyGroupIndex];
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            boolean removed = in.readBoolean();
            K key = keySerializer.deserialize(in);
            if (removed) {
                map.remove(key);
            } else {
                map.put(key, valueSerializer.deserialize(in));
            }
        }
    }

    /**
     * An incremental capture: the changes since version {@code sinceVersion} (an earlier capture's),
     * as the tables logged them ({@link ChangeLog}): O(key groups), nothing scanned or copied.
     * Whole ({@link #capture}) for {@code sinceVersion} -1 and for states with a time to live (their
     * snapshots drop expired entries, which is no change a log records).
     */
    @Override
    public CapturedPart captureChanges(int keyGroups, int sinceVersion) {
        if (ttlFilter != null || sinceVersion < 0) {
            return capture(keyGroups);
        }
        lastEpoch = -1;
        lastValue = null;
        ChangeLog.Segment[][] changes = new ChangeLog.Segment[maps.length][];
        for (int i = 0; i < maps.length; i++) {
            changes[i] = maps[i].changesSince(sinceVersion);
        }
        return new CapturedTableChanges<>(name, changes, keySerializer, valueSerializer);
    }

    @Override
    public void forgetChanges(int version) {
        for (KeyTable<K, V> map : maps) {
            map.forgetChanges(version);
        }
    }

    /** Per key group the logged changes since the snapshot built on. */
    private record CapturedTableChanges<K, V>(String name, ChangeLog.Segment[][] changes,
                                              TypeSerializer<K> keySerializer,
                                              TypeSerializer<V> valueSerializer) implements CapturedChanges {
        @Override
        public boolean isEmpty(int keyGroupIndex) {
            return count(keyGroupIndex) == 0;
        }

        private int count(int keyGroupIndex) {
            int n = 0;
            for (ChangeLog.Segment s : changes[keyGroupIndex]) {
                n += s.size;
            }
            return n;
        }

        @Override
        public boolean writeChanges(int keyGroupIndex, DataOutputBuffer out) throws IOException {
            int n = count(keyGroupIndex);
            out.writeInt(n);
            for (ChangeLog.Segment s : changes[keyGroupIndex]) {
                s.write(out, keySerializer, valueSerializer);
            }
            return n > 0;
        }

        @Override
        public void write(int keyGroupIndex, DataOutput out) {
            throw new UnsupportedOperationException("an incremental capture writes changes only");
        }
    }

    /** Copy-on-write: O(key groups), the entries stay where they are until they change. */
    @Override
    public CapturedPart capture(int keyGroups) {
        // After the capture, a value handed out earlier may belong to the snapshot: read it afresh.
        lastEpoch = -1;
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

    int growths() {
        int growths = 0;
        for (KeyTable<K, V> m : maps) {
            growths += m.growths();
        }
        return growths;
    }

    long size() {
        long size = 0;
        for (KeyTable<K, V> m : maps) {
            size += m.size();
        }
        return size;
    }
}
