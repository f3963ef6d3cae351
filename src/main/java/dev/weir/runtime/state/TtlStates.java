package dev.weir.runtime.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Keyed states with a time to live, for every backend: each value is stored with the time it was
 * last renewed ({@link TtlValue}) in the backend's own state of the same name, and these views
 * hide and remove expired entries on access (Flink's TTL decorators, processing time). The
 * {@link SnapshotFilter}s let a backend leave expired entries out of snapshots and restores.
 */
public final class TtlStates {

    private TtlStates() {}

    /** Gives the backend's plain state for a descriptor without TTL, with what filters its snapshots. */
    public interface InnerStates {
        <S> S get(StateDescriptor<S> descriptor, SnapshotFilter<?> filter);
    }

    /**
     * Drops what expired from a stored value at time {@code now}: returns the value itself when
     * nothing expired, a filtered copy, or null when all of it expired. Never changes {@code value}.
     */
    @FunctionalInterface
    public interface SnapshotFilter<V> {
        V unexpired(V value, long now);
    }

    @SuppressWarnings("unchecked")
    public static <S> S create(StateDescriptor<S> descriptor, LongSupplier clock, InnerStates inner) {
        StateTtlConfig ttl = descriptor.ttl();
        if (descriptor instanceof StateDescriptor.Value<?> v) {
            SnapshotFilter<TtlValue<Object>> filter = (value, now) -> ttl.expired(value.lastAccess(), now) ? null : value;
            ValueState<TtlValue<Object>> state = inner.get(new StateDescriptor.Value<>(v.name(),
                    TtlValue.serializer((TypeSerializer<Object>) v.serializer())), filter);
            return (S) new TtlValueState<>(state, ttl, clock);
        }
        if (descriptor instanceof StateDescriptor.MapOf<?, ?> m) {
            SnapshotFilter<HashMap<Object, TtlValue<Object>>> filter = (map, now) -> unexpiredEntries(map, ttl, now);
            MapState<Object, TtlValue<Object>> state = inner.get(new StateDescriptor.MapOf<>(m.name(),
                    (TypeSerializer<Object>) m.keySerializer(),
                    TtlValue.serializer((TypeSerializer<Object>) m.valueSerializer())), filter);
            return (S) new TtlMapState<>(state, ttl, clock);
        }
        StateDescriptor.ListOf<?> l = (StateDescriptor.ListOf<?>) descriptor;
        SnapshotFilter<ArrayList<TtlValue<Object>>> filter = (list, now) -> unexpiredElements(list, ttl, now);
        ListState<TtlValue<Object>> state = inner.get(new StateDescriptor.ListOf<>(l.name(),
                TtlValue.serializer((TypeSerializer<Object>) l.serializer())), filter);
        return (S) new TtlListState<>(state, ttl, clock);
    }

    private static <K, V> HashMap<K, TtlValue<V>> unexpiredEntries(HashMap<K, TtlValue<V>> map, StateTtlConfig ttl,
                                                                   long now) {
        HashMap<K, TtlValue<V>> kept = null;
        for (Map.Entry<K, TtlValue<V>> e : map.entrySet()) {
            if (ttl.expired(e.getValue().lastAccess(), now)) {
                if (kept == null) {
                    kept = new HashMap<>(map);
                }
                kept.remove(e.getKey());
            }
        }
        return kept == null ? map : kept.isEmpty() ? null : kept;
    }

    private static <T> ArrayList<TtlValue<T>> unexpiredElements(ArrayList<TtlValue<T>> list, StateTtlConfig ttl,
                                                                long now) {
        ArrayList<TtlValue<T>> kept = new ArrayList<>(list.size());
        for (TtlValue<T> element : list) {
            if (!ttl.expired(element.lastAccess(), now)) {
                kept.add(element);
            }
        }
        return kept.size() == list.size() ? list : kept.isEmpty() ? null : kept;
    }

    private record TtlValueState<T>(ValueState<TtlValue<T>> inner, StateTtlConfig ttl, LongSupplier clock)
            implements ValueState<T> {
        @Override
        public T value() {
            TtlValue<T> stored = inner.value();
            if (stored == null) {
                return null;
            }
            long now = clock.getAsLong();
            if (ttl.expired(stored.lastAccess(), now)) {
                inner.clear();
                return null;
            }
            if (ttl.updateType() == StateTtlConfig.UpdateType.ON_READ_AND_WRITE) {
                inner.update(new TtlValue<>(stored.value(), now));
            }
            return stored.value();
        }

        @Override
        public void update(T value) {
            if (value == null) {
                inner.clear();
            } else {
                inner.update(new TtlValue<>(value, clock.getAsLong()));
            }
        }

        @Override
        public void clear() {
            inner.clear();
        }
    }

    private record TtlMapState<K, V>(MapState<K, TtlValue<V>> inner, StateTtlConfig ttl, LongSupplier clock)
            implements MapState<K, V> {
        @Override
        public V get(K key) {
            TtlValue<V> stored = inner.get(key);
            if (stored == null) {
                return null;
            }
            long now = clock.getAsLong();
            if (ttl.expired(stored.lastAccess(), now)) {
                inner.remove(key);
                return null;
            }
            if (ttl.updateType() == StateTtlConfig.UpdateType.ON_READ_AND_WRITE) {
                inner.put(key, new TtlValue<>(stored.value(), now));
            }
            return stored.value();
        }

        @Override
        public void put(K key, V value) {
            inner.put(key, new TtlValue<>(value, clock.getAsLong()));
        }

        @Override
        public void remove(K key) {
            inner.remove(key);
        }

        @Override
        public boolean contains(K key) {
            return get(key) != null;
        }

        /** The unexpired entries, read at once; the expired ones are removed. */
        @Override
        public Iterable<Map.Entry<K, V>> entries() {
            long now = clock.getAsLong();
            List<Map.Entry<K, V>> live = new ArrayList<>();
            List<K> expired = new ArrayList<>();
            for (Map.Entry<K, TtlValue<V>> e : inner.entries()) {
                if (ttl.expired(e.getValue().lastAccess(), now)) {
                    expired.add(e.getKey());
                } else {
                    live.add(Map.entry(e.getKey(), e.getValue().value()));
                }
            }
            expired.forEach(inner::remove);
            if (ttl.updateType() == StateTtlConfig.UpdateType.ON_READ_AND_WRITE) {
                live.forEach(e -> inner.put(e.getKey(), new TtlValue<>(e.getValue(), now)));
            }
            return live;
        }

        @Override
        public boolean isEmpty() {
            return !entries().iterator().hasNext();
        }

        @Override
        public void clear() {
            inner.clear();
        }
    }

    private record TtlListState<T>(ListState<TtlValue<T>> inner, StateTtlConfig ttl, LongSupplier clock)
            implements ListState<T> {
        @Override
        public List<T> get() {
            List<TtlValue<T>> stored = inner.get();
            if (stored.isEmpty()) {
                return List.of();
            }
            long now = clock.getAsLong();
            List<T> live = new ArrayList<>(stored.size());
            boolean anyExpired = false;
            for (TtlValue<T> element : stored) {
                if (ttl.expired(element.lastAccess(), now)) {
                    anyExpired = true;
                } else {
                    live.add(element.value());
                }
            }
            if (ttl.updateType() == StateTtlConfig.UpdateType.ON_READ_AND_WRITE) {
                update(live, now);
            } else if (anyExpired) {
                List<TtlValue<T>> kept = new ArrayList<>(live.size());
                for (TtlValue<T> element : stored) {
                    if (!ttl.expired(element.lastAccess(), now)) {
                        kept.add(element);
                    }
                }
                inner.update(kept);
            }
            return java.util.Collections.unmodifiableList(live);
        }

        @Override
        public void add(T value) {
            inner.add(new TtlValue<>(value, clock.getAsLong()));
        }

        @Override
        public void update(List<T> values) {
            update(values, clock.getAsLong());
        }

        private void update(List<T> values, long now) {
            List<TtlValue<T>> stamped = new ArrayList<>(values.size());
            for (T value : values) {
                stamped.add(new TtlValue<>(value, now));
            }
            inner.update(stamped);
        }

        @Override
        public void clear() {
            inner.clear();
        }
    }
}
