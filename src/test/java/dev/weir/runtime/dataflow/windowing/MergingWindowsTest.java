package dev.weir.runtime.dataflow.windowing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.state.HeapKeyedStateBackend;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.KeyedStateBackend;
import dev.weir.runtime.state.KeyedStateBackends;
import dev.weir.runtime.state.KeyedStateRestore;
import dev.weir.runtime.state.MapState;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.Types;

/** A key's sessions in one value, written as the map state of windows that held them before. */
class MergingWindowsTest {

    private static final StateDescriptor.MapOf<TimeWindow, Long> AS_MAP =
            StateDescriptor.map("_windows", TimeWindow.SERIALIZER, Types.LONG);
    private static final StateDescriptor.Value<MergingWindows<Long>> AS_VALUE =
            StateDescriptor.value("_windows", new MergingWindows.Serializer<>(Types.LONG));

    private static HeapKeyedStateBackend<String> backend() {
        return new HeapKeyedStateBackend<>(Types.STRING, new KeyGroupRange(0, 127), 128);
    }

    private static Map<TimeWindow, Long> asMap(MergingWindows<Long> windows) {
        Map<TimeWindow, Long> result = new HashMap<>();
        for (int i = 0; i < windows.size(); i++) {
            result.put(new TimeWindow(windows.start(i), windows.end(i)), windows.accumulator(i));
        }
        return result;
    }

    /** Random adds, replacements and removals against a TreeMap; the serializer's copy is deep and equal. */
    @Test
    void behavesAsAMapFromWindowToAccumulatorAndCopiesWhatItHolds() throws Exception {
        Random random = new Random(7);
        MergingWindows.Serializer<Long> serializer = new MergingWindows.Serializer<>(Types.LONG);
        for (int round = 0; round < 200; round++) {
            MergingWindows<Long> windows = new MergingWindows<>();
            TreeMap<Long, long[]> model = new TreeMap<>(); // start -> (end, accumulator)
            for (int op = 0; op < 60; op++) {
                int choice = random.nextInt(10);
                if (windows.isEmpty() || choice < 5) {
                    long start = 100L * op;
                    windows.add(start, start + 1 + random.nextInt(50), (long) op);
                    model.put(start, new long[] {windows.end(windows.size() - 1), op});
                } else {
                    int i = random.nextInt(windows.size());
                    long start = windows.start(i);
                    if (choice < 8) {
                        model.remove(start);
                        windows.remove(i);
                    } else {
                        windows.set(i, start, start + 60, (long) -op);
                        model.put(start, new long[] {start + 60, -op});
                    }
                }
                assertThat(windows.size()).isEqualTo(model.size());
            }
            Map<TimeWindow, Long> expected = new HashMap<>();
            model.forEach((start, v) -> expected.put(new TimeWindow(start, v[0]), v[1]));
            assertThat(asMap(windows)).isEqualTo(expected);
            assertThat(asMap(serializer.copy(windows))).isEqualTo(expected);
        }
    }

    @Test
    void intersectsAsTimeWindowDoesTouchingIncluded() {
        MergingWindows<Long> windows = new MergingWindows<>();
        windows.add(10, 20, 1L);
        for (long[] other : new long[][] {{0, 10}, {0, 9}, {20, 30}, {21, 30}, {12, 15}, {0, 40}}) {
            assertThat(windows.intersects(0, other[0], other[1])).as("[%d, %d)", other[0], other[1])
                    .isEqualTo(new TimeWindow(10, 20).intersects(new TimeWindow(other[0], other[1])));
        }
    }

    @Test
    void restoresWhatAMapStateOfSessionsWroteAndWritesWhatItReads() throws Exception {
        TreeMap<Integer, byte[]> fromMap;
        try (HeapKeyedStateBackend<String> before = backend()) {
            MapState<TimeWindow, Long> windows = before.getState(AS_MAP);
            for (String key : new String[] {"a", "b", "c"}) {
                before.setCurrentKey(key);
                windows.put(new TimeWindow(0, 10), 1L + key.charAt(0));
                windows.put(new TimeWindow(30, 47), 2L);
            }
            fromMap = before.snapshot();
        }
        TreeMap<Integer, byte[]> fromValue;
        try (HeapKeyedStateBackend<String> after = backend()) {
            for (Map.Entry<Integer, byte[]> e : fromMap.entrySet()) {
                after.restoreKeyGroup(e.getKey(), e.getValue());
            }
            ValueState<MergingWindows<Long>> windows = after.getState(AS_VALUE);
            after.setCurrentKey("b");
            assertThat(asMap(windows.value())).containsOnly(Map.entry(new TimeWindow(0, 10), 99L),
                    Map.entry(new TimeWindow(30, 47), 2L));
            MergingWindows<Long> open = windows.value();
            open.add(60, 70, 5L);
            windows.update(open);
            fromValue = after.snapshot();
        }
        try (HeapKeyedStateBackend<String> back = backend()) {
            for (Map.Entry<Integer, byte[]> e : fromValue.entrySet()) {
                back.restoreKeyGroup(e.getKey(), e.getValue());
            }
            MapState<TimeWindow, Long> windows = back.getState(AS_MAP);
            back.setCurrentKey("b");
            Map<TimeWindow, Long> restored = new HashMap<>();
            windows.entries().forEach(e -> restored.put(e.getKey(), e.getValue()));
            assertThat(restored).containsOnly(Map.entry(new TimeWindow(0, 10), 99L),
                    Map.entry(new TimeWindow(30, 47), 2L), Map.entry(new TimeWindow(60, 70), 5L));
        }
    }

    @Test
    void rocksDbRestoresAHeapMapStateOfSessionsIntoTheValue(@TempDir Path dir) throws Exception {
        TreeMap<Integer, byte[]> fromMap;
        try (HeapKeyedStateBackend<String> before = backend()) {
            MapState<TimeWindow, Long> windows = before.getState(AS_MAP);
            before.setCurrentKey("a");
            windows.put(new TimeWindow(0, 10), 7L);
            windows.put(new TimeWindow(25, 40), 8L);
            fromMap = before.snapshot();
        }
        try (KeyedStateBackend<String> rocks = KeyedStateBackends.create(
                new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, true, dir), Types.STRING,
                new KeyGroupRange(0, 127), 128, "sessions")) {
            rocks.restore(KeyedStateRestore.ofKeyGroups(fromMap));
            ValueState<MergingWindows<Long>> windows = rocks.getState(AS_VALUE);
            rocks.setCurrentKey("a");
            MergingWindows<Long> open = windows.value();
            assertThat(asMap(open)).containsOnly(Map.entry(new TimeWindow(0, 10), 7L), Map.entry(new TimeWindow(25, 40), 8L));
            open.remove(open.start(0) == 0 ? 0 : 1);
            windows.update(open);
            assertThat(asMap(windows.value())).containsOnly(Map.entry(new TimeWindow(25, 40), 8L));
        }
    }
}
