package dev.weir.runtime.state;

import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.FixedLengthSerializer;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * The entries of one keyed state in one key group: an open-addressing hash table, so a lookup
 * touches the table's arrays and the value, not a chain of entry objects. Values are never null
 * (a null value is a removed entry). Used on the task thread only, except for what
 * {@link #capture} hands to a snapshot.
 *
 * <p>Snapshots are copy-on-write ({@link SnapshotVersions}): {@link #capture} gives the snapshot
 * the table's current arrays in O(1); the next change copies them first, and {@link #get} copies
 * a value the snapshot still refers to before handing it out, because callers change values in
 * place (read, modify, write back).
 */
interface KeyTable<K, V> {

    /** The value for {@code key}, safe to change in place (a copy if a snapshot in flight holds it). */
    V get(K key);

    void put(K key, V value);

    void remove(K key);

    /**
     * Where {@code key}'s entry would be, for {@link #touch}, or -1 when this table has nothing to
     * prefetch ({@link KeyedStateBackend#prefetch}). Reads nothing of the entries: the caller
     * first computes the places of several keys, then touches them together.
     */
    default int prefetchOffset(K key) {
        return -1;
    }

    /**
     * Reads at a {@link #prefetchOffset} taken since the last change, so that a later {@link #get}
     * or {@link #put} finds the entry in the cache. Returns what it read, for the caller to keep:
     * the JIT cannot drop the reads.
     */
    default long touch(int offset) {
        return 0;
    }

    int size();

    /**
     * Makes room for {@code entries} entries in all, so that inserting up to that many does not
     * grow the table. A restore calls it before it inserts a snapshot's entries. They come in the
     * order of the table that wrote them, by hash; while a table that grows as it fills is smaller
     * than that one, the entries so far all hash into its first slots and make one run that every
     * further insert probes through: restoring took time quadratic in a key group's entries (5 M
     * keys a subtask, 37 s). At its final size the table places them by hash as the writer did.
     */
    void reserve(int entries);

    /** How many times the table grew because an entry was put into it (for tests). */
    int growths();

    void forEach(EntryVisitor<K, V> visitor) throws IOException;

    /** The entries as they are now, for a snapshot to write later on another thread. */
    Captured<K, V> capture();

    /**
     * The table's changes in the versions after {@code version}, in order, for an incremental
     * snapshot: the segments of its {@link ChangeLog}, kept only while
     * {@link SnapshotVersions#logsChanges()}.
     */
    ChangeLog.Segment[] changesSince(int version);

    /** Forgets the changes up to {@code version}: no incremental snapshot will build on an older one. */
    void forgetChanges(int version);

    /** Writes the current entries (as a capture would, at once). */
    default void writeEntries(DataOutput out, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer)
            throws IOException {
        capture().writeEntries(out, keySerializer, valueSerializer);
    }

    /** The entries of a table at a capture: immutable for as long as the snapshot is in flight. */
    interface Captured<K, V> {
        int size();

        /**
         * Writes every entry as (key, value) with the given serializers, in table order: the snapshot's
         * loop, kept free of per-entry lambdas and boxing because the first snapshots of a task run
         * before the JIT has compiled it.
         */
        void writeEntries(DataOutput out, TypeSerializer<K> keySerializer, TypeSerializer<V> valueSerializer)
                throws IOException;

        /** Visits every entry, in table order (snapshots that filter entries, such as TTL states'). */
        void forEach(EntryVisitor<K, V> visitor) throws IOException;
    }

    /** Receives the entries of a table, e.g. to write them into a snapshot. */
    @FunctionalInterface
    interface EntryVisitor<K, V> {
        void visit(K key, V value) throws IOException;
    }

    /**
     * The capacity (a power of two, at least 16, at most 2^30) at which a table holds {@code entries}
     * without growing: the tables grow when more than three quarters of their slots are taken.
     */
    static long capacityFor(int entries) {
        long capacity = 16;
        while (capacity * 3 / 4 < entries && capacity < 1 << 30) {
            capacity *= 2;
        }
        return capacity;
    }

    /**
     * Whether the tables for these serializers keep the values inline ({@link InlineLongKeyTable}):
     * {@code long} keys and fixed-length values. Such a table copies a value in on {@link #put} and
     * out on {@link #get}, so a value changed in place is not the state until it is put.
     */
    static boolean keepsValuesInline(TypeSerializer<?> keySerializer, TypeSerializer<?> valueSerializer) {
        return keySerializer == Types.LONG && valueSerializer instanceof FixedLengthSerializer<?>;
    }

    /**
     * Tables for {@code long} keys keep them unboxed in the table itself, and fixed-length values
     * beside them.
     *
     * @param values copies values that a snapshot in flight still refers to
     */
    static <K, V> KeyTable<K, V> create(TypeSerializer<K> keySerializer, TypeSerializer<V> values,
                                        SnapshotVersions versions) {
        KeyTable<?, ?> table;
        if (keepsValuesInline(keySerializer, values)) {
            table = new InlineLongKeyTable<>((FixedLengthSerializer<V>) values, versions);
        } else if (keySerializer == Types.LONG) {
            table = new LongKeyTable<>(values, versions);
        } else {
            table = new ObjectKeyTable<>(values, versions);
        }
        @SuppressWarnings("unchecked")
        KeyTable<K, V> typed = (KeyTable<K, V>) table;
        return typed;
    }
}
