package dev.weir.runtime.state;

import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.weir.runtime.state.serialization.FixedLengthSerializer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * What a {@link KeyTable} changed, in order, for incremental snapshots: each entry that was written,
 * read for an update, or removed, once per version (again when its value object is replaced), with
 * the value object then in the table. It is appended to while the entry is at hand, so a snapshot
 * takes the segments of the versions since the one it builds on without touching the table (no scan,
 * no copy); the values it holds are protected as any capture's are, by {@link KeyTable#get}'s copy
 * of a value that a snapshot in flight still holds. Task thread only; a segment handed to a snapshot
 * is never appended to again (its version is over).
 *
 * <p>A log of {@code long} keys ({@link #forLongKeys}) keeps them unboxed: at millions of keys
 * nearly every record is an entry's first change in its version, and a boxed key per change was
 * garbage that lived as long as the log kept it, long enough for the collector to copy it. A log of
 * inline values ({@link #forInlineValues}) copies the values in instead ({@link InlineSegment}).
 */
final class ChangeLog {

    /** The value of a removal. */
    static final Object REMOVED = new Object();

    /** The changes of one version, in order. */
    abstract static sealed class Segment permits ReferenceSegment, InlineSegment {
        final int version;
        int size;

        Segment(int version) {
            this.version = version;
        }

        /** How many changes fit before the arrays grow. */
        abstract int capacity();

        /** Writes the changes as {@code (boolean removed, key[, value])}. */
        abstract <K, V> void write(DataOutput out, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer)
                throws IOException;
    }

    /** Changes whose values are the value objects in the table. */
    abstract static sealed class ReferenceSegment extends Segment permits ObjectKeySegment, LongKeySegment {
        Object[] values;

        ReferenceSegment(int version, int capacity) {
            super(version);
            this.values = new Object[capacity];
        }

        @Override
        final int capacity() {
            return values.length;
        }

        /** Room for one more change: grows the arrays when they are full. */
        final void ensureRoom() {
            if (size == values.length) {
                grow(size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
        }

        abstract void grow(int capacity);

        @Override
        <K, V> void write(DataOutput out, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer)
                throws IOException {
            for (int i = 0; i < size; i++) {
                Object value = values[i];
                out.writeBoolean(value == REMOVED);
                writeKey(i, out, keySerializer);
                if (value != REMOVED) {
                    @SuppressWarnings("unchecked")
                    V v = (V) value;
                    valueSerializer.serialize(v, out);
                }
            }
        }

        abstract <K> void writeKey(int i, DataOutput out, TypeSerializer<K> keySerializer) throws IOException;
    }

    static final class ObjectKeySegment extends ReferenceSegment {
        private Object[] keys;

        ObjectKeySegment(int version, int capacity) {
            super(version, capacity);
            keys = new Object[capacity];
        }

        void add(Object key, Object value) {
            ensureRoom();
            keys[size] = key;
            values[size] = value;
            size++;
        }

        @Override
        void grow(int capacity) {
            keys = Arrays.copyOf(keys, capacity);
        }

        @Override
        @SuppressWarnings("unchecked")
        <K> void writeKey(int i, DataOutput out, TypeSerializer<K> keySerializer) throws IOException {
            keySerializer.serialize((K) keys[i], out);
        }
    }

    /** Keys as {@code long}s, written as {@code writeLong}: the bytes of the only key serializer of such a log. */
    static final class LongKeySegment extends ReferenceSegment {
        private long[] keys;

        LongKeySegment(int version, int capacity) {
            super(version, capacity);
            keys = new long[capacity];
        }

        void add(long key, Object value) {
            ensureRoom();
            keys[size] = key;
            values[size] = value;
            size++;
        }

        @Override
        void grow(int capacity) {
            keys = Arrays.copyOf(keys, capacity);
        }

        @Override
        <K> void writeKey(int i, DataOutput out, TypeSerializer<K> keySerializer) throws IOException {
            out.writeLong(keys[i]);
        }
    }

    /**
     * The changes of a table that keeps its values inline ({@link InlineLongKeyTable}): {@code long}
     * keys and the values' {@code long}s, copied in. A key's later writes in the same version go to
     * its change ({@link #set}), so the segment holds the values as of the end of its version
     * without holding anything of the table.
     */
    static final class InlineSegment extends Segment {
        private final int width;
        private long[] keys;
        private long[] values;
        private boolean[] removed;

        InlineSegment(int version, int capacity, int width) {
            super(version);
            this.width = width;
            keys = new long[capacity];
            values = new long[capacity * width];
            removed = new boolean[capacity];
        }

        @Override
        int capacity() {
            return keys.length;
        }

        private void ensureRoom() {
            if (size == keys.length) {
                int capacity = size * 2;
                keys = Arrays.copyOf(keys, capacity);
                values = Arrays.copyOf(values, capacity * width);
                removed = Arrays.copyOf(removed, capacity);
            }
        }

        int add(long key, long[] from, int offset) {
            ensureRoom();
            keys[size] = key;
            set(size, from, offset);
            return size++;
        }

        void addRemoved(long key) {
            ensureRoom();
            keys[size] = key;
            removed[size] = true;
            size++;
        }

        void set(int index, long[] from, int offset) {
            int to = index * width;
            for (int j = 0; j < width; j++) {
                values[to + j] = from[offset + j];
            }
        }

        @Override
        <K, V> void write(DataOutput out, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer)
                throws IOException {
            FixedLengthSerializer<V> fixed = (FixedLengthSerializer<V>) valueSerializer;
            for (int i = 0; i < size; i++) {
                out.writeBoolean(removed[i]);
                out.writeLong(keys[i]);
                if (!removed[i]) {
                    fixed.serializeLongs(values, i * width, out);
                }
            }
        }
    }

    private static final int INITIAL_SEGMENT_CAPACITY = 64;
    private static final Segment[] NONE = new Segment[0];

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final boolean longKeys;
    /** The longs per value of a log of inline values; 0 for a log of value objects. */
    private final int inlineWidth;

    private ChangeLog(boolean longKeys, int inlineWidth) {
        this.longKeys = longKeys;
        this.inlineWidth = inlineWidth;
    }

    static ChangeLog forObjectKeys() {
        return new ChangeLog(false, 0);
    }

    static ChangeLog forLongKeys() {
        return new ChangeLog(true, 0);
    }

    /** A log of {@code long} keys and values of {@code width} longs each, copied in ({@link InlineSegment}). */
    static ChangeLog forInlineValues(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("inline values take at least one long, got " + width);
        }
        return new ChangeLog(true, width);
    }

    void add(Object key, Object value, int version) {
        if (longKeys) {
            throw new IllegalStateException("a log of long keys takes add(long, ...)");
        }
        Segment last = segments.peekLast();
        if (last == null || last.version != version) {
            last = new ObjectKeySegment(version, capacityAfter(last));
            segments.addLast(last);
        }
        ((ObjectKeySegment) last).add(key, value);
    }

    void add(long key, Object value, int version) {
        if (!longKeys || inlineWidth > 0) {
            throw new IllegalStateException("a log of object keys takes add(Object, ...)");
        }
        Segment last = segments.peekLast();
        if (last == null || last.version != version) {
            last = new LongKeySegment(version, capacityAfter(last));
            segments.addLast(last);
        }
        ((LongKeySegment) last).add(key, value);
    }

    /**
     * Logs that {@code key} now holds the value at {@code from[offset ..]}; returns the change's index
     * in the version's segment, where later writes of the same version go ({@link #set}).
     */
    int addInline(long key, long[] from, int offset, int version) {
        return inlineSegment(version).add(key, from, offset);
    }

    /** Logs the removal of {@code key} from a table of inline values. */
    void addInlineRemoval(long key, int version) {
        inlineSegment(version).addRemoved(key);
    }

    /** Overwrites the value of change {@code index} of the current version (from {@link #addInline}). */
    void set(int index, long[] from, int offset) {
        ((InlineSegment) segments.peekLast()).set(index, from, offset);
    }

    private InlineSegment inlineSegment(int version) {
        if (inlineWidth == 0) {
            throw new IllegalStateException("a log of value objects takes add(...)");
        }
        Segment last = segments.peekLast();
        if (last == null || last.version != version) {
            last = new InlineSegment(version, capacityAfter(last), inlineWidth);
            segments.addLast(last);
        }
        return (InlineSegment) last;
    }

    /**
     * A new segment's room: its predecessor's size and an eighth, since a checkpoint interval changes
     * about as many entries as the one before; a segment grown from the smallest size by doubling
     * copied its arrays a dozen times at millions of keys (JFR: an eighth of a worker's allocation).
     */
    static int capacityAfter(Segment previous) {
        if (previous == null) {
            return INITIAL_SEGMENT_CAPACITY;
        }
        int size = previous.size;
        return Math.max(INITIAL_SEGMENT_CAPACITY, size + (size >>> 3));
    }

    /** The segments of the versions after {@code version}, oldest first. */
    Segment[] since(int version) {
        if (segments.isEmpty()) {
            return NONE;
        }
        List<Segment> result = new ArrayList<>();
        for (Segment s : segments) {
            if (s.version > version) {
                result.add(s);
            }
        }
        return result.toArray(NONE);
    }

    /** Forgets the changes of versions up to {@code version}: no snapshot will build on an older one. */
    void forget(int version) {
        while (!segments.isEmpty() && segments.peekFirst().version <= version) {
            segments.removeFirst();
        }
    }

    // For tests.
    int entries() {
        int n = 0;
        for (Segment s : segments) {
            n += s.size;
        }
        return n;
    }
}
