package dev.weir.runtime.state;

import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * A {@link KeyTable} for {@code Long} keys: keys unboxed in a {@code long[]}, values in a parallel
 * array, linear probing, and removal by shifting the entries after the removed one back (no
 * tombstones), so a lookup costs the probe in two arrays and nothing else.
 */
final class LongKeyTable<V> implements KeyTable<Long, V> {

    private static final int INITIAL_CAPACITY = 16;

    private long[] keys = new long[INITIAL_CAPACITY];
    private Object[] values = new Object[INITIAL_CAPACITY];
    private int mask = INITIAL_CAPACITY - 1;
    private int shift = Long.numberOfLeadingZeros(INITIAL_CAPACITY - 1);
    private int size;

    @Override
    @SuppressWarnings("unchecked")
    public V get(Long key) {
        long k = key;
        Object[] vs = values;
        for (int i = slot(k); ; i = (i + 1) & mask) {
            Object v = vs[i];
            if (v == null || keys[i] == k) {
                return (V) v;
            }
        }
    }

    @Override
    public void put(Long key, V value) {
        if (value == null) {
            throw new NullPointerException("null value for key " + key);
        }
        long k = key;
        int i = slot(k);
        while (values[i] != null) {
            if (keys[i] == k) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = value;
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
                shiftBack(i);
                size--;
                return;
            }
            i = (i + 1) & mask;
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
                hole = i;
            }
        }
        values[hole] = null;
    }

    private void resize() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        int capacity = oldValues.length * 2;
        keys = new long[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        shift = Long.numberOfLeadingZeros(mask);
        for (int j = 0; j < oldValues.length; j++) {
            if (oldValues[j] != null) {
                int i = slot(oldKeys[j]);
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
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
