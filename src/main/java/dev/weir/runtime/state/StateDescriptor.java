package dev.weir.runtime.state;

import dev.weir.runtime.state.serialization.TypeSerializer;

/** Names a keyed state and says how to serialize it; the name matches snapshot data on restore. */
public sealed interface StateDescriptor<S>
        permits StateDescriptor.Value, StateDescriptor.MapOf, StateDescriptor.ListOf {

    String name();

    record Value<T>(String name, TypeSerializer<T> serializer) implements StateDescriptor<ValueState<T>> {}

    record MapOf<K, V>(String name, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer)
            implements StateDescriptor<MapState<K, V>> {}

    record ListOf<T>(String name, TypeSerializer<T> serializer) implements StateDescriptor<ListState<T>> {}

    static <T> Value<T> value(String name, TypeSerializer<T> serializer) {
        return new Value<>(name, serializer);
    }

    static <K, V> MapOf<K, V> map(String name, TypeSerializer<K> keys, TypeSerializer<V> values) {
        return new MapOf<>(name, keys, values);
    }

    static <T> ListOf<T> list(String name, TypeSerializer<T> serializer) {
        return new ListOf<>(name, serializer);
    }
}
