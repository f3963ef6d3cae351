package dev.weir.runtime.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.state.serialization.TypeSerializer;

/** Serializers for the per-key containers behind MapState and ListState. */
final class CollectionSerializers {

    private CollectionSerializers() {}

    static <K, V> TypeSerializer<HashMap<K, V>> hashMap(TypeSerializer<K> keys, TypeSerializer<V> values) {
        return new TypeSerializer<>() {
            @Override
            public void serialize(HashMap<K, V> map, DataOutput out) throws IOException {
                out.writeInt(map.size());
                for (Map.Entry<K, V> e : map.entrySet()) {
                    keys.serialize(e.getKey(), out);
                    values.serialize(e.getValue(), out);
                }
            }

            @Override
            public HashMap<K, V> deserialize(DataInput in) throws IOException {
                int n = in.readInt();
                HashMap<K, V> map = new HashMap<>(Math.max(4, n * 2));
                for (int i = 0; i < n; i++) {
                    map.put(keys.deserialize(in), values.deserialize(in));
                }
                return map;
            }

            @Override
            public HashMap<K, V> copy(HashMap<K, V> map) {
                HashMap<K, V> copy = new HashMap<>(Math.max(4, map.size() * 2));
                for (Map.Entry<K, V> e : map.entrySet()) {
                    V value = e.getValue();
                    copy.put(keys.copy(e.getKey()), value == null ? null : values.copy(value));
                }
                return copy;
            }
        };
    }

    static <T> TypeSerializer<ArrayList<T>> arrayList(TypeSerializer<T> elements) {
        return new TypeSerializer<>() {
            @Override
            public void serialize(ArrayList<T> list, DataOutput out) throws IOException {
                out.writeInt(list.size());
                for (T t : list) {
                    elements.serialize(t, out);
                }
            }

            @Override
            public ArrayList<T> deserialize(DataInput in) throws IOException {
                int n = in.readInt();
                ArrayList<T> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(elements.deserialize(in));
                }
                return list;
            }

            @Override
            public ArrayList<T> copy(ArrayList<T> list) {
                ArrayList<T> copy = new ArrayList<>(list.size());
                for (T t : list) {
                    copy.add(elements.copy(t));
                }
                return copy;
            }
        };
    }

}
