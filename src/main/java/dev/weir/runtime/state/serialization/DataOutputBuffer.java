package dev.weir.runtime.state.serialization;

import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A reusable in-memory {@link DataOutput} owned by one thread, writing the same big-endian format
 * as {@link java.io.DataOutputStream} but straight into a growable array: no stream layering, no
 * synchronized writes. {@link #reset()} keeps the array, so snapshots and frames do not regrow it.
 */
public final class DataOutputBuffer implements DataOutput {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] buf;
    private int count;

    public DataOutputBuffer(int initialSize) {
        this.buf = new byte[Math.max(16, initialSize)];
    }

    public void reset() {
        count = 0;
    }

    public int length() {
        return count;
    }

    /** Drops what was written after {@code length} bytes. */
    public void truncate(int length) {
        if (length < 0 || length > count) {
            throw new IndexOutOfBoundsException("length " + length + " of " + count + " written bytes");
        }
        count = length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    /** The backing array; valid up to {@link #length()}. */
    public byte[] array() {
        return buf;
    }

    /** Overwrites four bytes already written (e.g. a length or count known only afterwards). */
    public void writeIntAt(int position, int v) {
        if (position < 0 || position + 4 > count) {
            throw new IndexOutOfBoundsException("position " + position + " of " + count + " written bytes");
        }
        INT.set(buf, position, v);
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        ensure(2);
        SHORT.set(buf, count, (short) v);
        count += 2;
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        INT.set(buf, count, v);
        count += 4;
    }

    @Override
    public void writeLong(long v) {
        ensure(8);
        LONG.set(buf, count, v);
        count += 8;
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[count++] = (byte) s.charAt(i);
        }
    }

    @Override
    public void writeChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            writeChar(s.charAt(i));
        }
    }

    /** Modified UTF-8 with a two-byte length, exactly as {@link java.io.DataOutputStream#writeUTF}. */
    @Override
    public void writeUTF(String s) throws UTFDataFormatException {
        int n = s.length();
        int encoded = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == 0) {
                encoded += c >= 0x800 ? 2 : 1;
            }
        }
        if (encoded > 65535) {
            throw new UTFDataFormatException("encoded string too long: " + encoded + " bytes");
        }
        ensure(2 + encoded);
        writeShort(encoded);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80 && c != 0) {
                buf[count++] = (byte) c;
            } else if (c >= 0x800) {
                buf[count++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
                buf[count++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[count++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buf[count++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
                buf[count++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }
}
