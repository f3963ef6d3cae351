package dev.weir.runtime.state;

import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * A {@link KeyTable} for {@code Long} keys: keys unboxed in a {@code long[]}, values and their
 * version stamps in parallel arrays, linear probing, and removal by shifting the entries after the
 * removed one back (no tombstones), so a lookup costs the probe in two arrays and nothing else.
 */
final class LongKeyTable<V> implements KeyTable<Long, V> {

    private static final int INITIAL_CAPACITY = 16;

    private final TypeSerializer<V> valueSerializer;
    private final SnapshotVersions versions;
    private final ChangeLog log = ChangeLog.forLongKeys();
    private long[] keys = new long[INITIAL_CAPACITY];
    private Object[] values = new Object[INITIAL_CAPACITY];
    private int[] stamps = new int[INITIAL_CAPACITY];
    private int mask = INITIAL_CAPACITY - 1;
    private int shift = Long.numberOfLeadingZeros(INITIAL_CAPACITY - 1);
    private int size;
    private int growths;
    /** The arrays were handed to a snapshot: copy them before the next change. */
    private boolean captured;

    LongKeyTable(TypeSerializer<V> valueSerializer, SnapshotVersions versions) {
        this.valueSerializer = valueSerializer;
        this.versions = versions;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Long key) {
        long k = key;
        Object[] vs = values;
        for (int i = slot(k); ; i = (i + 1) & mask) {
            Object v = vs[i];
            if (v == null || keys[i] == k) {
                if (v != null && stamps[i] != versions.current()) {
                    return touched(i);
                }
                return (V) v;
            }
        }
    }

    /**
     * The first read of an entry in this version: the caller may change the value in place, so the
     * entry counts as written now (incremental snapshots write it), and if a snapshot in flight
     * still holds the value, the caller gets a copy.
     */
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
    public int prefetchOffset(Long key) {
        return slot(key);
    }

    /** The key's home slot in the key and value arrays (the value object itself stays where it is). */
    @Override
    public long touch(int offset) {
        return keys[offset] + (values[offset] == null ? 0 : 1);
    }

    @Override
    public void put(Long key, V value) {
        if (value == null) {
            throw new NullPointerException("null value for key " + key);
        }
        ensureOwnArrays();
        long k = key;
        int i = slot(k);
        int version = versions.current();
        while (values[i] != null) {
            if (keys[i] == k) {
                if (versions.logsChanges() && (stamps[i] != version || values[i] != value)) {
                    log.add(k, value, version);
                }
                values[i] = value;
                stamps[i] = version;
                return;
            }
            i = (i + 1) & mask;
        }
        if (versions.logsChanges()) {
            log.add(k, value, version);
        }
        keys[i] = k;
        values[i] = value;
        stamps[i] = version;
        if (++size > (mask + 1) * 3 / 4) {
            resize();
        }
    }

    @Override
    public void remove(Long key) {
        long k = key;
        int i = slot(k);
        while (values[i] != null) {
            if (keys[i] == k) {
                ensureOwnArrays();
                shiftBack(i);
                size--;
                if (versions.logsChanges()) {
                    log.add(k, ChangeLog.REMOVED, versions.current());
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Copies the arrays a snapshot in flight still reads (keys and values: a capture never reads the
     * stamps, so they stay); once none is in flight they are ours again.
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
    public void forEach(EntryVisitor<Long, V> visitor) throws IOException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                visitor.visit(keys[i], (V) values[i]);
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
    public Captured<Long, V> capture() {
        captured = true;
        return new CapturedLongTable<>(keys, values, size);
    }




    private record CapturedLongTable<V>(long[] keys, Object[] values, int size)
            implements Captured<Long, V> {
        /** Keys go out as {@code writeLong}: the bytes of {@link Types#LONG}, the only key serializer of this table. */
        @Override
        @SuppressWarnings("unchecked")
        public void writeEntries(DataOutput out, TypeSerializer<Long> keySerializer, TypeSerializer<V> valueSerializer)
                throws IOException {
            long[] ks = keys;
            Object[] vs = values;
            for (int i = 0; i < vs.length; i++) {
                Object v = vs[i];
                if (v != null) {
                    out.writeLong(ks[i]);
                    valueSerializer.serialize((V) v, out);
                }
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public void forEach(EntryVisitor<Long, V> visitor) throws IOException {
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null) {
                    visitor.visit(keys[i], (V) values[i]);
                }
            }
        }
    }

    /** Fills the hole at {@code hole} with a later entry of the same probe run, repeatedly. */
    private void shiftBack(int hole) {
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (values[i] == null) {
                break;
            }
            int home = slot(keys[i]);
            // Move the entry at i into the hole unless its home lies cyclically in (hole, i].
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                stamps[hole] = stamps[i];
                hole = i;
            }
        }
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
        long[] oldKeys = keys;
        Object[] oldValues = values;
        int[] oldStamps = stamps;
        keys = new long[capacity];
        values = new Object[capacity];
        stamps = new int[capacity];
        mask = capacity - 1;
        shift = Long.numberOfLeadingZeros(mask);
        captured = false;
        for (int j = 0; j < oldValues.length; j++) {
            if (oldValues[j] != null) {
                int i = slot(oldKeys[j]);
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
                stamps[i] = oldStamps[j];
            }
        }
    }

    /** Fibonacci hashing (the top bits of key * 2^64/phi): spreads the keys of a key group evenly. */
    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    @Override
    public String toString() {
        return "LongKeyTable[size=" + size + ", capacity=" + values.length + "]";
    }

    // For tests: the capacity (power of two).
    int capacity() {
        return values.length;
    }
}
