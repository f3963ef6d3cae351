package dev.weir.connectors.sink;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The records one subtask buffered between two barriers, kept serialized: the state holds them
 * as they were at the barrier even if the record objects are mutable, and the snapshot copies
 * bytes instead of serializing again.
 */
record PendingBatch(int subtask, long checkpointId, int count, byte[] records) {

    <IN> List<IN> values(TypeSerializer<IN> serializer) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(records));
        List<IN> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(serializer.deserialize(in));
        }
        return values;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(subtask);
        out.writeLong(checkpointId);
        out.writeInt(count);
        out.writeInt(records.length);
        out.write(records);
    }

    static PendingBatch readFrom(DataInput in) throws IOException {
        int subtask = in.readInt();
        long checkpointId = in.readLong();
        int count = in.readInt();
        byte[] records = new byte[in.readInt()];
        in.readFully(records);
        return new PendingBatch(subtask, checkpointId, count, records);
    }
}
