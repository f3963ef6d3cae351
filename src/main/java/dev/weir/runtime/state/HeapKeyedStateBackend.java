package dev.weir.runtime.state;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Working keyed state of one keyed operator subtask, on the heap. The current key is set once per
 * record; state accessors then read and write that key's entry in its key group's map.
 *
 * <p>Snapshots are taken synchronously on the task thread, one byte array per non-empty key group:
 * {@code int parts; (UTF name, int length, bytes)*}. Restored parts whose state has not been
 * registered yet are kept as bytes and decoded when it is, and written back unchanged by later
 * snapshots if it never is, so no state is dropped because a function did not touch it.
 */
public final class HeapKeyedStateBackend<K> {

    private final TypeSerializer<K> keySerializer;
    private final KeyGroupRange keyGroupRange;
    private final int maxParallelism;
    private final Map<String, KeyGroupedStatePart> parts = new LinkedHashMap<>();
    private final Map<String, Object> states = new HashMap<>();
    /** name → per key-group index raw bytes, for restored state not registered yet. */
    private final Map<String, byte[][]> unclaimed = new TreeMap<>();
    /** Reused by every snapshot (task thread only): it keeps the size of the largest key group. */
    private final DataOutputBuffer snapshotBuffer = new DataOutputBuffer(64 * 1024);

    private K currentKey;
    private int currentKeyGroupIndex;

    public HeapKeyedStateBackend(TypeSerializer<K> keySerializer, KeyGroupRange keyGroupRange, int maxParallelism) {
        this.keySerializer = keySerializer;
        this.keyGroupRange = keyGroupRange;
        this.maxParallelism = maxParallelism;
    }

    public void setCurrentKey(K key) {
        int keyGroup = KeyGroupAssignment.keyGroupFor(key, maxParallelism);
        if (!keyGroupRange.contains(keyGroup)) {
            throw new IllegalStateException("key " + key + " is in key group " + keyGroup
                    + ", outside this subtask's range " + keyGroupRange + ": the key's hashCode is not deterministic");
        }
        this.currentKey = key;
        this.currentKeyGroupIndex = keyGroup - keyGroupRange.start();
    }

    public K currentKey() {
        return currentKey;
    }

    int currentKeyGroupIndex() {
        return currentKeyGroupIndex;
    }

    /** Sets the current key from a key group index directly (timers, restore). */
    public void setCurrentKey(K key, int keyGroupIndex) {
        this.currentKey = key;
        this.currentKeyGroupIndex = keyGroupIndex;
    }

    public TypeSerializer<K> keySerializer() {
        return keySerializer;
    }

    public KeyGroupRange keyGroupRange() {
        return keyGroupRange;
    }

    public int maxParallelism() {
        return maxParallelism;
    }

    @SuppressWarnings("unchecked")
    public <S> S getState(StateDescriptor<S> descriptor) {
        Object existing = states.get(descriptor.name());
        if (existing != null) {
            return (S) existing;
        }
        Object state;
        if (descriptor instanceof StateDescriptor.Value<?> v) {
            state = new HeapStates.HeapValueState<>(register(v.name(), v.serializer()));
        } else if (descriptor instanceof StateDescriptor.MapOf<?, ?> m) {
            state = new HeapStates.HeapMapState<>(
                    register(m.name(), CollectionSerializers.hashMap(m.keySerializer(), m.valueSerializer())));
        } else {
            StateDescriptor.ListOf<?> l = (StateDescriptor.ListOf<?>) descriptor;
            state = new HeapStates.HeapListState<>(register(l.name(), CollectionSerializers.arrayList(l.serializer())));
        }
        states.put(descriptor.name(), state);
        return (S) state;
    }

    private <V> StateTable<K, V> register(String name, TypeSerializer<V> valueSerializer) {
        StateTable<K, V> table = new StateTable<>(name, this, valueSerializer);
        registerPart(table);
        return table;
    }

    /** Adds a part (a state table or a timer queue) and feeds it any restored bytes under its name. */
    public void registerPart(KeyGroupedStatePart part) {
        if (parts.putIfAbsent(part.name(), part) != null) {
            throw new IllegalArgumentException("keyed state '" + part.name() + "' registered twice");
        }
        byte[][] restored = unclaimed.remove(part.name());
        if (restored != null) {
            try {
                for (int i = 0; i < restored.length; i++) {
                    if (restored[i] != null) {
                        part.read(i, new DataInputStream(new ByteArrayInputStream(restored[i])));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot restore keyed state '" + part.name() + "'", e);
            }
        }
    }

    /** Serializes every non-empty key group; returns key group (absolute) → bytes, ascending. */
    public TreeMap<Integer, byte[]> snapshot() throws IOException {
        TreeMap<Integer, byte[]> result = new TreeMap<>();
        DataOutputBuffer group = snapshotBuffer;
        for (int index = 0; index < keyGroupRange.size(); index++) {
            group.reset();
            group.writeInt(0); // number of sections, patched below
            int written = 0;
            for (KeyGroupedStatePart part : parts.values()) {
                if (part.isEmpty(index)) {
                    continue;
                }
                group.writeUTF(part.name());
                int lengthAt = group.length();
                group.writeInt(0);
                part.write(index, group);
                group.writeIntAt(lengthAt, group.length() - lengthAt - Integer.BYTES);
                written++;
            }
            for (Map.Entry<String, byte[][]> e : unclaimed.entrySet()) {
                byte[] bytes = e.getValue()[index];
                if (bytes != null) {
                    group.writeUTF(e.getKey());
                    group.writeInt(bytes.length);
                    group.write(bytes);
                    written++;
                }
            }
            if (written > 0) {
                group.writeIntAt(0, written);
                result.put(keyGroupRange.start() + index, group.toByteArray());
            }
        }
        return result;
    }

    /** Restores one key group written by {@link #snapshot}; call before the states are registered. */
    public void restoreKeyGroup(int keyGroup, byte[] bytes) throws IOException {
        if (!keyGroupRange.contains(keyGroup)) {
            throw new IllegalArgumentException("key group " + keyGroup + " outside " + keyGroupRange);
        }
        int index = keyGroup - keyGroupRange.start();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int sections = in.readInt();
        for (int s = 0; s < sections; s++) {
            String name = in.readUTF();
            byte[] section = new byte[in.readInt()];
            in.readFully(section);
            KeyGroupedStatePart part = parts.get(name);
            if (part != null) {
                part.read(index, new DataInputStream(new ByteArrayInputStream(section)));
            } else {
                unclaimed.computeIfAbsent(name, n -> new byte[keyGroupRange.size()][])[index] = section;
            }
        }
    }

    /** Number of entries in a registered state (for tests and metrics). */
    public int size(String stateName) {
        KeyGroupedStatePart part = parts.get(stateName);
        return part instanceof StateTable<?, ?> t ? t.size() : 0;
    }
}
