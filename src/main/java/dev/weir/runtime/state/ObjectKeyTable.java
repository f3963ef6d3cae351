package dev.weir.runtime.state;

import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * A {@link KeyTable} for keys of any type: the spread hash codes in an {@code int[]} (a probe
 * calls {@code equals} only on a hash match), keys, values and version stamps in parallel arrays,
 * linear probing, removal by shifting later entries back.
 */
final class ObjectKeyTable<K, V> implements KeyTable<K, V> {

    private static final int INITIAL_CAPACITY = 16;

    private final TypeSerializer<V> valueSerializer;
    private final SnapshotVersions versions;
    private final ChangeLog log = ChangeLog.forObjectKeys();
    private int[] hashes = new int[INITIAL_CAPACITY];
    private Object[] keys = new Object[INITIAL_CAPACITY];
    private Object[] values = new Object[INITIAL_CAPACITY];
    private int[] stamps = new int[INITIAL_CAPACITY];
    private int mask = INITIAL_CAPACITY - 1;
    private int shift = Integer.numberOfLeadingZeros(INITIAL_CAPACITY - 1);
    private int size;
    private int growths;
    /** The arrays were handed to a snapshot: copy them before the next change. */
    private boolean captured;

    ObjectKeyTable(TypeSerializer<V> valueSerializer, SnapshotVersions versions) {
        this.valueSerializer = valueSerializer;
        this.versions = versions;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(K key) {
        int h = spread(key);
        for (int i = h >>> shift; ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (hashes[i] == h && key.equals(keys[i])) {
                if (stamps[i] != versions.current()) {
                    return touched(i);
                }
                return (V) v;
            }
        }
    }

    /** As {@link LongKeyTable}'s: the entry counts as written now, copied if a snapshot holds it. */
    @SuppressWarnings("unchecked")
    private V touched(int i) {
        ensureOwnArrays();
        int upTo = versions.capturedUpTo();
        V value = (V) values[i];
        if (upTo >= 0 && stamps[i] <= upTo) {
            value = valueSerializer.copy(value);
            values[i] = value;
        }
        stamps[i] = versions.current();
        if (versions.logsChanges()) {
            log.add(keys[i], value, stamps[i]);
        }
        return value;
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            throw new NullPointerException("null value for key " + key);
        }
        ensureOwnArrays();
        int h = spread(key);
        int i = h >>> shift;
        int version = versions.current();
        while (values[i] != null) {
            if (hashes[i] == h && key.equals(keys[i])) {
                if (versions.logsChanges() && (stamps[i] != version || values[i] != value)) {
                    log.add(keys[i], value, version);
                }
                values[i] = value;
                stamps[i] = version;
                return;
            }
            i = (i + 1) & mask;
        }
        if (versions.logsChanges()) {
            log.add(key, value, version);
        }
        hashes[i] = h;
        keys[i] = key;
        values[i] = value;
        stamps[i] = version;
        if (++size > (mask + 1) * 3 / 4) {
            resize();
        }
    }

    @Override
    public void remove(K key) {
        int h = spread(key);
        int i = h >>> shift;
        while (values[i] != null) {
            if (hashes[i] == h && key.equals(keys[i])) {
                ensureOwnArrays();
                shiftBack(i);
                size--;
                if (versions.logsChanges()) {
                    log.add(key, ChangeLog.REMOVED, versions.current());
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Copies the arrays a snapshot in flight still reads (keys and values: a capture never reads the
     * hashes or stamps, so they stay); once none is in flight they are ours again.
     */
    private void ensureOwnArrays() {
        if (captured) {
            if (versions.capturedUpTo() >= 0) {
                keys = keys.clone();
                values = values.clone();
            }
            captured = false;
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void forEach(EntryVisitor<K, V> visitor) throws IOException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                visitor.visit((K) keys[i], (V) values[i]);
            }
        }
    }

    @Override
    public ChangeLog.Segment[] changesSince(int version) {
        return log.since(version);
    }

    @Override
    public void forgetChanges(int version) {
        log.forget(version);
    }

    @Override
    public Captured<K, V> capture() {
        captured = true;
        return new CapturedObjectTable<>(keys, values, size);
    }




    private record CapturedObjectTable<K, V>(Object[] keys, Object[] values, int size)
            implements Captured<K, V> {
        @Override
        @SuppressWarnings("unchecked")
        public void writeEntries(DataOutput out, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer)
                throws IOException {
            Object[] ks = keys;
            Object[] vs = values;
            for (int i = 0; i < vs.length; i++) {
                Object v = vs[i];
                if (v != null) {
                    keySerializer.serialize((K) ks[i], out);
                    valueSerializer.serialize((V) v, out);
                }
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public void forEach(EntryVisitor<K, V> visitor) throws IOException {
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null) {
                    visitor.visit((K) keys[i], (V) values[i]);
                }
            }
        }
    }

    private void shiftBack(int hole) {
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (values[i] == null) {
                break;
            }
            int home = hashes[i] >>> shift;
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                hashes[hole] = hashes[i];
                keys[hole] = keys[i];
                values[hole] = values[i];
                stamps[hole] = stamps[i];
                hole = i;
            }
        }
        keys[hole] = null;
        values[hole] = null;
    }

    @Override
    public void reserve(int entries) {
        long capacity = KeyTable.capacityFor(entries);
        if (capacity > values.length) {
            resize((int) capacity);
        }
    }

    @Override
    public int growths() {
        return growths;
    }

    private void resize() {
        growths++;
        resize(values.length * 2);
    }

    /** Into new arrays: arrays a snapshot holds are left as they are. */
    private void resize(int capacity) {
        int[] oldHashes = hashes;
        Object[] oldKeys = keys;
        Object[] oldValues = values;
        int[] oldStamps = stamps;
        hashes = new int[capacity];
        keys = new Object[capacity];
        values = new Object[capacity];
        stamps = new int[capacity];
        mask = capacity - 1;
        shift = Integer.numberOfLeadingZeros(mask);
        captured = false;
        for (int j = 0; j < oldValues.length; j++) {
            if (oldValues[j] != null) {
                int i = oldHashes[j] >>> shift;
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                hashes[i] = oldHashes[j];
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
                stamps[i] = oldStamps[j];
            }
        }
    }

    private static int spread(Object key) {
        return key.hashCode() * 0x9E3779B9;
    }

    // For tests: the capacity (power of two).
    int capacity() {
        return values.length;
    }
}
