package dev.weir.testkit;

import java.io.IOException;

import dev.weir.runtime.state.serialization.DataInputBuffer;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/** A value written and read back with its serializer, as a record that crosses workers is. */
final class SerializedCopy {

    private SerializedCopy() {}

    /** {@code value} itself when there is no serializer. */
    static <T> T of(TypeSerializer<T> serializer, T value, String what) throws IOException {
        if (serializer == null) {
            return value;
        }
        DataOutputBuffer out = new DataOutputBuffer(256);
        serializer.serialize(value, out);
        DataInputBuffer in = new DataInputBuffer();
        in.reset(out.array(), 0, out.length());
        T copy = serializer.deserialize(in);
        if (in.available() != 0) {
            throw new IllegalStateException(serializer.getClass().getName() + " wrote " + out.length()
                    + " bytes for " + what + " " + value + " but read back only " + (out.length() - in.available())
                    + ": the records after it would be read from the wrong place");
        }
        return copy;
    }
}
