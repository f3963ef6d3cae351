package dev.weir.runtime.state.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;

/** Serializers for the common types; {@link #java()} is the slow fallback for any Serializable. */
public final class Types {

    private Types() {}

    public static final TypeSerializer<Long> LONG = new FixedLengthSerializer<>() {
        @Override
        public Long copy(Long value) {
            return value; // immutable
        }

        @Override
        public int longs() {
            return 1;
        }

        @Override
        public void toLongs(Long value, long[] to, int offset) {
            to[offset] = value;
        }

        @Override
        public Long fromLongs(long[] from, int offset) {
            return from[offset];
        }

        @Override
        public void serializeLongs(long[] from, int offset, DataOutput out) throws IOException {
            out.writeLong(from[offset]);
        }

        @Override
        public void serialize(Long value, DataOutput out) throws IOException {
            out.writeLong(value);
        }

        @Override
        public Long deserialize(DataInput in) throws IOException {
            return in.readLong();
        }
    };

    public static final TypeSerializer<Integer> INT = new FixedLengthSerializer<>() {
        @Override
        public Integer copy(Integer value) {
            return value; // immutable
        }

        @Override
        public int longs() {
            return 1;
        }

        @Override
        public void toLongs(Integer value, long[] to, int offset) {
            to[offset] = value;
        }

        @Override
        public Integer fromLongs(long[] from, int offset) {
            return (int) from[offset];
        }

        @Override
        public void serialize(Integer value, DataOutput out) throws IOException {
            out.writeInt(value);
        }

        @Override
        public Integer deserialize(DataInput in) throws IOException {
            return in.readInt();
        }
    };

    public static final TypeSerializer<Double> DOUBLE = new FixedLengthSerializer<>() {
        @Override
        public Double copy(Double value) {
            return value; // immutable
        }

        @Override
        public int longs() {
            return 1;
        }

        @Override
        public void toLongs(Double value, long[] to, int offset) {
            to[offset] = Double.doubleToRawLongBits(value);
        }

        @Override
        public Double fromLongs(long[] from, int offset) {
            return Double.longBitsToDouble(from[offset]);
        }

        @Override
        public void serialize(Double value, DataOutput out) throws IOException {
            out.writeDouble(value);
        }

        @Override
        public Double deserialize(DataInput in) throws IOException {
            return in.readDouble();
        }
    };

    public static final TypeSerializer<Boolean> BOOLEAN = new TypeSerializer<>() {
        @Override
        public Boolean copy(Boolean value) {
            return value; // immutable
        }

        @Override
        public void serialize(Boolean value, DataOutput out) throws IOException {
            out.writeBoolean(value);
        }

        @Override
        public Boolean deserialize(DataInput in) throws IOException {
            return in.readBoolean();
        }
    };

    /** UTF-8 strings of any length (DataOutput.writeUTF is limited to 64 KiB). */
    public static final TypeSerializer<String> STRING = new TypeSerializer<>() {
        @Override
        public String copy(String value) {
            return value; // immutable
        }

        @Override
        public void serialize(String value, DataOutput out) throws IOException {
            byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        @Override
        public String deserialize(DataInput in) throws IOException {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    };

    public static final TypeSerializer<byte[]> BYTES = new TypeSerializer<>() {
        @Override
        public byte[] copy(byte[] value) {
            return value.clone();
        }

        @Override
        public void serialize(byte[] value, DataOutput out) throws IOException {
            out.writeInt(value.length);
            out.write(value);
        }

        @Override
        public byte[] deserialize(DataInput in) throws IOException {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return bytes;
        }
    };

    /** Pairs of longs, e.g. (count, sum). */
    public static final TypeSerializer<long[]> LONG_ARRAY = new TypeSerializer<>() {
        @Override
        public long[] copy(long[] value) {
            return value.clone();
        }

        @Override
        public void serialize(long[] value, DataOutput out) throws IOException {
            out.writeInt(value.length);
            for (long v : value) {
                out.writeLong(v);
            }
        }

        @Override
        public long[] deserialize(DataInput in) throws IOException {
            long[] value = new long[in.readInt()];
            for (int i = 0; i < value.length; i++) {
                value[i] = in.readLong();
            }
            return value;
        }
    };

    /**
     * Arrays of exactly {@code length} longs, written as {@link #LONG_ARRAY} writes them (so either
     * reads what the other wrote): fixed-length, so the heap backend keeps them inline in its tables.
     * Another length is refused when written or read.
     */
    public static FixedLengthSerializer<long[]> longArray(int length) {
        return new FixedLongArraySerializer(length);
    }

    /** Lists of {@code element} values: the size, then each element. Copies are deep (each element copied). */
    public static <T> TypeSerializer<java.util.List<T>> list(TypeSerializer<T> element) {
        if (element == null) {
            throw new IllegalArgumentException("the element serializer must not be null");
        }
        return new TypeSerializer<>() {
            @Override
            public void serialize(java.util.List<T> value, DataOutput out) throws IOException {
                out.writeInt(value.size());
                for (T item : value) {
                    element.serialize(item, out);
                }
            }

            @Override
            public java.util.List<T> deserialize(DataInput in) throws IOException {
                int size = in.readInt();
                if (size < 0) {
                    throw new IOException("negative list size " + size);
                }
                java.util.List<T> list = new java.util.ArrayList<>(Math.min(size, 1024));
                for (int i = 0; i < size; i++) {
                    list.add(element.deserialize(in));
                }
                return list;
            }

            @Override
            public java.util.List<T> copy(java.util.List<T> value) {
                java.util.List<T> copy = new java.util.ArrayList<>(value.size());
                for (T item : value) {
                    copy.add(element.copy(item));
                }
                return copy;
            }
        };
    }

    /**
     * A serializer derived from {@code type}, built once: primitives and their boxes, String,
     * byte[], enums (by constant name), and Java records whose components are these, nested records,
     * or {@code List}/{@code Map} of them. A record is written component by component through method
     * handles on its accessors and canonical constructor; components that may be null cost one byte.
     *
     * @throws IllegalArgumentException naming the component that cannot be derived
     */
    public static <T> TypeSerializer<T> of(Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("the type must not be null");
        }
        return DerivedSerializers.of(type);
    }

    /** Whether {@link #of} derives a serializer for {@code type}. */
    public static boolean derivable(Class<?> type) {
        return DerivedSerializers.derivable(type);
    }

    /**
     * Java serialization: works for any Serializable, at a price. Prefer a dedicated serializer.
     * Classes are resolved through the context class loader of the thread calling this method,
     * which in {@code define()} is the job's user-code class loader.
     */
    public static <T extends Serializable> TypeSerializer<T> java() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return java(context != null ? context : Types.class.getClassLoader());
    }

    /** Java serialization resolving classes through {@code classLoader} (the job's user-code class loader). */
    public static <T extends Serializable> TypeSerializer<T> java(ClassLoader classLoader) {
        return new JavaSerializer<>(classLoader);
    }
}
