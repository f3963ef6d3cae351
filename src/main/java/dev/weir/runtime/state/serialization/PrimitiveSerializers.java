package dev.weir.runtime.state.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** The less common primitives' boxes, for derived serializers (the common ones are in {@link Types}). */
final class PrimitiveSerializers {

    private PrimitiveSerializers() {}

    static final TypeSerializer<Float> FLOAT = new Immutable<>() {
        @Override
        public void serialize(Float value, DataOutput out) throws IOException {
            out.writeFloat(value);
        }

        @Override
        public Float deserialize(DataInput in) throws IOException {
            return in.readFloat();
        }
    };

    static final TypeSerializer<Short> SHORT = new Immutable<>() {
        @Override
        public void serialize(Short value, DataOutput out) throws IOException {
            out.writeShort(value);
        }

        @Override
        public Short deserialize(DataInput in) throws IOException {
            return in.readShort();
        }
    };

    static final TypeSerializer<Byte> BYTE = new Immutable<>() {
        @Override
        public void serialize(Byte value, DataOutput out) throws IOException {
            out.writeByte(value);
        }

        @Override
        public Byte deserialize(DataInput in) throws IOException {
            return in.readByte();
        }
    };

    static final TypeSerializer<Character> CHAR = new Immutable<>() {
        @Override
        public void serialize(Character value, DataOutput out) throws IOException {
            out.writeChar(value);
        }

        @Override
        public Character deserialize(DataInput in) throws IOException {
            return in.readChar();
        }
    };

    /** Values that are never changed in place: a copy is the value itself. */
    private abstract static class Immutable<T> implements TypeSerializer<T> {
        @Override
        public T copy(T value) {
            return value;
        }
    }
}
