package dev.weir.runtime.state;

import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * What a {@link KeyTable} changed, in order, for incremental snapshots: each entry that was written,
 * read for an update, or removed, once per version (again when its value object is replaced), with
 * the value object then in the table. It is appended to while the entry is at hand, so a snapshot
 * takes the segments of the versions since the one it builds on without touching the table (no scan,
 * no copy); the values it holds are protected as any capture's are, by {@link KeyTable#get}'s copy
 * of a value that a snapshot in flight still holds. Task thread only; a segment handed to a snapshot
 * is never appended to again (its version is over).
 */
final class ChangeLog {

    /** The value of a removal. */
    static final Object REMOVED = new Object();

    /** The changes of one version, in order. */
    static final class Segment {
        final int version;
        Object[] keys = new Object[64];
        Object[] values = new Object[64];
        int size;

        Segment(int version) {
            this.version = version;
        }

        private void add(Object key, Object value) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = value;
            size++;
        }

        /** Writes the changes as {@code (boolean removed, key[, value])}. */
        @SuppressWarnings("unchecked")
        <K, V> void write(DataOutput out, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer)
                throws IOException {
            for (int i = 0; i < size; i++) {
                Object value = values[i];
                out.writeBoolean(value == REMOVED);
                keySerializer.serialize((K) keys[i], out);
                if (value != REMOVED) {
                    valueSerializer.serialize((V) value, out);
                }
            }
        }
    }

    private static final Segment[] NONE = new Segment[0];

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();

    void add(Object key, Object value, int version) {
        Segment last = segments.peekLast();
        if (last == null || last.version != version) {
            last = new Segment(version);
            segments.addLast(last);
        }
        last.add(key, value);
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
