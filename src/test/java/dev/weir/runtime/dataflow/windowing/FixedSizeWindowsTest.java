package dev.weir.runtime.dataflow.windowing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.state.HeapKeyedStateBackend;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.KeyedStateBackend;
import dev.weir.runtime.state.KeyedStateBackends;
import dev.weir.runtime.state.KeyedStateRestore;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.state.MapState;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.DataInputBuffer;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.Types;

/** A key's tumbling or sliding windows in one value, written as a map state of windows is. */
class FixedSizeWindowsTest {

    private static final FixedSizeWindows.Layout SLIDING = new FixedSizeWindows.Layout(10, 5, 0);
    private static final StateDescriptor.MapOf<TimeWindow, Long> AS_MAP =
            StateDescriptor.map("_windows", TimeWindow.SERIALIZER, Types.LONG);
    private static final StateDescriptor.Value<FixedSizeWindows<Long>> AS_VALUE =
            StateDescriptor.value("_windows", new FixedSizeWindows.Serializer<>(SLIDING, Types.LONG));

    private static HeapKeyedStateBackend<String> backend() {
        return new HeapKeyedStateBackend<>(Types.STRING, new KeyGroupRange(0, 127), 128);
    }

    private static Map<Long, Long> byStart(FixedSizeWindows<Long> windows) {
        Map<Long, Long> result = new TreeMap<>();
        for (int slot = 0; slot < windows.slots(); slot++) {
            if (windows.isUsed(slot)) {
                result.put(windows.start(slot), windows.accumulator(slot));
            }
        }
        return result;
    }

    @Test
    void oneWindowIsHeldInlineAndASecondMovesBothIntoSlots() {
        FixedSizeWindows<Long> windows = new FixedSizeWindows<>();
        assertThat(windows.find(10, SLIDING.slideNumber(10))).isEqualTo(-1);
        int slot = windows.add(10, SLIDING.slideNumber(10), 1L, SLIDING);
        windows.setAccumulator(slot, 2L);
        assertThat(windows.slots()).isEqualTo(1);
        assertThat(windows.find(10, SLIDING.slideNumber(10))).isEqualTo(slot);
        assertThat(windows.find(15, SLIDING.slideNumber(15))).isEqualTo(-1);
        assertThat(byStart(windows)).containsExactly(Map.entry(10L, 2L));

        windows.add(15, SLIDING.slideNumber(15), 3L, SLIDING);

        assertThat(windows.slots()).isGreaterThan(1);
        assertThat(byStart(windows)).containsExactly(Map.entry(10L, 2L), Map.entry(15L, 3L));
        windows.remove(windows.find(10, SLIDING.slideNumber(10)), SLIDING);
        assertThat(byStart(windows)).containsExactly(Map.entry(15L, 3L));

        FixedSizeWindows<Long> single = new FixedSizeWindows<>();
        single.add(20, SLIDING.slideNumber(20), 4L, SLIDING);
        single.remove(0, SLIDING);
        assertThat(single.isEmpty()).isTrue();
        assertThat(single.find(20, SLIDING.slideNumber(20))).isEqualTo(-1);
        single.add(25, SLIDING.slideNumber(25), 5L, SLIDING);
        assertThat(byStart(single)).containsExactly(Map.entry(25L, 5L));
        assertThat(single.removeStarts(start -> start == 25, SLIDING)).isEqualTo(1);
        assertThat(single.isEmpty()).isTrue();
    }

    @Test
    void anInlineWindowIsCopiedAndWrittenAsAnyOther() throws Exception {
        FixedSizeWindows.Serializer<Long> serializer = new FixedSizeWindows.Serializer<>(SLIDING, Types.LONG);
        FixedSizeWindows<Long> windows = new FixedSizeWindows<>();
        windows.add(10, SLIDING.slideNumber(10), 7L, SLIDING);

        FixedSizeWindows<Long> copy = serializer.copy(windows);
        windows.setAccumulator(0, 8L);
        assertThat(byStart(copy)).containsExactly(Map.entry(10L, 7L));

        DataOutputBuffer out = new DataOutputBuffer(64);
        serializer.serialize(windows, out);
        DataInputBuffer in = new DataInputBuffer();
        in.reset(out.toByteArray(), 0, out.length());
        FixedSizeWindows<Long> read = serializer.deserialize(in);
        assertThat(byStart(read)).containsExactly(Map.entry(10L, 8L));
        assertThat(byStart(serializer.copy(new FixedSizeWindows<>()))).isEmpty();
    }

    @Test
    void slotsDoubleWhenMoreWindowsAreOpenThanTheyHoldAndEveryWindowIsFoundByItsStart() {
        FixedSizeWindows<Long> windows = new FixedSizeWindows<>();
        for (long start = -50; start < 100; start += 5) {
            windows.add(start, SLIDING.slideNumber(start), start * 2, SLIDING);
        }
        assertThat(windows.size()).isEqualTo(30);
        assertThat(windows.slots()).isGreaterThanOrEqualTo(32);
        for (long start = -50; start < 100; start += 5) {
            int slot = windows.find(start, SLIDING.slideNumber(start));
            assertThat(slot).isNotNegative();
            assertThat(windows.accumulator(slot)).isEqualTo(start * 2);
        }
        assertThat(windows.find(100, SLIDING.slideNumber(100))).isNegative();
        windows.remove(windows.find(-50, SLIDING.slideNumber(-50)), SLIDING);
        assertThat(windows.find(-50, SLIDING.slideNumber(-50))).isNegative();
        assertThat(windows.size()).isEqualTo(29);
    }

    /** Slots that followed the distance between starts hung here, doubling past any array size. */
    @Test
    @Timeout(60)
    void aWindowFarAheadOfTheKeysOtherWindowsCostsOneSlotNotTheDistance() {
        FixedSizeWindows<Long> windows = new FixedSizeWindows<>();
        long[] starts = {0, 5, 10, 5L * (1L << 40), 5L * ((1L << 40) + 8), -5L * (1L << 33)};
        for (long start : starts) {
            windows.add(start, SLIDING.slideNumber(start), start, SLIDING);
        }
        assertThat(windows.slots()).isLessThanOrEqualTo(16);
        for (long start : starts) {
            assertThat(windows.accumulator(windows.find(start, SLIDING.slideNumber(start)))).isEqualTo(start);
        }
    }

    /** Random adds and removals (single and by predicate) against a TreeMap: every window stays findable. */
    @Test
    void behavesAsAMapFromStartToAccumulator() {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 200; round++) {
            FixedSizeWindows<Long> windows = new FixedSizeWindows<>();
            TreeMap<Long, Long> model = new TreeMap<>();
            // Starts clustered so probe runs wrap around and overlap: collisions every 8, 16, 32 slide numbers.
            int spread = 1 + random.nextInt(200);
            for (int op = 0; op < 400; op++) {
                long start = 5L * (random.nextInt(spread) * (random.nextBoolean() ? 1 : 8));
                long slideNumber = SLIDING.slideNumber(start);
                int slot = windows.find(start, slideNumber);
                assertThat(slot >= 0).as("found %d", start).isEqualTo(model.containsKey(start));
                int choice = random.nextInt(10);
                if (slot < 0 && choice < 6) {
                    windows.add(start, slideNumber, (long) op, SLIDING);
                    model.put(start, (long) op);
                } else if (slot >= 0 && choice < 3) {
                    windows.setAccumulator(slot, (long) -op);
                    model.put(start, (long) -op);
                } else if (slot >= 0) {
                    windows.remove(slot, SLIDING);
                    model.remove(start);
                } else if (choice == 9) {
                    long below = start;
                    int removed = windows.removeStarts(s -> s < below, SLIDING);
                    int expected = model.headMap(below).size();
                    model.headMap(below).clear();
                    assertThat(removed).isEqualTo(expected);
                }
                assertThat(windows.size()).isEqualTo(model.size());
            }
            assertThat(byStart(windows)).isEqualTo(model);
            for (Map.Entry<Long, Long> e : model.entrySet()) {
                int slot = windows.find(e.getKey(), SLIDING.slideNumber(e.getKey()));
                assertThat(windows.accumulator(slot)).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void restoresWhatAMapStateOfWindowsWroteAndWritesWhatItReads() throws Exception {
        TreeMap<Integer, byte[]> fromMap;
        try (HeapKeyedStateBackend<String> before = backend()) {
            MapState<TimeWindow, Long> windows = before.getState(AS_MAP);
            for (String key : new String[] {"a", "b", "c"}) {
                before.setCurrentKey(key);
                windows.put(new TimeWindow(0, 10), 1L + key.charAt(0));
                windows.put(new TimeWindow(-5, 5), 2L);
                windows.put(new TimeWindow(5, 15), 3L);
            }
            fromMap = before.snapshot();
        }
        TreeMap<Integer, byte[]> fromValue;
        try (HeapKeyedStateBackend<String> after = backend()) {
            for (Map.Entry<Integer, byte[]> e : fromMap.entrySet()) {
                after.restoreKeyGroup(e.getKey(), e.getValue());
            }
            ValueState<FixedSizeWindows<Long>> windows = after.getState(AS_VALUE);
            after.setCurrentKey("b");
            assertThat(byStart(windows.value())).containsExactly(Map.entry(-5L, 2L), Map.entry(0L, 99L), Map.entry(5L, 3L));
            fromValue = after.snapshot();
        }
        try (HeapKeyedStateBackend<String> back = backend()) {
            for (Map.Entry<Integer, byte[]> e : fromValue.entrySet()) {
                back.restoreKeyGroup(e.getKey(), e.getValue());
            }
            MapState<TimeWindow, Long> windows = back.getState(AS_MAP);
            back.setCurrentKey("c");
            Map<TimeWindow, Long> restored = new HashMap<>();
            windows.entries().forEach(e -> restored.put(e.getKey(), e.getValue()));
            assertThat(restored).containsOnly(Map.entry(new TimeWindow(0, 10), 100L),
                    Map.entry(new TimeWindow(-5, 5), 2L), Map.entry(new TimeWindow(5, 15), 3L));
        }
    }

    @Test
    void rocksDbRestoresAHeapMapStateOfWindowsIntoTheSlots(@TempDir Path dir) throws Exception {
        TreeMap<Integer, byte[]> fromMap;
        try (HeapKeyedStateBackend<String> before = backend()) {
            MapState<TimeWindow, Long> windows = before.getState(AS_MAP);
            before.setCurrentKey("a");
            windows.put(new TimeWindow(0, 10), 7L);
            windows.put(new TimeWindow(5, 15), 8L);
            fromMap = before.snapshot();
        }
        try (KeyedStateBackend<String> rocks = KeyedStateBackends.create(
                new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, true, dir), Types.STRING,
                new KeyGroupRange(0, 127), 128, "windows")) {
            rocks.restore(KeyedStateRestore.ofKeyGroups(fromMap));
            ValueState<FixedSizeWindows<Long>> windows = rocks.getState(AS_VALUE);
            rocks.setCurrentKey("a");
            FixedSizeWindows<Long> open = windows.value();
            assertThat(byStart(open)).containsExactly(Map.entry(0L, 7L), Map.entry(5L, 8L));
            open.remove(open.find(0, SLIDING.slideNumber(0)), SLIDING);
            windows.update(open);
            assertThat(byStart(windows.value())).containsExactly(Map.entry(5L, 8L));
        }
    }

    @Test
    void refusesRestoredWindowsTheAssignerDoesNotMakeNamingTheFix() throws Exception {
        TreeMap<Integer, byte[]> snapshot;
        try (HeapKeyedStateBackend<String> before = backend()) {
            MapState<TimeWindow, Long> windows = before.getState(AS_MAP);
            before.setCurrentKey("a");
            windows.put(new TimeWindow(0, 20), 1L);
            snapshot = before.snapshot();
        }
        try (HeapKeyedStateBackend<String> after = backend()) {
            for (Map.Entry<Integer, byte[]> e : snapshot.entrySet()) {
                after.restoreKeyGroup(e.getKey(), e.getValue());
            }
            assertThatThrownBy(() -> after.getState(AS_VALUE))
                    .isInstanceOf(UnrecoverableJobException.class)
                    .hasMessageContaining("[0, 20)").hasMessageContaining("new uid");
        }
    }
}
