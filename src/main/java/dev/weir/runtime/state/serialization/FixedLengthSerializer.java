package dev.weir.runtime.state.serialization;

import java.io.DataOutput;
import java.io.IOException;

/**
 * A serializer whose values are always the same few {@code long}s (a {@code long}, a {@code double},
 * a pair of counters): the heap state backend keeps such values inline in its tables, beside their
 * keys, instead of one object per key (Flink's fixed-length serializers, {@code getLength() > 0},
 * in the unit the tables store). A value read from such a table is a fresh copy, so only
 * {@code update} changes the state, as with any serializing backend.
 */
public interface FixedLengthSerializer<T> extends TypeSerializer<T> {

    /** The number of {@code long}s a value takes: at least 1, the same for every value. */
    int longs();

    /** Stores {@code value} in {@code to[offset .. offset + longs())}. */
    void toLongs(T value, long[] to, int offset);

    /** A new value from {@code from[offset .. offset + longs())}. */
    T fromLongs(long[] from, int offset);

    /** Writes the value stored at {@code from[offset ..]} with the same bytes as {@link #serialize}. */
    default void serializeLongs(long[] from, int offset, DataOutput out) throws IOException {
        serialize(fromLongs(from, offset), out);
    }
}
