package dev.weir.runtime.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The heap implementations of the keyed state interfaces: thin views over a {@link StateTable}. */
final class HeapStates {

    private HeapStates() {}

    record HeapValueState<T>(StateTable<?, T> table) implements ValueState<T> {
        @Override
        public T value() {
            return table.get();
        }

        @Override
        public void update(T value) {
            if (value == null) {
                table.remove();
            } else {
                table.put(value);
            }
        }

        @Override
        public void clear() {
            table.remove();
        }
    }

    record HeapMapState<K, V>(StateTable<?, HashMap<K, V>> table) implements MapState<K, V> {
        @Override
        public V get(K key) {
            HashMap<K, V> map = table.get();
            return map == null ? null : map.get(key);
        }

        @Override
        public void put(K key, V value) {
            HashMap<K, V> map = table.get();
            if (map == null) {
                map = new HashMap<>();
                table.put(map);
            }
            map.put(key, value);
        }

        @Override
        public void remove(K key) {
            HashMap<K, V> map = table.get();
            if (map != null) {
                map.remove(key);
                if (map.isEmpty()) {
                    table.remove();
                }
            }
        }

        @Override
        public boolean contains(K key) {
            HashMap<K, V> map = table.get();
            return map != null && map.containsKey(key);
        }

        @Override
        public Iterable<Map.Entry<K, V>> entries() {
            HashMap<K, V> map = table.get();
            return map == null ? Collections.emptyList() : Collections.unmodifiableMap(map).entrySet();
        }

        @Override
        public boolean isEmpty() {
            HashMap<K, V> map = table.get();
            return map == null || map.isEmpty();
        }

        @Override
        public void clear() {
            table.remove();
        }
    }

    record HeapListState<T>(StateTable<?, ArrayList<T>> table) implements ListState<T> {
        @Override
        public List<T> get() {
            ArrayList<T> list = table.get();
            return list == null ? List.of() : Collections.unmodifiableList(list);
        }

        @Override
        public void add(T value) {
            ArrayList<T> list = table.get();
            if (list == null) {
                list = new ArrayList<>();
                table.put(list);
            }
            list.add(value);
        }

        @Override
        public void update(List<T> values) {
            if (values.isEmpty()) {
                table.remove();
            } else {
                table.put(new ArrayList<>(values));
            }
        }

        @Override
        public void clear() {
            table.remove();
        }
    }
}
