package dev.weir.runtime.state.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Writes and reads values of one type: keys and values of keyed state, operator state, and records
 * that cross process boundaries. Implementations are stateless and thread-safe.
 */
public interface TypeSerializer<T> {

    void serialize(T value, DataOutput out) throws IOException;

    T deserialize(DataInput in) throws IOException;

    /**
     * A deep copy of {@code value}: the heap state backend copies a value before handing it out for
     * an update while a snapshot still refers to it (copy-on-write snapshots). The default goes
     * through {@link #serialize} and {@link #deserialize}; serializers of immutable types return
     * the value itself, others may copy faster.
     */
    default T copy(T value) {
        DataOutputBuffer out = new DataOutputBuffer(64);
        try {
            serialize(value, out);
            DataInputBuffer in = new DataInputBuffer();
            in.reset(out.array(), 0, out.length());
            return deserialize(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot copy " + value.getClass().getName(), e);
        }
    }
}
