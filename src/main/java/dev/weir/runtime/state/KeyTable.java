package dev.weir.runtime.state;

import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The entries of one keyed state in one key group: an open-addressing hash table, so a lookup
 * touches the table's arrays and the value, not a chain of entry objects. Values are never null
 * (a null value is a removed entry). Used on the task thread only.
 */
interface KeyTable<K, V> {

    V get(K key);

    void put(K key, V value);

    void remove(K key);

    int size();

    void forEach(EntryVisitor<K, V> visitor) throws IOException;

    /**
     * Writes every entry as (key, value) with the given serializers, in table order: the snapshot's
     * loop, kept free of per-entry lambdas and boxing because the first snapshots of a task run
     * before the JIT has compiled it (a checkpoint's first seconds are its most expensive).
     */
    void writeEntries(DataOutput out, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer)
            throws IOException;

    /** Receives the entries of a table, e.g. to write them into a snapshot. */
    @FunctionalInterface
    interface EntryVisitor<K, V> {
        void visit(K key, V value) throws IOException;
    }

    /** Tables for {@code long} keys keep them unboxed in the table itself. */
    static <K, V> KeyTable<K, V> create(TypeSerializer<K> keySerializer) {
        @SuppressWarnings("unchecked")
        KeyTable<K, V> table = keySerializer == dev.weir.runtime.state.serialization.Types.LONG
                ? (KeyTable<K, V>) new LongKeyTable<V>()
                : new ObjectKeyTable<>();
        return table;
    }
}
