package dev.weir.runtime.dataflow.windowing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.MapState;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.testkit.KeyedFunctionHarness;

/** Windows as the engine runs them after a keyBy: state per key and window, timers, checkpoints, rescaling. */
class WindowProcessFunctionTest {

    /** Records are "key:value"; windows emit "key@[start,end)=sum". */
    private static final OutputTag<String> LATE = new OutputTag<>("late", Types.STRING);

    private static KeyedFunctionHarness<String, String, String> open(WindowAssigner assigner, long lateness,
                                                                     int parallelism) throws Exception {
        return open(assigner, lateness, parallelism, null);
    }

    private static KeyedFunctionHarness<String, String, String> open(WindowAssigner assigner, long lateness,
                                                                     int parallelism, OutputTag<String> lateData)
            throws Exception {
        Supplier<WindowProcessFunction<String, String, long[], String>> function =
                () -> new WindowProcessFunction<>(assigner, new Sum(), Types.LONG_ARRAY,
                        WindowProcessFunctionTest::emit, lateness, lateData);
        return KeyedFunctionHarness.forFunction(function, r -> r.split(":")[0], Types.STRING)
                .parallelism(parallelism).startTime(1_000).open();
    }

    private static void emit(String key, TimeWindow window, Iterable<long[]> sums, Collector<String> out) {
        for (long[] sum : sums) {
            out.collect(key + "@[" + window.start() + "," + window.end() + ")=" + sum[0]);
        }
    }

    /** Sum without merge(): cannot serve merging windows. */
    static class NonMergingSum implements AggregateFunction<String, long[], long[]> {
        @Override
        public long[] createAccumulator() {
            return new long[1];
        }

        @Override
        public long[] add(String value, long[] accumulator) {
            accumulator[0] += Long.parseLong(value.split(":")[1]);
            return accumulator;
        }

        @Override
        public long[] getResult(long[] accumulator) {
            return accumulator;
        }
    }

    static final class Sum extends NonMergingSum {
        @Override
        public long[] merge(long[] a, long[] b) {
            a[0] += b[0];
            return a;
        }
    }

    @Test
    void aRecordWithoutATimestampFailsTheJobAtOnceWithTheFix() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(TumblingWindows.ofEventTime(Duration.ofMillis(10)), 0, 1)) {
            assertThatThrownBy(() -> h.processElement("a:1"))
                    .isInstanceOf(dev.weir.runtime.dataflow.UnrecoverableJobException.class)
                    .hasMessageContaining("WatermarkStrategy with a timestamp assigner");
        }
    }

    @Test
    void tumblingEventTimeWindowsFireOnceWhenTheWatermarkPassesTheirEnd() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(TumblingWindows.ofEventTime(Duration.ofMillis(10)), 0, 2)) {
            h.processElement("a:1", 3);
            h.processElement("b:5", 9);
            h.processElement("a:2", 12);
            h.processElement("a:4", 0);
            h.processWatermark(8);
            assertThat(h.takeOutput()).isEmpty();
            h.processWatermark(9);
            assertThat(h.takeOutput()).containsExactlyInAnyOrder("a@[0,10)=5", "b@[0,10)=5");
            h.processWatermark(100);
            assertThat(h.takeOutput()).containsExactly("a@[10,20)=2");
            h.processWatermark(200);
            assertThat(h.takeOutput()).isEmpty();
        }
    }

    @Test
    void slidingWindowsHoldEachRecordInSizeOverSlideWindows() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h =
                     open(SlidingWindows.ofEventTime(Duration.ofMillis(10), Duration.ofMillis(5)), 0, 1)) {
            h.processElement("a:1", 7);
            h.processElement("a:10", 12);
            h.endInput();
            assertThat(h.takeOutput()).containsExactly("a@[0,10)=1", "a@[5,15)=11", "a@[10,20)=10");
        }
    }

    @Test
    void aLateRecordIsDroppedButWithinAllowedLatenessItFiresTheWindowAgain() throws Exception {
        try (KeyedFunctionHarness<String, String, String> strict = open(TumblingWindows.ofEventTime(Duration.ofMillis(10)), 0, 1)) {
            strict.processElement("a:1", 3);
            strict.processWatermark(15);
            strict.processElement("a:2", 4);
            strict.endInput();
            assertThat(strict.takeOutput()).containsExactly("a@[0,10)=1");
        }
        try (KeyedFunctionHarness<String, String, String> lenient = open(TumblingWindows.ofEventTime(Duration.ofMillis(10)), 10, 1)) {
            lenient.processElement("a:1", 3);
            lenient.processWatermark(15);
            lenient.processElement("a:2", 4);
            lenient.processWatermark(19);
            lenient.processElement("a:4", 5);
            lenient.endInput();
            assertThat(lenient.takeOutput()).containsExactly("a@[0,10)=1", "a@[0,10)=3");
        }
    }

    @Test
    void aLongAllowedLatenessKeepsManyWindowsOfAKeyOpenAndEachFiresAgainWithItsLateRecords() throws Exception {
        // 30 windows of one key are open at once: more than a key's first window slots hold
        try (KeyedFunctionHarness<String, String, String> h = open(SlidingWindows.ofEventTime(Duration.ofMillis(10),
                Duration.ofMillis(5)), 1_000, 1)) {
            for (int t = 0; t < 150; t += 5) {
                h.processElement("a:1", t);
            }
            h.processWatermark(200);
            assertThat(h.takeOutput()).hasSize(31).contains("a@[-5,5)=1", "a@[0,10)=2", "a@[70,80)=2", "a@[145,155)=1");
            h.processElement("a:100", 72);
            assertThat(h.takeOutput()).containsExactly("a@[70,80)=102", "a@[65,75)=102");
            h.processWatermark(1_200);
            h.processElement("a:1000", 72);
            h.endInput();
            assertThat(h.takeOutput()).as("past its lateness the record is dropped").isEmpty();
        }
    }

    @Test
    void aWindowOpenedBehindTheWatermarkWithinTheAllowedLatenessFiresOnceNotAgainAtTheNextWatermark() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(TumblingWindows.ofEventTime(Duration.ofMillis(10)), 10, 1)) {
            h.processElement("a:1", 3);
            h.processWatermark(15);
            h.processElement("b:2", 4); // b has no [0,10) yet: opened late, fired at once
            assertThat(h.takeOutput()).containsExactly("a@[0,10)=1", "b@[0,10)=2");
            h.processWatermark(16);
            h.endInput();
            assertThat(h.takeOutput()).isEmpty();
        }
    }

    @Test
    void recordsTooLateForEveryWindowGoToTheLateDataSideOutputOnce() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h =
                     open(SlidingWindows.ofEventTime(Duration.ofMillis(10), Duration.ofMillis(5)), 2, 2, LATE)) {
            h.processElement("a:1", 3);
            h.processElement("b:1", 6);
            h.processWatermark(15);
            h.processElement("a:2", 4);   // [-5,5) and [0,10) are past their lateness (cleanup at 6 and 11): late
            h.processElement("b:4", 8);   // [0,10) is past it, [5,15) within it (cleanup at 16): fires again, not late
            assertThat(h.takeSideOutput(LATE)).containsExactly("a:2");
            h.endInput();
            assertThat(h.takeOutput()).containsExactlyInAnyOrder("a@[-5,5)=1", "a@[0,10)=1", "b@[0,10)=1",
                    "b@[5,15)=1", "b@[5,15)=5");
            assertThat(h.sideOutput(LATE)).isEmpty();
        }
    }

    @Test
    void aLateRecordForAClosedSessionGoesToTheLateDataSideOutput() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(SessionWindows.ofEventTime(Duration.ofMillis(10)), 0, 1, LATE)) {
            h.processElement("a:1", 50);
            h.processWatermark(55);
            h.processElement("a:2", 45); // joins the open session
            h.processElement("a:4", 30); // a closed session of its own: late
            h.endInput();
            assertThat(h.takeOutput()).containsExactly("a@[45,60)=3");
            assertThat(h.takeSideOutput(LATE)).containsExactly("a:4");
        }
    }

    @Test
    void openWindowsSurviveACheckpointAndARestoreAtAnotherParallelism() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(TumblingWindows.ofEventTime(Duration.ofMillis(10)), 0, 2)) {
            for (int i = 0; i < 40; i++) {
                h.processElement("k" + (i % 5) + ":" + i, i);
            }
            h.processWatermark(19);
            assertThat(h.takeOutput()).hasSize(10);
            KeyedFunctionHarness.Snapshot checkpoint = h.snapshot();
            h.restore(checkpoint, 3);
            h.restore(h.snapshot(), 1);
            h.endInput();
            assertThat(h.takeOutput()).containsExactlyInAnyOrder(
                    "k0@[20,30)=45", "k1@[20,30)=47", "k2@[20,30)=49", "k3@[20,30)=51", "k4@[20,30)=53",
                    "k0@[30,40)=65", "k1@[30,40)=67", "k2@[30,40)=69", "k3@[30,40)=71", "k4@[30,40)=73");
        }
    }

    @Test
    void processingTimeWindowsFireOnTheClock() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(TumblingWindows.ofProcessingTime(Duration.ofMillis(100)), 0, 1)) {
            h.processElement("a:1");
            h.processElement("a:2");
            h.advanceProcessingTime(98);
            assertThat(h.takeOutput()).isEmpty();
            h.advanceProcessingTime(1);
            assertThat(h.takeOutput()).containsExactly("a@[1000,1100)=3");
            h.advanceProcessingTime(1);
            h.processElement("a:4");
            h.endInput();
            assertThat(h.takeOutput()).as("end of input fires the pending processing-time window")
                    .containsExactly("a@[1100,1200)=4");
        }
    }

    @Test
    void sessionsMergeRecordsAtMostTheGapApartAndSplitOnALongerPause() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(SessionWindows.ofEventTime(Duration.ofMillis(10)), 0, 2)) {
            h.processElement("a:1", 0);
            h.processElement("a:2", 10); // exactly the gap: the same session (Flink's rule: touching windows merge)
            h.processElement("a:4", 21); // 11 after the last: a new session
            h.processElement("b:8", 5);
            h.processWatermark(19);
            assertThat(h.takeOutput()).containsExactlyInAnyOrder("a@[0,20)=3", "b@[5,15)=8");
            h.processElement("a:16", 25);
            h.endInput();
            assertThat(h.takeOutput()).containsExactly("a@[21,35)=20");
        }
    }

    @Test
    void aRecordBetweenTwoSessionsJoinsThemIntoOneThatFiresOnce() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(SessionWindows.ofEventTime(Duration.ofMillis(10)), 0, 1)) {
            h.processElement("a:1", 100);
            h.processElement("a:2", 130);
            h.processElement("a:4", 140);
            h.processWatermark(105);
            assertThat(h.takeOutput()).isEmpty();
            h.processElement("a:8", 120); // [120,130) touches [130,150): one session [120,150)
            h.processElement("a:16", 110); // [110,120) touches [100,110) and [120,150): all one session
            h.processWatermark(148);
            assertThat(h.takeOutput()).isEmpty();
            h.processWatermark(149);
            assertThat(h.takeOutput()).containsExactly("a@[100,150)=31");
            h.endInput();
            assertThat(h.takeOutput()).as("the timers of the sessions merged away fire nothing").isEmpty();
        }
    }

    @Test
    void aRecordMergesOnlyTheSessionsItTouchesAndTheOthersFireOnTheirOwn() throws Exception {
        for (long lateness : new long[] {0, 5}) {
            try (KeyedFunctionHarness<String, String, String> h = open(SessionWindows.ofEventTime(Duration.ofMillis(10)),
                    lateness, 1)) {
                for (int i = 0; i < 5; i++) {
                    h.processElement("a:" + (1 << i), i * 20L); // [0,10) [20,30) [40,50) [60,70) [80,90)
                }
                h.processElement("a:32", 30); // [30,40) touches [20,30) and [40,50): those two and it are one
                h.processElement("a:64", 95); // [95,105) touches no session
                h.endInput();
                assertThat(h.takeOutput()).as("allowed lateness %d", lateness).containsExactlyInAnyOrder(
                        "a@[0,10)=1", "a@[20,50)=38", "a@[60,70)=8", "a@[80,90)=16", "a@[95,105)=64");
            }
        }
    }

    @Test
    void aSessionThatGrewPastItsFirstEndFiresOnceAtItsLastEnd() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(SessionWindows.ofEventTime(Duration.ofMillis(10)), 0, 1)) {
            h.processElement("a:1", 0); // [0,10)
            h.processElement("a:2", 5); // [0,15): takes over the timer at 9
            h.processWatermark(9);
            assertThat(h.takeOutput()).as("the timer at 9 fired inside the session: it moved to its end").isEmpty();
            h.processElement("a:4", 12); // [0,22)
            h.processWatermark(14);
            assertThat(h.takeOutput()).isEmpty();
            h.processWatermark(21);
            assertThat(h.takeOutput()).containsExactly("a@[0,22)=7");
            h.endInput();
            assertThat(h.takeOutput()).isEmpty();
        }
    }

    @Test
    void aLateRecordJoinsAnOpenSessionButNeverOpensAClosedOne() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(SessionWindows.ofEventTime(Duration.ofMillis(10)), 0, 1)) {
            h.processElement("a:1", 50);
            h.processWatermark(55);
            h.processElement("a:2", 45); // behind the watermark, but [45,55) touches the open session [50,60)
            h.processElement("a:4", 30); // [30,40): over before the watermark, a session of its own: dropped
            h.endInput();
            assertThat(h.takeOutput()).containsExactly("a@[45,60)=3");
        }
        try (KeyedFunctionHarness<String, String, String> lenient = open(SessionWindows.ofEventTime(Duration.ofMillis(10)), 20, 1)) {
            lenient.processElement("a:1", 50);
            lenient.processWatermark(70);
            assertThat(lenient.takeOutput()).containsExactly("a@[50,60)=1");
            lenient.processElement("a:2", 58); // within the allowed lateness: the session grows and fires again
            lenient.processWatermark(200);
            lenient.processElement("a:4", 59); // past it: dropped
            lenient.endInput();
            assertThat(lenient.takeOutput()).containsExactly("a@[50,68)=3");
        }
    }

    @Test
    void openSessionsSurviveACheckpointAndARestoreAtAnotherParallelism() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(SessionWindows.ofEventTime(Duration.ofMillis(10)), 0, 2)) {
            for (int i = 0; i < 20; i++) {
                h.processElement("k" + (i % 4) + ":" + i, i * 3L);
            }
            h.restore(h.snapshot(), 3);
            for (int i = 20; i < 40; i++) {
                h.processElement("k" + (i % 4) + ":" + i, i * 3L);
            }
            h.restore(h.snapshot(), 1);
            h.endInput();
            // Each key has a record every 12 ms (> the gap of 10): one session per record.
            assertThat(h.takeOutput()).hasSize(40).contains("k0@[0,10)=0", "k3@[117,127)=39");
        }
        try (KeyedFunctionHarness<String, String, String> h = open(SessionWindows.ofEventTime(Duration.ofMillis(12)), 0, 2)) {
            for (int i = 0; i < 40; i++) {
                h.processElement("k" + (i % 4) + ":" + i, i * 3L);
                if (i % 7 == 0) {
                    h.restore(h.snapshot(), 1 + i % 3);
                }
            }
            h.endInput();
            // 12 ms apart = the gap: each key's records are one session, [first, last + 12).
            assertThat(h.takeOutput()).containsExactlyInAnyOrder("k0@[0,120)=180", "k1@[3,123)=190",
                    "k2@[6,126)=200", "k3@[9,129)=210");
        }
    }

    /**
     * Sessions as the window operator kept them before {@link MergingWindows}: a map state window →
     * accumulator and a timer at each window's end. The harness's first subtasks run this, the
     * restored ones the window operator.
     */
    static final class MapStateSessions extends KeyedProcessFunction<String, String, String> {
        private final AtomicInteger records;
        private MapState<TimeWindow, long[]> windows;

        MapStateSessions(AtomicInteger records) {
            this.records = records;
        }

        @Override
        public void open(RuntimeContext context) {
            windows = context.getState(StateDescriptor.map("_windows", TimeWindow.SERIALIZER, Types.LONG_ARRAY));
        }

        @Override
        public void processElement(String value, Context<String> context, Collector<String> out) {
            long t = context.timestamp();
            windows.put(new TimeWindow(t, t + 10), new long[] {Long.parseLong(value.split(":")[1])});
            context.timerService().registerEventTimeTimer(t + 9);
            records.incrementAndGet();
        }
    }

    @Test
    void sessionsKeptInAMapStateRestoreAtAnotherParallelismAndFireAndMerge() throws Exception {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger keptInAMap = new AtomicInteger();
        Supplier<KeyedProcessFunction<String, String, String>> function = () -> made.getAndIncrement() < 2
                ? new MapStateSessions(keptInAMap)
                : new WindowProcessFunction<>(SessionWindows.ofEventTime(Duration.ofMillis(10)), new Sum(),
                        Types.LONG_ARRAY, WindowProcessFunctionTest::emit, 0, null);
        try (KeyedFunctionHarness<String, String, String> h = KeyedFunctionHarness.forFunction(function,
                (String r) -> r.split(":")[0], Types.STRING).parallelism(2).startTime(1_000).open()) {
            for (int i = 0; i < 8; i++) {
                h.processElement("k" + i + ":" + (i + 1), 100L + 20 * i); // k_i: [100 + 20i, 110 + 20i)
            }
            h.processElement("k0:100", 200); // a second session of k0: [200, 210)
            assertThat(keptInAMap).hasValue(9);
            h.restore(h.snapshot(), 3);
            h.processElement("k3:1000", 165); // [165,175) touches k3's [160,170): one session [160,175)
            h.processElement("k0:10000", 205); // joins k0's second session [200,215)
            h.endInput();
            assertThat(h.takeOutput()).containsExactlyInAnyOrder("k0@[100,110)=1", "k1@[120,130)=2",
                    "k2@[140,150)=3", "k3@[160,175)=1004", "k4@[180,190)=5", "k5@[200,210)=6", "k6@[220,230)=7",
                    "k7@[240,250)=8", "k0@[200,215)=10100");
        }
    }

    @Test
    void processingTimeSessionsEndAfterTheGapOnTheClock() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(SessionWindows.ofProcessingTime(Duration.ofMillis(100)), 0, 1)) {
            h.processElement("a:1");
            h.advanceProcessingTime(60);
            h.processElement("a:2");
            h.advanceProcessingTime(98);
            assertThat(h.takeOutput()).as("the first record's session [1000,1100) merged away: nothing at 1099").isEmpty();
            h.advanceProcessingTime(1);
            assertThat(h.takeOutput()).containsExactly("a@[1000,1160)=3");
        }
    }

    @Test
    void processHandsEveryRecordOfASession() throws Exception {
        Supplier<WindowProcessFunction<String, String, java.util.List<String>, String>> function =
                () -> WindowProcessFunction.emitting(SessionWindows.ofEventTime(Duration.ofMillis(10)),
                        new CollectingForTest(), Types.list(Types.STRING),
                        (key, window, elements, out) -> out.collect(key + "@[" + window.start() + "," + window.end()
                                + ")=" + String.join(",", new java.util.TreeSet<>(elements))), 0, null);
        try (KeyedFunctionHarness<String, String, String> h = KeyedFunctionHarness.forFunction(function,
                r -> r.split(":")[0], Types.STRING).parallelism(2).open()) {
            h.processElement("a:1", 30);
            h.processElement("a:2", 5);
            h.processElement("a:3", 20);
            h.restore(h.snapshot(), 1);
            h.processElement("a:4", 12); // bridges [5,15) and [20,40)
            h.endInput();
            assertThat(h.takeOutput()).containsExactly("a@[5,40)=a:1,a:2,a:3,a:4");
        }
    }

    @Test
    void aMergingWindowNeedsAnAggregationThatMerges() {
        dev.weir.runtime.dataflow.StreamEnvironment env = new dev.weir.runtime.dataflow.StreamEnvironment(1, 128);
        var keyed = env.fromSource(dev.weir.connectors.generator.GeneratorSource.sequence(10), "generator")
                .map(n -> "k:" + n).keyBy(r -> r.split(":")[0], Types.STRING);
        assertThatThrownBy(() -> keyed.window(SessionWindows.ofEventTime(Duration.ofSeconds(1)))
                .aggregate(new NonMergingSum(), Types.LONG_ARRAY))
                .hasMessageContaining("NonMergingSum must implement merge()");
        keyed.window(SessionWindows.ofEventTime(Duration.ofSeconds(1))).aggregate(new Sum(), Types.LONG_ARRAY);
        keyed.window(TumblingWindows.ofEventTime(Duration.ofSeconds(1))).aggregate(new NonMergingSum(), Types.LONG_ARRAY);
    }

    /** The records themselves, as WindowedStream.process keeps them. */
    static final class CollectingForTest implements AggregateFunction<String, java.util.List<String>, java.util.List<String>> {
        @Override
        public java.util.List<String> createAccumulator() {
            return new java.util.ArrayList<>();
        }

        @Override
        public java.util.List<String> add(String value, java.util.List<String> accumulator) {
            accumulator.add(value);
            return accumulator;
        }

        @Override
        public java.util.List<String> getResult(java.util.List<String> accumulator) {
            return accumulator;
        }

        @Override
        public java.util.List<String> merge(java.util.List<String> a, java.util.List<String> b) {
            a.addAll(b);
            return a;
        }
    }

    @Test
    void anEventTimeWindowRefusesRecordsWithoutATimestampNamingTheFix() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(TumblingWindows.ofEventTime(Duration.ofMillis(10)), 0, 1)) {
            assertThatThrownBy(() -> h.processElement("a:1")).hasMessageContaining("WatermarkStrategy");
        }
    }
}
