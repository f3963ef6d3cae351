package dev.weir.runtime.dataflow.windowing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.CoGroupFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.FlatJoinFunction;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.testkit.KeyedCoFunctionHarness;

/**
 * The window coGroup and join through the two-input harness, checked against a brute force over
 * all records: event-time tumbling, sliding and session windows with a checkpoint restored at a
 * random parallelism after every record, processing-time windows, allowed lateness and the late
 * records of each input on their side outputs.
 *
 * <p>Left records are longs {@code v} of key {@code v % 5}; right ones {@code 1000 + i} of key
 * {@code v % 7}, so keys 5 and 6 have right records only.
 */
class WindowCoGroupFunctionTest {

    private static final OutputTag<Long> LEFT_LATE = new OutputTag<>("left-late", Types.LONG);
    private static final OutputTag<Long> RIGHT_LATE = new OutputTag<>("right-late", Types.LONG);

    private static final long DISORDER = 7;
    private static final long SIZE = 20;
    private static final long SLIDE = 5;
    private static final long GAP = 4;

    /** One record: its input (0 left, 1 right), value and event time. */
    private record Event(int side, long value, long time) {
        long key() {
            return side == 0 ? value % 5 : value % 7;
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tumbling", "sliding", "session"})
    void coGroupAndJoinMatchABruteForceWithARestoreAtRandomParallelismAfterEveryRecord(String windows)
            throws Exception {
        WindowAssigner assigner = switch (windows) {
            case "tumbling" -> TumblingWindows.ofEventTime(Duration.ofMillis(SIZE));
            case "sliding" -> SlidingWindows.ofEventTime(Duration.ofMillis(SIZE), Duration.ofMillis(SLIDE));
            default -> SessionWindows.ofEventTime(Duration.ofMillis(GAP));
        };
        Random random = new Random(7);
        List<Event> events = new ArrayList<>();
        for (long i = 0; i < 150; i++) {
            events.add(new Event(0, i, i * 2 + random.nextInt((int) DISORDER + 1)));
            if (i % 3 != 2) {
                events.add(new Event(1, 1_000 + i, i * 2 + random.nextInt((int) DISORDER + 1)));
            }
        }
        // Sessions lag the watermark by a gap more, so no record can still touch a session that fired.
        long lag = DISORDER + 1 + (windows.equals("session") ? GAP : 0);
        Map<String, List<List<Long>>> expected = bruteForce(windows, events);
        assertThat(expected.values()).anyMatch(sides -> sides.get(0).isEmpty());
        List<String> expectedGroups = new ArrayList<>();
        List<String> expectedPairs = new ArrayList<>();
        for (List<List<Long>> sides : expected.values()) {
            expectedGroups.add(sides.get(0) + "|" + sides.get(1));
            for (long l : sides.get(0)) {
                for (long r : sides.get(1)) {
                    expectedPairs.add(l + "," + r);
                }
            }
        }
        assertThat(expectedPairs).hasSizeGreaterThan(60);

        int[] parallelisms = {1, 2, 3};
        try (KeyedCoFunctionHarness<Long, Long, Long, String> groups = open(assigner, 0, new Groups());
             KeyedCoFunctionHarness<Long, Long, Long, String> joins = open(assigner, 0, pairs())) {
            List<String> groupsOut = new ArrayList<>();
            List<String> pairsOut = new ArrayList<>();
            long maxTime = Long.MIN_VALUE;
            for (Event event : events) {
                maxTime = Math.max(maxTime, event.time());
                for (KeyedCoFunctionHarness<Long, Long, Long, String> harness : List.of(groups, joins)) {
                    if (event.side() == 0) {
                        harness.processElement1(event.value(), event.time());
                    } else {
                        harness.processElement2(event.value(), event.time());
                    }
                    harness.restore(harness.snapshot(), parallelisms[random.nextInt(parallelisms.length)]);
                    // The watermark starts over after a restore, as in the engine; the sources send it again.
                    harness.processWatermark(maxTime - lag);
                }
                groupsOut.addAll(groups.takeOutput());
                pairsOut.addAll(joins.takeOutput());
            }
            groups.endInput();
            joins.endInput();
            groupsOut.addAll(groups.takeOutput());
            pairsOut.addAll(joins.takeOutput());
            assertThat(groupsOut).containsExactlyInAnyOrderElementsOf(expectedGroups);
            assertThat(pairsOut).containsExactlyInAnyOrderElementsOf(expectedPairs);
        }
    }

    /** Per key and window, the sorted values of each side, computed from the definitions of the windows. */
    private static Map<String, List<List<Long>>> bruteForce(String windows, List<Event> events) {
        Map<String, List<List<Long>>> byWindow = new TreeMap<>();
        if (windows.equals("session")) {
            Map<Long, List<Event>> byKey = new TreeMap<>();
            events.forEach(e -> byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e));
            byKey.forEach((key, keyed) -> {
                keyed.sort((a, b) -> Long.compare(a.time(), b.time()));
                long start = Long.MIN_VALUE;
                long end = Long.MIN_VALUE;
                for (Event e : keyed) {
                    if (e.time() > end) { // [t, t + gap) neither overlaps nor touches the session so far
                        start = e.time();
                    }
                    end = Math.max(end, e.time() + GAP);
                    add(byWindow, key + "@" + start, e);
                }
            });
        } else {
            long slide = windows.equals("tumbling") ? SIZE : SLIDE;
            for (Event e : events) {
                for (long start = Math.floorDiv(e.time(), slide) * slide; start > e.time() - SIZE; start -= slide) {
                    add(byWindow, e.key() + "@" + start, e);
                }
            }
        }
        byWindow.values().forEach(sides -> sides.forEach(side -> side.sort(null)));
        return byWindow;
    }

    private static void add(Map<String, List<List<Long>>> byWindow, String window, Event e) {
        byWindow.computeIfAbsent(window, w -> List.of(new ArrayList<>(), new ArrayList<>())).get(e.side()).add(e.value());
    }

    @Test
    void aRecordThatBridgesTwoSessionsMergesTheirRecordsOfBothInputs() throws Exception {
        try (KeyedCoFunctionHarness<Long, Long, Long, String> harness = open(
                SessionWindows.ofEventTime(Duration.ofMillis(10)), 0, new Groups())) {
            harness.processElement1(0L, 0);
            harness.processElement2(1_015L, 2); // [0, 12), key 0
            harness.processElement2(1_001L, 30);
            harness.processElement2(1_008L, 20); // [20, 40)
            harness.restore(harness.snapshot(), 3);
            harness.processElement1(5L, 10); // [10, 20) touches both: one session [0, 40)
            harness.endInput();
            assertThat(harness.takeOutput()).containsExactly("[0, 5]|[1001, 1008, 1015]");
        }
    }

    @Test
    void processingTimeWindowsGroupWhatArrivedInThemAlsoWhenOneSideIsEmpty() throws Exception {
        try (KeyedCoFunctionHarness<Long, Long, Long, String> harness = open(
                TumblingWindows.ofProcessingTime(Duration.ofMillis(100)), 0, new Groups())) {
            harness.processElement1(5L);
            harness.processElement2(1_001L); // key 0 on both sides
            harness.advanceProcessingTime(50);
            harness.processElement1(1L); // key 1: left only
            harness.restore(harness.snapshot(), 3);
            harness.processElement2(1_006L); // key 5: right only
            harness.advanceProcessingTime(48);
            assertThat(harness.takeOutput()).isEmpty();
            harness.advanceProcessingTime(1); // 1099, the last millisecond of [1000, 1100)
            assertThat(harness.takeOutput()).containsExactlyInAnyOrder("[5]|[1001]", "[1]|[]", "[]|[1006]");
            harness.advanceProcessingTime(1);
            harness.processElement1(10L);
            harness.restore(harness.snapshot(), 1);
            harness.advanceProcessingTime(100);
            assertThat(harness.takeOutput()).containsExactly("[10]|[]");
        }
    }

    @Test
    void lateRecordsFireTheWindowAgainWithinTheLatenessAndGoToTheirInputsSideOutputAfter() throws Exception {
        WindowAssigner assigner = TumblingWindows.ofEventTime(Duration.ofMillis(10));
        try (KeyedCoFunctionHarness<Long, Long, Long, String> harness = open(assigner, 5, pairs())) {
            harness.processElement1(0L, 1);
            harness.processElement2(1_000L, 2); // key 6: no left record, no pair
            harness.processElement2(1_001L, 3); // key 0
            harness.processWatermark(9);
            assertThat(harness.takeOutput()).containsExactly("0,1001");
            harness.restore(harness.snapshot(), 2);
            harness.processWatermark(12);
            harness.processElement2(1_008L, 4); // behind the watermark, within the lateness: fires again
            assertThat(harness.takeOutput()).containsExactlyInAnyOrder("0,1001", "0,1008");
            harness.processWatermark(13);
            harness.processElement1(5L, 5); // still within
            assertThat(harness.takeOutput()).containsExactlyInAnyOrder("0,1001", "0,1008", "5,1001", "5,1008");
            harness.processWatermark(14); // the window's end + lateness: dropped
            harness.processElement1(10L, 6);
            harness.processElement2(1_015L, 7);
            harness.processElement1(20L, 15); // [10, 20) is open
            assertThat(harness.takeOutput()).isEmpty();
            assertThat(harness.takeSideOutput(LEFT_LATE)).containsExactly(10L);
            assertThat(harness.takeSideOutput(RIGHT_LATE)).containsExactly(1_015L);
            harness.endInput();
            assertThat(harness.takeOutput()).isEmpty(); // [10, 20) has no right record of key 0
        }
    }

    private static KeyedCoFunctionHarness<Long, Long, Long, String> open(WindowAssigner assigner, long lateness,
                                                                         CoGroupFunction<Long, Long, String> function)
            throws Exception {
        boolean lateData = assigner.isEventTime();
        Supplier<WindowCoGroupFunction<Long, Long, Long, String>> operator = () -> new WindowCoGroupFunction<>(
                assigner, Types.LONG, Types.LONG, function, lateness, lateData ? LEFT_LATE : null,
                lateData ? RIGHT_LATE : null);
        return KeyedCoFunctionHarness.forFunction(operator, (Long l) -> l % 5, (Long r) -> r % 7, Types.LONG)
                .firstInputSerializer(Types.LONG).secondInputSerializer(Types.LONG).outputSerializer(Types.STRING)
                .parallelism(2).startTime(1_000).open();
    }

    /** Emits each side's values, sorted: {@code [1, 6]|[1001]}. */
    static final class Groups implements CoGroupFunction<Long, Long, String> {
        @Override
        public void coGroup(Iterable<Long> first, Iterable<Long> second, Collector<String> out) {
            out.collect(sorted(first) + "|" + sorted(second));
        }

        private static List<Long> sorted(Iterable<Long> values) {
            List<Long> list = new ArrayList<>();
            values.forEach(list::add);
            list.sort(null);
            return list;
        }
    }

    /** The join's function: every pair of the two sides as {@code left,right}. */
    private static CoGroupFunction<Long, Long, String> pairs() {
        return new JoinedStreams.Pairing<>((FlatJoinFunction<Long, Long, String>) (l, r, out) -> out.collect(l + "," + r));
    }
}
