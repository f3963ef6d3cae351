package dev.weir.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.state.serialization.Types;

class HeapKeyedStateBackendTest {

    private static final int MAX_PARALLELISM = 16;
    private static final StateDescriptor.Value<Long> COUNT = StateDescriptor.value("count", Types.LONG);
    private static final StateDescriptor.MapOf<String, Integer> SEEN = StateDescriptor.map("seen", Types.STRING, Types.INT);
    private static final StateDescriptor.ListOf<String> EVENTS = StateDescriptor.list("events", Types.STRING);

    private static HeapKeyedStateBackend<Long> backend(KeyGroupRange range) {
        return new HeapKeyedStateBackend<>(Types.LONG, range, MAX_PARALLELISM);
    }

    private static void fill(HeapKeyedStateBackend<Long> b, long keys) {
        fill(b, java.util.stream.LongStream.range(0, keys).boxed().toList());
    }

    private static void fill(HeapKeyedStateBackend<Long> b, List<Long> keys) {
        ValueState<Long> count = b.getState(COUNT);
        MapState<String, Integer> seen = b.getState(SEEN);
        ListState<String> events = b.getState(EVENTS);
        for (long k : keys) {
            b.setCurrentKey(k);
            count.update(k * 10);
            seen.put("a" + k, (int) k);
            seen.put("b", 1);
            events.add("e" + k);
            events.add("f" + k);
        }
    }

    private static void assertContent(HeapKeyedStateBackend<Long> b, List<Long> keys) {
        ValueState<Long> count = b.getState(COUNT);
        MapState<String, Integer> seen = b.getState(SEEN);
        ListState<String> events = b.getState(EVENTS);
        for (long k : keys) {
            b.setCurrentKey(k);
            assertThat(count.value()).isEqualTo(k * 10);
            assertThat(seen.get("a" + k)).isEqualTo((int) k);
            assertThat(seen.get("b")).isEqualTo(1);
            assertThat(events.get()).containsExactly("e" + k, "f" + k);
        }
    }

    /** Small state stays in the CPU's caches: the task is told to prefetch only while the tables are large. */
    @Test
    void prefetchesLongKeysOnlyWhileTheStateHoldsManyEntries() throws Exception {
        HeapKeyedStateBackend<Long> b = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        ValueState<Long> count = b.getState(COUNT);
        assertThat(prefetchesAfterAnInterval(b)).isFalse();
        long key = 0;
        for (; key < HeapKeyedStateBackend.PREFETCH_MIN_ENTRIES - 1; key++) {
            b.setCurrentKey(key);
            count.update(key);
        }
        assertThat(prefetchesAfterAnInterval(b)).isFalse();
        b.setCurrentKey(key);
        count.update(key);
        assertThat(prefetchesAfterAnInterval(b)).isTrue();
        b.setCurrentKey(0L);
        count.clear();
        assertThat(prefetchesAfterAnInterval(b)).isFalse();

        HeapKeyedStateBackend<String> strings = new HeapKeyedStateBackend<>(Types.STRING,
                new KeyGroupRange(0, MAX_PARALLELISM - 1), MAX_PARALLELISM);
        ValueState<Long> byName = strings.getState(COUNT);
        for (long k = 0; k < HeapKeyedStateBackend.PREFETCH_MIN_ENTRIES; k++) {
            strings.setCurrentKey("k" + k);
            byName.update(k);
        }
        assertThat(prefetchesAfterAnInterval(strings)).as("only long keys can be prefetched").isFalse();
    }

    /** The answer once the backend has counted its entries again (it does every few calls). */
    private static boolean prefetchesAfterAnInterval(KeyedStateBackend<?> b) {
        boolean answer = false;
        for (int i = 0; i < HeapKeyedStateBackend.ENTRY_COUNT_INTERVAL; i++) {
            answer = b.prefetches();
        }
        return answer;
    }

    @Test
    void prefetchChangesNeitherStateNorCurrentKeyAndIgnoresKeysOfOtherSubtasks() throws Exception {
        HeapKeyedStateBackend<Long> b = backend(new KeyGroupRange(0, MAX_PARALLELISM / 2 - 1));
        List<Long> own = java.util.stream.LongStream.range(0, 400)
                .filter(k -> KeyGroupAssignment.keyGroupFor(k, MAX_PARALLELISM) < MAX_PARALLELISM / 2).boxed().toList();
        fill(b, own.subList(0, own.size() / 2));
        ValueState<Long> count = b.getState(COUNT);
        long current = own.get(0);
        b.setCurrentKey(current);
        Long before = count.value();
        Long[] keys = new Long[9];
        for (long k = -45; k < 400; k += keys.length - 1) {
            for (int i = 0; i < keys.length - 1; i++) {
                keys[i] = k + i; // present, absent, and (outside the range) another subtask's keys
            }
            b.prefetch(keys, keys.length); // the last one null
        }
        assertThat(b.currentKey()).isEqualTo(current);
        assertThat(count.value()).isEqualTo(before);
        assertThat(b.size("count")).isEqualTo(own.size() / 2);
        assertContent(b, own.subList(0, own.size() / 2));
        for (long k : own.subList(own.size() / 2, own.size())) {
            b.setCurrentKey(k);
            assertThat(count.value()).isNull();
        }
    }

    @Test
    void aRestoreSizesEachTableBeforeItInsertsTheEntries() throws Exception {
        // A snapshot writes each table's entries by hash; inserted in that order into tables that
        // grow as they fill, they piled up into long probe runs (a restore of 10 M keys took 37 s).
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        HeapKeyedStateBackend<Long> original = backend(all);
        int keys = 64_000; // 4,000 a key group
        fill(original, keys);
        HeapKeyedStateBackend<Long> restored = backend(all);
        for (Map.Entry<Integer, byte[]> e : original.snapshot().entrySet()) {
            restored.restoreKeyGroup(e.getKey(), e.getValue());
        }
        assertContent(restored, java.util.stream.LongStream.range(0, keys).boxed().toList());
        for (String state : List.of("count", "seen", "events")) { // inline values, objects
            assertThat(original.growths(state)).as(state).isPositive();
            assertThat(restored.growths(state)).as(state).isZero();
        }
    }

    @Test
    void valueMapAndListStateRoundTripThroughSnapshot() throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        HeapKeyedStateBackend<Long> original = backend(all);
        fill(original, 100);
        TreeMap<Integer, byte[]> snapshot = original.snapshot();

        HeapKeyedStateBackend<Long> restored = backend(all);
        for (Map.Entry<Integer, byte[]> e : snapshot.entrySet()) {
            restored.restoreKeyGroup(e.getKey(), e.getValue());
        }
        assertContent(restored, java.util.stream.LongStream.range(0, 100).boxed().toList());
        assertThat(restored.size("count")).isEqualTo(100);
    }

    @Test
    void snapshotIsPerKeyGroupSoStateSplitsAcrossNewParallelism() throws Exception {
        HeapKeyedStateBackend<Long> original = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        fill(original, 200);
        TreeMap<Integer, byte[]> snapshot = original.snapshot();
        int restoredKeys = 0;
        for (int subtask = 0; subtask < 3; subtask++) {
            KeyGroupRange range = KeyGroupAssignment.rangeFor(subtask, MAX_PARALLELISM, 3);
            HeapKeyedStateBackend<Long> part = backend(range);
            snapshot.subMap(range.start(), true, range.end(), true).forEach((kg, bytes) -> {
                try {
                    part.restoreKeyGroup(kg, bytes);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            List<Long> mine = java.util.stream.LongStream.range(0, 200).boxed()
                    .filter(k -> range.contains(KeyGroupAssignment.keyGroupFor(k, MAX_PARALLELISM))).toList();
            assertContent(part, mine);
            restoredKeys += part.size("count");
        }
        assertThat(restoredKeys).isEqualTo(200);
    }

    @Test
    void restoredStateThatIsNotRegisteredAgainIsKeptInLaterSnapshots() throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        HeapKeyedStateBackend<Long> original = backend(all);
        fill(original, 20);
        TreeMap<Integer, byte[]> first = original.snapshot();

        HeapKeyedStateBackend<Long> onlyCount = backend(all);
        for (Map.Entry<Integer, byte[]> e : first.entrySet()) {
            onlyCount.restoreKeyGroup(e.getKey(), e.getValue());
        }
        onlyCount.getState(COUNT);
        TreeMap<Integer, byte[]> second = onlyCount.snapshot();

        HeapKeyedStateBackend<Long> again = backend(all);
        for (Map.Entry<Integer, byte[]> e : second.entrySet()) {
            again.restoreKeyGroup(e.getKey(), e.getValue());
        }
        assertContent(again, java.util.stream.LongStream.range(0, 20).boxed().toList());
    }

    @Test
    void clearedStateDisappearsFromSnapshot() throws Exception {
        HeapKeyedStateBackend<Long> b = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        ValueState<Long> count = b.getState(COUNT);
        b.setCurrentKey(1L);
        count.update(5L);
        count.clear();
        assertThat(count.value()).isNull();
        assertThat(b.snapshot()).isEmpty();
    }

    @Test
    void keyOutsideTheSubtasksRangeIsRejected() {
        KeyGroupRange range = KeyGroupAssignment.rangeFor(0, MAX_PARALLELISM, 2);
        HeapKeyedStateBackend<Long> b = backend(range);
        long foreign = java.util.stream.LongStream.range(0, 1000)
                .filter(k -> !range.contains(KeyGroupAssignment.keyGroupFor(k, MAX_PARALLELISM))).findFirst().orElseThrow();
        assertThatThrownBy(() -> b.setCurrentKey(foreign)).hasMessageContaining("outside this subtask's range");
    }
}
