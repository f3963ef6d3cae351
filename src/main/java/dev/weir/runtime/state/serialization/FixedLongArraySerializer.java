package dev.weir.runtime.state.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** {@link Types#longArray}: arrays of one length, with {@link Types#LONG_ARRAY}'s bytes (length, then the longs). */
final class FixedLongArraySerializer implements FixedLengthSerializer<long[]> {

    private final int length;

    FixedLongArraySerializer(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("a fixed-length long array needs a length of at least 1, got " + length);
        }
        this.length = length;
    }

    @Override
    public int longs() {
        return length;
    }

    @Override
    public void toLongs(long[] value, long[] to, int offset) {
        checkLength(value.length);
        System.arraycopy(value, 0, to, offset, length);
    }

    @Override
    public long[] fromLongs(long[] from, int offset) {
        long[] value = new long[length];
        System.arraycopy(from, offset, value, 0, length);
        return value;
    }

    @Override
    public void serializeLongs(long[] from, int offset, DataOutput out) throws IOException {
        out.writeInt(length);
        for (int i = 0; i < length; i++) {
            out.writeLong(from[offset + i]);
        }
    }

    @Override
    public void serialize(long[] value, DataOutput out) throws IOException {
        checkLength(value.length);
        serializeLongs(value, 0, out);
    }

    @Override
    public long[] deserialize(DataInput in) throws IOException {
        int n = in.readInt();
        if (n != length) {
            throw new IOException("expected a long array of length " + length + ", read length " + n);
        }
        long[] value = new long[length];
        for (int i = 0; i < length; i++) {
            value[i] = in.readLong();
        }
        return value;
    }

    @Override
    public long[] copy(long[] value) {
        return value.clone();
    }

    private void checkLength(int n) {
        if (n != length) {
            throw new IllegalArgumentException("this state holds long arrays of length " + length + ", got length " + n);
        }
    }

    @Override
    public String toString() {
        return "longArray(" + length + ")";
    }
}
