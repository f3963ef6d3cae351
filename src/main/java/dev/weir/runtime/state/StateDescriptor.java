package dev.weir.runtime.state;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Names a keyed state and says how to serialize it; the name matches snapshot data on restore.
 * {@code withTtl} gives its entries a time to live ({@link StateTtlConfig}).
 */
public sealed interface StateDescriptor<S>
        permits StateDescriptor.Value, StateDescriptor.MapOf, StateDescriptor.ListOf {

    String name();

    /** The entries' time to live, or null when they live until removed. */
    StateTtlConfig ttl();

    /** @param ttl the time to live of the value, or null */
    record Value<T>(String name, TypeSerializer<T> serializer, StateTtlConfig ttl)
            implements StateDescriptor<ValueState<T>> {
        public Value(String name, TypeSerializer<T> serializer) {
            this(name, serializer, null);
        }

        public Value<T> withTtl(StateTtlConfig ttl) {
            return new Value<>(name, serializer, ttl);
        }
    }

    /** @param ttl the time to live of each map entry, or null */
    record MapOf<K, V>(String name, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer,
                       StateTtlConfig ttl) implements StateDescriptor<MapState<K, V>> {
        public MapOf(String name, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer) {
            this(name, keySerializer, valueSerializer, null);
        }

        public MapOf<K, V> withTtl(StateTtlConfig ttl) {
            return new MapOf<>(name, keySerializer, valueSerializer, ttl);
        }
    }

    /** @param ttl the time to live of each element, or null */
    record ListOf<T>(String name, TypeSerializer<T> serializer, StateTtlConfig ttl)
            implements StateDescriptor<ListState<T>> {
        public ListOf(String name, TypeSerializer<T> serializer) {
            this(name, serializer, null);
        }

        public ListOf<T> withTtl(StateTtlConfig ttl) {
            return new ListOf<>(name, serializer, ttl);
        }
    }

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
