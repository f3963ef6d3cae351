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
}
