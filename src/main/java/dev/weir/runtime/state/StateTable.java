package dev.weir.runtime.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The working copy of one keyed state on the heap: one hash map per key group, so a snapshot
 * writes key groups independently and a restore at another parallelism reads only its own.
 */
final class StateTable<K, V> implements KeyGroupedStatePart {

    private final String name;
    private final HeapKeyedStateBackend<K> backend;
    private final TypeSerializer<K> keySerializer;
    private final TypeSerializer<V> valueSerializer;
    private final HashMap<K, V>[] maps;

    @SuppressWarnings("unchecked")
    StateTable(String name, HeapKeyedStateBackend<K> backend, TypeSerializer<V> valueSerializer) {
        this.name = name;
        this.backend = backend;
        this.keySerializer = backend.keySerializer();
        this.valueSerializer = valueSerializer;
        this.maps = new HashMap[backend.keyGroupRange().size()];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = new HashMap<>();
        }
    }

    /** The last entry read: read-modify-write of a mutable value then needs one hash lookup, not two. */
    private Object lastKey;
    private V lastValue;

    V get() {
        K key = backend.currentKey();
        V value = maps[backend.currentKeyGroupIndex()].get(key);
        lastKey = key;
        lastValue = value;
        return value;
    }

    void put(V value) {
        K key = backend.currentKey();
        if (value == lastValue && key == lastKey && value != null) {
            return; // the map already holds this very object for this key
        }
        maps[backend.currentKeyGroupIndex()].put(key, value);
        lastKey = key;
        lastValue = value;
    }

    void remove() {
        maps[backend.currentKeyGroupIndex()].remove(backend.currentKey());
        lastKey = null;
        lastValue = null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isEmpty(int keyGroupIndex) {
        return maps[keyGroupIndex].isEmpty();
    }

    @Override
    public void write(int keyGroupIndex, DataOutput out) throws IOException {
        HashMap<K, V> map = maps[keyGroupIndex];
        out.writeInt(map.size());
        for (Map.Entry<K, V> e : map.entrySet()) {
            keySerializer.serialize(e.getKey(), out);
            valueSerializer.serialize(e.getValue(), out);
        }
    }

    @Override
    public void read(int keyGroupIndex, DataInput in) throws IOException {
        lastKey = null;
        lastValue = null;
        HashMap<K, V> map = maps[keyGroupIndex];
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            K key = keySerializer.deserialize(in);
            map.put(key, valueSerializer.deserialize(in));
        }
    }

    int size() {
        int size = 0;
        for (HashMap<K, V> m : maps) {
            size += m.size();
        }
        return size;
    }
}
