package dev.weir.runtime.state;

import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.FixedLengthSerializer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * A {@link KeyTable} for {@code Long} keys and values of a {@link FixedLengthSerializer}: each slot
 * is {@code [key, meta, value longs...]} in one {@code long[]}, so a lookup touches one or two cache
 * lines and the table holds no object per key (at millions of keys, objects the collector would
 * scan and copy, and a second cache miss per lookup). {@code meta} is 0 for an empty slot, else the
 * version the entry was last written in (plus one) and, in its low half, the index of that version's
 * change in the {@link ChangeLog}. Linear probing, removal by shifting later entries back.
 *
 * <p>{@link #get} returns a new value object each time, so only {@link #put} changes the state.
 * Snapshots: a whole capture takes the slots array, copied before the next change while the
 * snapshot is in flight; an incremental one takes the log, whose segments hold copies of the
 * values: a key's first write in a version appends a change, its later writes in that version
 * overwrite it, and a capture ends the version, so the table is never copied for it.
 */
final class InlineLongKeyTable<V> implements KeyTable<Long, V> {

    private static final int INITIAL_CAPACITY = 16;
    private static final int KEY = 0;
    private static final int META = 1;
    private static final int VALUE = 2;

    private final FixedLengthSerializer<V> valueSerializer;
    private final SnapshotVersions versions;
    private final int stride;
    private final ChangeLog log;
    private long[] slots;
    private int mask = INITIAL_CAPACITY - 1;
    private int shift = Long.numberOfLeadingZeros(INITIAL_CAPACITY - 1);
    private int size;
    private int growths;
    /** The slots were handed to a snapshot: copy them before the next change. */
    private boolean captured;
    /**
     * The last {@link #find}: its key and result, valid until an entry moves (insert, remove,
     * resize), so a read-modify-write of a key (get, then put) probes the table once.
     */
    private long lastKey;
    private int lastFound;
    private boolean lastValid;

    InlineLongKeyTable(FixedLengthSerializer<V> valueSerializer, SnapshotVersions versions) {
        this.valueSerializer = valueSerializer;
        this.versions = versions;
        this.stride = VALUE + valueSerializer.longs();
        this.log = ChangeLog.forInlineValues(valueSerializer.longs());
        this.slots = new long[INITIAL_CAPACITY * stride];
    }

    private static long meta(int version, int changeIndex) {
        return ((long) (version + 1) << 32) | (changeIndex & 0xFFFF_FFFFL);
    }

    private static int versionOf(long meta) {
        return (int) (meta >>> 32) - 1;
    }

    /** The slot's offset in {@link #slots} for {@code key}, or -1 - (the empty slot where it would go). */
    private int find(long key) {
        if (lastValid && lastKey == key) {
            return lastFound;
        }
        int found = probe(key);
        lastKey = key;
        lastFound = found;
        lastValid = true;
        return found;
    }

    private int probe(long key) {
        long[] s = slots;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            int at = i * stride;
            if (s[at + META] == 0) {
                return -1 - at;
            }
            if (s[at + KEY] == key) {
                return at;
            }
        }
    }

    @Override
    public V get(Long key) {
        int at = find(key);
        return at < 0 ? null : valueSerializer.fromLongs(slots, at + VALUE);
    }

    @Override
    public int prefetchOffset(Long key) {
        return slot(key) * stride;
    }

    /** The slot's first and last word: a slot may straddle two cache lines. */
    @Override
    public long touch(int offset) {
        long[] s = slots;
        return s[offset + KEY] + s[offset + stride - 1];
    }

    @Override
    public void put(Long key, V value) {
        if (value == null) {
            throw new NullPointerException("null value for key " + key);
        }
        ensureOwnSlots();
        long k = key;
        int at = find(k);
        int version = versions.current();
        boolean logs = versions.logsChanges();
        if (at >= 0) {
            valueSerializer.toLongs(value, slots, at + VALUE);
            long meta = slots[at + META];
            if (!logs) {
                slots[at + META] = meta(version, 0);
            } else if (versionOf(meta) == version) {
                log.set((int) meta, slots, at + VALUE);
            } else {
                slots[at + META] = meta(version, log.addInline(k, slots, at + VALUE, version));
            }
            return;
        }
        at = -1 - at;
        slots[at + KEY] = k;
        valueSerializer.toLongs(value, slots, at + VALUE);
        slots[at + META] = meta(version, logs ? log.addInline(k, slots, at + VALUE, version) : 0);
        lastFound = at; // the key's slot now, where it was the empty slot before
        if (++size > (mask + 1) * 3 / 4) {
            resize();
        }
    }

    @Override
    public void remove(Long key) {
        long k = key;
        int at = find(k);
        if (at < 0) {
            return;
        }
        ensureOwnSlots();
        shiftBack(at / stride);
        lastValid = false;
        size--;
        if (versions.logsChanges()) {
            log.addInlineRemoval(k, versions.current());
        }
    }

    /** Copies the slots while a whole snapshot in flight still reads them; once none is, they are ours again. */
    private void ensureOwnSlots() {
        if (captured) {
            if (versions.capturedUpTo() >= 0) {
                slots = slots.clone();
            }
            captured = false;
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void forEach(EntryVisitor<Long, V> visitor) throws IOException {
        new CapturedInlineTable<>(slots, stride, size, valueSerializer).forEach(visitor);
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
        return new CapturedInlineTable<>(slots, stride, size, valueSerializer);
    }

    private record CapturedInlineTable<V>(long[] slots, int stride, int size, FixedLengthSerializer<V> values)
            implements Captured<Long, V> {
        /** Keys go out as {@code writeLong}: the bytes of {@code Types.LONG}, the only key serializer of this table. */
        @Override
        public void writeEntries(DataOutput out, TypeSerializer<Long> keySerializer, TypeSerializer<V> valueSerializer)
                throws IOException {
            long[] s = slots;
            for (int at = 0; at < s.length; at += stride) {
                if (s[at + META] != 0) {
                    out.writeLong(s[at + KEY]);
                    values.serializeLongs(s, at + VALUE, out);
                }
            }
        }

        @Override
        public void forEach(EntryVisitor<Long, V> visitor) throws IOException {
            long[] s = slots;
            for (int at = 0; at < s.length; at += stride) {
                if (s[at + META] != 0) {
                    visitor.visit(s[at + KEY], values.fromLongs(s, at + VALUE));
                }
            }
        }
    }

    /** Fills the hole at slot {@code hole} with a later entry of the same probe run, repeatedly. */
    private void shiftBack(int hole) {
        long[] s = slots;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            int at = i * stride;
            if (s[at + META] == 0) {
                break;
            }
            int home = slot(s[at + KEY]);
            // Move the entry at i into the hole unless its home lies cyclically in (hole, i].
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                System.arraycopy(s, at, s, hole * stride, stride);
                hole = i;
            }
        }
        s[hole * stride + META] = 0;
    }

    @Override
    public void reserve(int entries) {
        long capacity = KeyTable.capacityFor(entries);
        if (capacity > mask + 1) {
            resize(capacity);
        }
    }

    @Override
    public int growths() {
        return growths;
    }

    private void resize() {
        growths++;
        resize(2L * (mask + 1));
    }

    /** Into a new array: an array a snapshot holds is left as it is. */
    private void resize(long capacity) {
        long[] old = slots;
        if (capacity * stride > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("more than " + size + " keys of one state in one key group: raise"
                    + " maxParallelism to spread them over more key groups");
        }
        slots = new long[(int) capacity * stride];
        mask = (int) capacity - 1;
        shift = Long.numberOfLeadingZeros(mask);
        captured = false;
        lastValid = false;
        long[] s = slots;
        for (int from = 0; from < old.length; from += stride) {
            if (old[from + META] != 0) {
                int i = slot(old[from + KEY]);
                while (s[i * stride + META] != 0) {
                    i = (i + 1) & mask;
                }
                System.arraycopy(old, from, s, i * stride, stride);
            }
        }
    }

    /** Fibonacci hashing (the top bits of key * 2^64/phi): spreads the keys of a key group evenly. */
    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    @Override
    public String toString() {
        return "InlineLongKeyTable[size=" + size + ", capacity=" + (mask + 1) + "]";
    }

    // For tests: the capacity (power of two).
    int capacity() {
        return mask + 1;
    }
}
