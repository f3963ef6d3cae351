package dev.weir.runtime.state.serialization;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A {@link DataInput} over a region of a byte array that can be pointed at a new region without
 * allocating: reads what {@link DataOutputBuffer} and {@link java.io.DataOutputStream} write,
 * without stream layering or synchronized reads. Owned by one thread.
 */
public final class DataInputBuffer implements DataInput {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] buf = new byte[0];
    private int pos;
    private int limit;

    public void reset(byte[] bytes, int offset, int length) {
        this.buf = bytes;
        this.pos = offset;
        this.limit = offset + length;
    }

    /** Where the next read starts, as an index into the array. */
    public int position() {
        return pos;
    }

    /** Bytes not read yet. */
    public int available() {
        return limit - pos;
    }

    private int take(int n) throws EOFException {
        int at = pos;
        if (n > limit - at) {
            throw new EOFException("needed " + n + " bytes, " + (limit - at) + " left");
        }
        pos = at + n;
        return at;
    }

    @Override
    public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        System.arraycopy(buf, take(len), b, off, len);
    }

    @Override
    public int skipBytes(int n) {
        int skipped = Math.max(0, Math.min(n, limit - pos));
        pos += skipped;
        return skipped;
    }

    @Override
    public boolean readBoolean() throws IOException {
        return buf[take(1)] != 0;
    }

    @Override
    public byte readByte() throws IOException {
        return buf[take(1)];
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return buf[take(1)] & 0xFF;
    }

    @Override
    public short readShort() throws IOException {
        return (short) SHORT.get(buf, take(2));
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return readShort() & 0xFFFF;
    }

    @Override
    public char readChar() throws IOException {
        return (char) readShort();
    }

    @Override
    public int readInt() throws IOException {
        return (int) INT.get(buf, take(4));
    }

    @Override
    public long readLong() throws IOException {
        return (long) LONG.get(buf, take(8));
    }

    @Override
    public float readFloat() throws IOException {
        return Float.intBitsToFloat(readInt());
    }

    @Override
    public double readDouble() throws IOException {
        return Double.longBitsToDouble(readLong());
    }

    @Override
    @Deprecated
    public String readLine() {
        throw new UnsupportedOperationException("readLine is not supported; use readUTF");
    }

    /** Modified UTF-8 with a two-byte length (the JDK's decoder, reading from this buffer). */
    @Override
    public String readUTF() throws IOException {
        return DataInputStream.readUTF(this);
    }
}
