package dev.weir.runtime.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.TypeSerializer;

/** A state value with the processing time it was last renewed at: what TTL states store. */
record TtlValue<T>(T value, long lastAccess) {

    /** Writes the time, then the value. */
    static <T> TypeSerializer<TtlValue<T>> serializer(TypeSerializer<T> values) {
        return new TypeSerializer<>() {
            @Override
            public void serialize(TtlValue<T> ttlValue, DataOutput out) throws IOException {
                out.writeLong(ttlValue.lastAccess());
                values.serialize(ttlValue.value(), out);
            }

            @Override
            public TtlValue<T> deserialize(DataInput in) throws IOException {
                long lastAccess = in.readLong();
                return new TtlValue<>(values.deserialize(in), lastAccess);
            }

            @Override
            public TtlValue<T> copy(TtlValue<T> ttlValue) {
                return new TtlValue<>(values.copy(ttlValue.value()), ttlValue.lastAccess());
            }
        };
    }
}
