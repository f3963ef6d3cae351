package dev.weir.runtime.state;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * Working keyed state of one keyed operator subtask, on the heap. The current key is set once per
 * record; state accessors then read and write that key's entry in its key group's map.
 *
 * <p>Snapshots are copy-on-write ({@link SnapshotVersions}): at the barrier the tables hand their
 * arrays to the snapshot (a pause of microseconds per key group, whatever the state's size), and
 * the upload thread serializes them, one section per state and non-empty key group:
 * {@code int parts; (UTF name, int length, bytes)*} ({@link KeyGroupsFormat}). Restored parts
 * whose state has not been registered yet are kept as bytes and decoded when it is, and written
 * back unchanged by later snapshots if it never is, so no state is dropped because a function did
 * not touch it.
 */
public final class HeapKeyedStateBackend<K> implements KeyedStateBackend<K> {

    private final TypeSerializer<K> keySerializer;
    private final KeyGroupRange keyGroupRange;
    private final int maxParallelism;
    private final SnapshotVersions versions;
    /** Null unless checkpoints are incremental. */
    private final HeapChangelog changelog;
    private final Map<String, KeyGroupedStatePart> parts = new LinkedHashMap<>();
    private final Map<String, Object> states = new HashMap<>();
    /** The tables of the states, for {@link #prefetch}. */
    @SuppressWarnings("unchecked")
    private StateTable<K, ?>[] tables = new StateTable[0];
    /** What {@link #prefetch} read: kept so that the JIT cannot drop the reads whose result nothing uses. */
    private long prefetched;
    /**
     * Below this many entries (all states together) state stays in the CPU's caches and
     * {@link #prefetch} only costs: each record's key taken, hashed and looked up twice. Measured
     * with 2 workers (docs/benchmarks.md): keyed-count at 50 k entries per worker ran 6.1 M
     * records/s without prefetching against 5.4-5.9 M with it; at 150 k the two were even; at
     * 500 k prefetching pays (4.5-5.1 M against 3.6 M). Nexmark q7 (a few thousand windows per
     * worker) ran at 5.0 M events/s without it against 4.4 M, means of 3 runs each.
     */
    public static final long PREFETCH_MIN_ENTRIES = 128 * 1024;
    /** Calls of {@link #prefetches} between two counts of the entries. */
    static final int ENTRY_COUNT_INTERVAL = 64;
    private int callsSinceEntryCount = ENTRY_COUNT_INTERVAL - 1;
    private boolean prefetchPays;
    /** The tables and places {@link #prefetch} reads, reused. */
    private KeyTable<?, ?>[] pendingTables = new KeyTable[0];
    private int[] pendingOffsets = new int[0];
    /** name → per key-group index the restored sections, for restored state not registered yet. */
    private final Map<String, List<HeapChangelogFormat.Section>[]> unclaimed = new TreeMap<>();

    private K currentKey;
    private int currentKeyGroupIndex;
    /** Changes with every setCurrentKey: what a state table read for one key stays valid until. */
    private long keyEpoch;
    private LongSupplier ttlClock = System::currentTimeMillis;

    public HeapKeyedStateBackend(TypeSerializer<K> keySerializer, KeyGroupRange keyGroupRange, int maxParallelism) {
        this(keySerializer, keyGroupRange, maxParallelism, false);
    }

    /**
     * @param incremental checkpoints write what changed since the last completed one, on top of a
     *     chain of earlier snapshots ({@link HeapChangelog}); savepoints stay whole
     */
    public HeapKeyedStateBackend(TypeSerializer<K> keySerializer, KeyGroupRange keyGroupRange, int maxParallelism,
                                 boolean incremental) {
        this(keySerializer, keyGroupRange, maxParallelism, incremental ? HeapChangelog.DEFAULT_MAX_LENGTH : 0);
    }

    /** @param maxChainLength snapshots in an incremental chain before one is written whole; 0: not incremental */
    HeapKeyedStateBackend(TypeSerializer<K> keySerializer, KeyGroupRange keyGroupRange, int maxParallelism,
                          int maxChainLength) {
        this.keySerializer = keySerializer;
        this.keyGroupRange = keyGroupRange;
        this.maxParallelism = maxParallelism;
        this.versions = new SnapshotVersions(maxChainLength > 0);
        this.changelog = maxChainLength > 0 ? new HeapChangelog(maxChainLength) : null;
    }

    @Override
    public void setCurrentKey(K key) {
        int keyGroup = KeyGroupAssignment.keyGroupFor(key, maxParallelism);
        if (!keyGroupRange.contains(keyGroup)) {
            throw KeyGroupAssignment.outsideRange(key, keyGroup, keyGroupRange);
        }
        this.currentKey = key;
        this.currentKeyGroupIndex = keyGroup - keyGroupRange.start();
        keyEpoch++;
    }

    /**
     * Only tables of {@code long} keys know where a key's entry is without reading the table
     * (KeyTable.create), and only tables of at least {@link #PREFETCH_MIN_ENTRIES} entries are
     * worth it. Counted again every {@link #ENTRY_COUNT_INTERVAL} calls (the task asks once per batch).
     */
    @Override
    public boolean prefetches() {
        if (keySerializer != Types.LONG) {
            return false;
        }
        if (++callsSinceEntryCount >= ENTRY_COUNT_INTERVAL) {
            callsSinceEntryCount = 0;
            long entries = 0;
            for (StateTable<K, ?> table : tables) {
                entries += table.size();
            }
            prefetchPays = entries >= PREFETCH_MIN_ENTRIES;
        }
        return prefetchPays;
    }

    /**
     * In two passes: the places of all the keys' entries first, then the reads, in a loop of a few
     * instructions each, so that all their cache misses are in flight together (one read after
     * each key's hashing left the reads too far apart for the CPU to overlap them).
     */
    @Override
    public void prefetch(K[] keys, int count) {
        int most = count * tables.length;
        if (pendingTables.length < most) {
            pendingTables = new KeyTable[most];
            pendingOffsets = new int[most];
        }
        int n = 0;
        for (int i = 0; i < count; i++) {
            K key = keys[i];
            if (key == null) {
                continue;
            }
            int keyGroup = KeyGroupAssignment.keyGroupFor(key, maxParallelism);
            if (!keyGroupRange.contains(keyGroup)) {
                continue;
            }
            int index = keyGroup - keyGroupRange.start();
            for (StateTable<K, ?> table : tables) {
                KeyTable<K, ?> map = table.table(index);
                int offset = map.prefetchOffset(key);
                if (offset >= 0) {
                    pendingTables[n] = map;
                    pendingOffsets[n++] = offset;
                }
            }
        }
        long read = 0;
        for (int i = 0; i < n; i++) {
            read += pendingTables[i].touch(pendingOffsets[i]);
        }
        prefetched += read;
    }

    @Override
    public K currentKey() {
        return currentKey;
    }

    int currentKeyGroupIndex() {
        return currentKeyGroupIndex;
    }

    @Override
    public void setCurrentKey(K key, int keyGroupIndex) {
        this.currentKey = key;
        this.currentKeyGroupIndex = keyGroupIndex;
        keyEpoch++;
    }

    /** A number that changes whenever the current key is set (even to an equal key). */
    long keyEpoch() {
        return keyEpoch;
    }

    @Override
    public TypeSerializer<K> keySerializer() {
        return keySerializer;
    }

    @Override
    public KeyGroupRange keyGroupRange() {
        return keyGroupRange;
    }

    @Override
    public int maxParallelism() {
        return maxParallelism;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> S getState(StateDescriptor<S> descriptor) {
        Object existing = states.get(descriptor.name());
        if (existing != null) {
            return (S) existing;
        }
        Object state = descriptor.ttl() == null ? create(descriptor, null)
                : TtlStates.create(descriptor, ttlClock, this::create);
        states.put(descriptor.name(), state);
        return (S) state;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <S> S create(StateDescriptor<S> descriptor, TtlStates.SnapshotFilter<?> ttlFilter) {
        Object state;
        if (descriptor instanceof StateDescriptor.Value<?> v) {
            state = new HeapStates.HeapValueState<>(register(v.name(), v.serializer(), (TtlStates.SnapshotFilter) ttlFilter));
        } else if (descriptor instanceof StateDescriptor.MapOf<?, ?> m) {
            state = new HeapStates.HeapMapState<>(register(m.name(),
                    CollectionSerializers.hashMap(m.keySerializer(), m.valueSerializer()), (TtlStates.SnapshotFilter) ttlFilter));
        } else {
            StateDescriptor.ListOf<?> l = (StateDescriptor.ListOf<?>) descriptor;
            state = new HeapStates.HeapListState<>(register(l.name(), CollectionSerializers.arrayList(l.serializer()),
                    (TtlStates.SnapshotFilter) ttlFilter));
        }
        return (S) state;
    }

    private <V> StateTable<K, V> register(String name, TypeSerializer<V> valueSerializer,
                                          TtlStates.SnapshotFilter<V> ttlFilter) {
        StateTable<K, V> table = new StateTable<>(name, this, valueSerializer, versions, ttlFilter, ttlClock);
        registerPart(table);
        tables = Arrays.copyOf(tables, tables.length + 1);
        tables[tables.length - 1] = table;
        return table;
    }

    @Override
    public void setTtlTimeProvider(LongSupplier now) {
        this.ttlClock = now;
    }

    @Override
    public void registerPart(KeyGroupedStatePart part) {
        if (parts.putIfAbsent(part.name(), part) != null) {
            throw new IllegalArgumentException("keyed state '" + part.name() + "' registered twice");
        }
        List<HeapChangelogFormat.Section>[] restored = unclaimed.remove(part.name());
        if (restored != null) {
            try {
                for (int i = 0; i < restored.length; i++) {
                    if (restored[i] != null) {
                        HeapChangelogFormat.apply(part, i, restored[i]);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot restore keyed state '" + part.name() + "'", e);
            }
        }
    }

    @Override
    public void restore(KeyedStateRestore restore) throws IOException {
        if (!restore.incremental().isEmpty()) {
            // No restart can heal this: the spec must change (or the job restore from a savepoint).
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "the checkpoint holds an"
                    + " incremental RocksDB snapshot of this operator's keyed state, which the heap backend cannot"
                    + " read: restore it with spec.stateBackend.type: rocksdb, or from a savepoint (every backend"
                    + " restores every backend's savepoints)");
        }
        for (Map.Entry<Integer, byte[]> e : new TreeMap<>(restore.keyGroups()).entrySet()) {
            restoreKeyGroup(e.getKey(), e.getValue());
        }
        for (Map.Entry<Integer, List<byte[]>> e : new TreeMap<>(restore.changelog()).entrySet()) {
            if (!keyGroupRange.contains(e.getKey())) {
                throw new IllegalArgumentException("key group " + e.getKey() + " outside " + keyGroupRange);
            }
            int index = e.getKey() - keyGroupRange.start();
            for (Map.Entry<String, List<HeapChangelogFormat.Section>> part
                    : HeapChangelogFormat.resolve(e.getValue()).entrySet()) {
                restoreSections(index, part.getKey(), part.getValue());
            }
        }
    }

    /** Restores one key group written by a snapshot; call before the states are registered. */
    public void restoreKeyGroup(int keyGroup, byte[] bytes) throws IOException {
        KeyGroupsFormat.readKeyGroup(keyGroup, keyGroupRange, bytes, (index, name, section) ->
                restoreSections(index, name, List.of(new HeapChangelogFormat.Section(HeapChangelogFormat.FULL, section))));
    }

    @SuppressWarnings("unchecked")
    private void restoreSections(int index, String name, List<HeapChangelogFormat.Section> sections) throws IOException {
        KeyGroupedStatePart part = parts.get(name);
        if (part != null) {
            HeapChangelogFormat.apply(part, index, sections);
        } else if (!sections.isEmpty()) {
            unclaimed.computeIfAbsent(name, n -> new List[keyGroupRange.size()])[index] = List.copyOf(sections);
        }
    }

    /**
     * Captures every part copy-on-write; the returned snapshot serializes on the upload thread.
     * With incremental checkpoints, a checkpoint's snapshot holds only what changed since the chain's
     * last one, when there is a chain to build on ({@link HeapChangelog}); savepoints are always whole.
     */
    @Override
    public KeyedStateSnapshot snapshot(long checkpointId, CheckpointType type) throws IOException {
        boolean incremental = changelog != null && type != CheckpointType.SAVEPOINT;
        HeapChangelog.Plan plan = incremental ? changelog.plan(checkpointId, versions.current()) : null;
        List<KeyGroupedStatePart.CapturedPart> captured = new ArrayList<>(parts.size() + unclaimed.size());
        versions.capture();
        try {
            for (KeyGroupedStatePart part : parts.values()) {
                captured.add(incremental ? part.captureChanges(keyGroupRange.size(), plan.sinceVersion())
                        : part.capture(keyGroupRange.size()));
            }
            for (Map.Entry<String, List<HeapChangelogFormat.Section>[]> e : unclaimed.entrySet()) {
                captured.add(new HeapChangelogFormat.RestoredPart(e.getKey(), e.getValue()));
            }
        } catch (IOException | RuntimeException e) {
            versions.released();
            if (incremental) {
                changelog.dropped(checkpointId);
            }
            throw e;
        }
        if (!incremental) {
            return new KeyGroupsSnapshot(keyGroupRange, captured, versions::released);
        }
        int forgetUpTo = changelog.oldestVersionInUse();
        for (KeyGroupedStatePart part : parts.values()) {
            part.forgetChanges(forgetUpTo);
        }
        return new HeapChangelogSnapshot(keyGroupRange, captured, changelog, plan, checkpointId, versions::released);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (changelog != null) {
            changelog.completed(checkpointId);
        }
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        if (changelog != null) {
            changelog.aborted(checkpointId);
        }
    }

    /** Serializes every non-empty key group at once; returns key group (absolute) → bytes, ascending. */
    public TreeMap<Integer, byte[]> snapshot() throws IOException {
        return ((KeyGroupsSnapshot) snapshot(0, CheckpointType.CHECKPOINT)).writeToBytes();
    }

    @Override
    public long size(String stateName) {
        KeyGroupedStatePart part = parts.get(stateName);
        return part instanceof StateTable<?, ?> t ? t.size() : 0;
    }

    /** How many times the state's tables grew as entries were put (for tests: {@link KeyTable#reserve}). */
    int growths(String stateName) {
        return parts.get(stateName) instanceof StateTable<?, ?> t ? t.growths() : 0;
    }

    /** Snapshots in flight (for tests). */
    int snapshotsInFlight() {
        return versions.inFlight();
    }

    @Override
    public void close() {}
}
