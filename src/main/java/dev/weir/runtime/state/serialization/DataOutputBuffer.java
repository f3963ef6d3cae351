package dev.weir.runtime.state.serialization;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;

/** A reusable in-memory DataOutput: reset() keeps the backing array, so snapshots do not regrow it. */
public final class DataOutputBuffer extends DataOutputStream {

    private final Bytes bytes;

    public DataOutputBuffer(int initialSize) {
        this(new Bytes(initialSize));
    }

    private DataOutputBuffer(Bytes bytes) {
        super(bytes);
        this.bytes = bytes;
    }

    public void reset() {
        bytes.reset();
        written = 0;
    }

    public int length() {
        return bytes.size();
    }

    public byte[] toByteArray() {
        return bytes.toByteArray();
    }

    /** The backing array; valid up to {@link #length()}. */
    public byte[] array() {
        return bytes.array();
    }

    private static final class Bytes extends ByteArrayOutputStream {
        Bytes(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }
}
