package dev.weir.runtime.dataflow;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.TypeSerializer;

/** A value with the key it belongs to: what a keyed stream's {@code sum} emits per record. */
public record KeyValue<K, V>(K key, V value) {

    /** Writes the key, then the value. */
    public static <K, V> TypeSerializer<KeyValue<K, V>> serializer(TypeSerializer<K> keys, TypeSerializer<V> values) {
        if (keys == null || values == null) {
            throw new IllegalArgumentException("the key and value serializers must not be null");
        }
        return new TypeSerializer<>() {
            @Override
            public void serialize(KeyValue<K, V> pair, DataOutput out) throws IOException {
                keys.serialize(pair.key(), out);
                values.serialize(pair.value(), out);
            }

            @Override
            public KeyValue<K, V> deserialize(DataInput in) throws IOException {
                return new KeyValue<>(keys.deserialize(in), values.deserialize(in));
            }

            @Override
            public KeyValue<K, V> copy(KeyValue<K, V> pair) {
                return new KeyValue<>(keys.copy(pair.key()), values.copy(pair.value()));
            }
        };
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}
