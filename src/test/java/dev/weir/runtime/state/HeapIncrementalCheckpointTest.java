package dev.weir.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.KeyedStateHandle;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.serialization.Types;

/**
 * Incremental heap checkpoints ({@link HeapChangelog}): a checkpoint writes what changed since the
 * last completed one on top of a chain, and any checkpoint of the chain restores exactly the state
 * at its barrier, at any parallelism: checked against a model of the state through random updates,
 * in-place changes without {@code update}, removals, completions, aborts and lost notices, with
 * every snapshot written after the changes that follow its barrier.
 */
class HeapIncrementalCheckpointTest {

    private static final int MAX_PARALLELISM = 32;
    private static final KeyGroupRange ALL = new KeyGroupRange(0, MAX_PARALLELISM - 1);
    /** Changed in place, as keyed-count does: read, change the array, and (sometimes) no update. */
    private static final StateDescriptor.Value<long[]> COUNTS = StateDescriptor.value("counts", Types.LONG_ARRAY);
    private static final StateDescriptor.MapOf<String, Integer> SEEN = StateDescriptor.map("seen", Types.STRING, Types.INT);
    /** Replaced by a new object on every update (several times per checkpoint for some keys). */
    private static final StateDescriptor.Value<Long> LATEST = StateDescriptor.value("latest", Types.LONG);
    /** Kept inline (long keys, fixed-length values): changed only by update, never in place. */
    private static final StateDescriptor.Value<long[]> PAIRS = StateDescriptor.value("pairs", Types.longArray(2));
    private static final StateDescriptor.Value<Long> EXPIRING =
            StateDescriptor.value("expiring", Types.LONG).withTtl(StateTtlConfig.of(Duration.ofHours(1)));

    private final InMemorySnapshotStore store = new InMemorySnapshotStore();

    /** The state a checkpoint must restore: per key, counts[0], and the map's entries. */
    private record Model(Map<Long, Long> counts, Map<Long, Map<String, Integer>> seen, Map<Long, Long> expiring,
                         Map<Long, Long> latest, Map<Long, Long> pairs) {
        Model() {
            this(new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>());
        }

        Model copy() {
            Map<Long, Map<String, Integer>> s = new HashMap<>();
            seen.forEach((k, v) -> s.put(k, new HashMap<>(v)));
            return new Model(new HashMap<>(counts), s, new HashMap<>(expiring), new HashMap<>(latest),
                    new HashMap<>(pairs));
        }
    }

    private static HeapKeyedStateBackend<Long> backend(KeyGroupRange range, int maxChainLength) {
        HeapKeyedStateBackend<Long> b = new HeapKeyedStateBackend<>(Types.LONG, range, MAX_PARALLELISM, maxChainLength);
        b.setTtlTimeProvider(() -> 1_000L);
        return b;
    }

    private KeyedStateHandle checkpoint(KeyedStateBackend<?> b, long id) throws Exception {
        return write(b.snapshot(id, CheckpointType.CHECKPOINT), id);
    }

    private KeyedStateHandle write(KeyedStateSnapshot s, long id) throws Exception {
        InMemorySnapshotStore.Output out = store.output(id, "subtask");
        KeyedStateHandle handle = s.write(out);
        out.finish();
        return handle;
    }

    private long uploaded(KeyedStateHandle handle, long checkpointId) {
        long bytes = 0;
        java.util.Set<StateHandle> distinct = new java.util.HashSet<>();
        handle.changelog().values().forEach(distinct::addAll);
        for (StateHandle h : distinct) {
            if (h.key().startsWith("shared/" + checkpointId + "-")) {
                bytes += h.length();
            }
        }
        return bytes;
    }

    private static void change(KeyedStateBackend<Long> b, Model model, Random random, int operations, int keys) {
        ValueState<long[]> counts = b.getState(COUNTS);
        MapState<String, Integer> seen = b.getState(SEEN);
        ValueState<Long> expiring = b.getState(EXPIRING);
        ValueState<Long> latest = b.getState(LATEST);
        ValueState<long[]> pairs = b.getState(PAIRS);
        for (int i = 0; i < operations; i++) {
            long key = random.nextInt(keys);
            b.setCurrentKey(key);
            switch (random.nextInt(11)) {
                case 0, 1, 2 -> { // read-modify-write in place; update only sometimes
                    long[] c = counts.value();
                    if (c == null) {
                        counts.update(new long[] {1, key});
                    } else {
                        c[0]++;
                        if (random.nextBoolean()) {
                            counts.update(c);
                        }
                    }
                    model.counts().merge(key, 1L, Long::sum);
                }
                case 3 -> {
                    counts.clear();
                    model.counts().remove(key);
                }
                case 4 -> {
                    String entry = "e" + random.nextInt(4);
                    seen.put(entry, i);
                    model.seen().computeIfAbsent(key, k -> new HashMap<>()).put(entry, i);
                }
                case 5 -> {
                    String entry = "e" + random.nextInt(4);
                    seen.remove(entry);
                    Map<String, Integer> m = model.seen().get(key);
                    if (m != null) {
                        m.remove(entry);
                        if (m.isEmpty()) {
                            model.seen().remove(key);
                        }
                    }
                }
                case 6 -> {
                    seen.clear();
                    model.seen().remove(key);
                }
                case 8 -> { // read, change, update (several times per checkpoint for some keys)
                    long[] p = pairs.value();
                    long n = p == null ? 1 : p[0] + 1;
                    p = p == null ? new long[2] : p;
                    p[0] = n;
                    p[1] = -n;
                    pairs.update(p);
                    model.pairs().put(key, n);
                }
                case 9 -> { // changed in place without update(): an inline value is a copy, the state stays
                    long[] p = pairs.value();
                    if (p != null) {
                        p[0] += 100;
                    }
                }
                case 10 -> {
                    pairs.clear();
                    model.pairs().remove(key);
                }
                default -> {
                    expiring.update((long) i);
                    model.expiring().put(key, (long) i);
                    latest.update(1_000L + i); // a new object each time
                    latest.update(2_000L + i); // and again, in the same checkpoint
                    model.latest().put(key, 2_000L + i);
                }
            }
        }
    }

    private static void assertState(KeyedStateBackend<Long> b, Model model, int keys, String what) {
        ValueState<long[]> counts = b.getState(COUNTS);
        MapState<String, Integer> seen = b.getState(SEEN);
        ValueState<Long> expiring = b.getState(EXPIRING);
        ValueState<Long> latest = b.getState(LATEST);
        ValueState<long[]> pairs = b.getState(PAIRS);
        for (long key = 0; key < keys; key++) {
            if (!b.keyGroupRange().contains(KeyGroupAssignment.keyGroupFor(key, MAX_PARALLELISM))) {
                continue;
            }
            b.setCurrentKey(key);
            long[] c = counts.value();
            assertThat(c == null ? null : c[0]).as("%s: counts of key %d", what, key).isEqualTo(model.counts().get(key));
            Map<String, Integer> entries = new TreeMap<>();
            seen.entries().forEach(e -> entries.put(e.getKey(), e.getValue()));
            assertThat(entries).as("%s: seen of key %d", what, key)
                    .isEqualTo(new TreeMap<>(model.seen().getOrDefault(key, Map.of())));
            assertThat(expiring.value()).as("%s: expiring of key %d", what, key).isEqualTo(model.expiring().get(key));
            assertThat(latest.value()).as("%s: latest of key %d", what, key).isEqualTo(model.latest().get(key));
            long[] p = pairs.value();
            Long n = model.pairs().get(key);
            assertThat(p).as("%s: pairs of key %d", what, key).isEqualTo(n == null ? null : new long[] {n, -n});
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void everyCheckpointOfAChainRestoresTheStateAtItsBarrierAtAnyParallelism(long seed) throws Exception {
        Random random = new Random(seed);
        int keys = 400;
        HeapKeyedStateBackend<Long> b = backend(ALL, 4);
        b.restore(KeyedStateRestore.NONE);
        Model model = new Model();
        Map<Long, KeyedStateHandle> handles = new TreeMap<>();
        Map<Long, Model> expected = new HashMap<>();
        for (long id = 1; id <= 24; id++) {
            change(b, model, random, 300, keys);
            KeyedStateSnapshot snapshot = b.snapshot(id, CheckpointType.CHECKPOINT);
            expected.put(id, model.copy());
            // changes after the barrier, before the upload and the notice, belong to the next checkpoint
            change(b, model, random, 50, keys);
            handles.put(id, write(snapshot, id));
            switch (random.nextInt(5)) {
                case 0 -> b.notifyCheckpointAborted(id);
                case 1 -> { } // the notice is lost
                default -> b.notifyCheckpointComplete(id);
            }
        }
        for (Map.Entry<Long, KeyedStateHandle> e : handles.entrySet()) {
            int parallelism = 1 + (int) (e.getKey() % 3);
            for (int subtask = 0; subtask < parallelism; subtask++) {
                KeyGroupRange range = KeyGroupAssignment.rangeFor(subtask, MAX_PARALLELISM, parallelism);
                HeapKeyedStateBackend<Long> restored = backend(range, 4);
                restored.restore(KeyedStateBackendContractTest.restoreOf(store, List.of(e.getValue()), range));
                assertState(restored, expected.get(e.getKey()), keys, "checkpoint " + e.getKey() + " at " + range);
            }
        }
    }

    @Test
    void aCheckpointUploadsWhatChangedSinceTheLastCompletedOne() throws Exception {
        HeapKeyedStateBackend<Long> b = backend(ALL, 10);
        b.restore(KeyedStateRestore.NONE);
        ValueState<long[]> counts = b.getState(COUNTS);
        for (long key = 0; key < 10_000; key++) {
            b.setCurrentKey(key);
            counts.update(new long[] {key, key});
        }
        KeyedStateHandle first = checkpoint(b, 1);
        long full = uploaded(first, 1);

        // Not known to be complete: the next one cannot build on it and is whole again.
        KeyedStateHandle second = checkpoint(b, 2);
        assertThat(uploaded(second, 2)).isEqualTo(full);
        b.notifyCheckpointComplete(2);

        // 100 keys changed in place (never update()d): only they are written.
        for (long key = 0; key < 100; key++) {
            b.setCurrentKey(key);
            counts.value()[0]++;
        }
        KeyedStateHandle third = checkpoint(b, 3);
        assertThat(uploaded(third, 3)).isPositive().isLessThan(full / 50);
        assertThat(third.changelog().values()).allMatch(chain -> chain.size() <= 2);
        b.notifyCheckpointComplete(3);

        // An abort cuts the chain: the next checkpoint is whole.
        b.notifyCheckpointAborted(4);
        KeyedStateHandle fifth = checkpoint(b, 5);
        assertThat(uploaded(fifth, 5)).isEqualTo(full);
        assertThat(fifth.changelog().values()).allMatch(chain -> chain.size() == 1);

        HeapKeyedStateBackend<Long> restored = backend(ALL, 10);
        restored.restore(KeyedStateBackendContractTest.restoreOf(store, List.of(third), ALL));
        ValueState<long[]> restoredCounts = restored.getState(COUNTS);
        for (long key = 0; key < 10_000; key++) {
            restored.setCurrentKey(key);
            assertThat(restoredCounts.value()[0]).isEqualTo(key < 100 ? key + 1 : key);
        }
    }

    @Test
    void aChainIsCutAtItsMaximumLength() throws Exception {
        HeapKeyedStateBackend<Long> b = backend(ALL, 3);
        b.restore(KeyedStateRestore.NONE);
        ValueState<long[]> counts = b.getState(COUNTS);
        List<Integer> longest = new ArrayList<>();
        for (long id = 1; id <= 7; id++) {
            for (long key = 0; key < 1_000; key += id) {
                b.setCurrentKey(key);
                counts.update(new long[] {id, key});
            }
            KeyedStateHandle h = checkpoint(b, id);
            longest.add(h.changelog().values().stream().mapToInt(List::size).max().orElse(0));
            b.notifyCheckpointComplete(id);
        }
        assertThat(longest).containsExactly(1, 2, 3, 1, 2, 3, 1);
    }

    /** A part written whole every time (as timers are): an emptied key group must come back empty. */
    @Test
    void partsWrittenWholeReplaceTheirEarlierSnapshots() throws Exception {
        HeapKeyedStateBackend<Long> b = backend(ALL, 10);
        b.restore(KeyedStateRestore.NONE);
        ListPart part = new ListPart();
        b.registerPart(part);
        part.lists.put(3, new ArrayList<>(List.of(1L, 2L)));
        part.lists.put(5, new ArrayList<>(List.of(7L)));
        checkpoint(b, 1);
        b.notifyCheckpointComplete(1);
        part.lists.remove(3);
        part.lists.get(5).add(8L);
        KeyedStateHandle second = checkpoint(b, 2);

        HeapKeyedStateBackend<Long> restored = backend(ALL, 10);
        restored.restore(KeyedStateBackendContractTest.restoreOf(store, List.of(second), ALL));
        ListPart restoredPart = new ListPart();
        restored.registerPart(restoredPart);
        assertThat(restoredPart.lists).containsOnlyKeys(5);
        assertThat(restoredPart.lists.get(5)).containsExactly(7L, 8L);
    }

    /** A test part: per key group index a list of longs, snapshotted whole. */
    private static final class ListPart implements KeyGroupedStatePart {
        final Map<Integer, List<Long>> lists = new HashMap<>();

        @Override
        public String name() {
            return "lists";
        }

        @Override
        public boolean isEmpty(int keyGroupIndex) {
            return !lists.containsKey(keyGroupIndex);
        }

        @Override
        public void write(int keyGroupIndex, DataOutput out) throws IOException {
            List<Long> list = lists.get(keyGroupIndex);
            out.writeInt(list.size());
            for (long v : list) {
                out.writeLong(v);
            }
        }

        @Override
        public void read(int keyGroupIndex, DataInput in) throws IOException {
            List<Long> list = lists.computeIfAbsent(keyGroupIndex, i -> new ArrayList<>());
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                list.add(in.readLong());
            }
        }
    }
}
