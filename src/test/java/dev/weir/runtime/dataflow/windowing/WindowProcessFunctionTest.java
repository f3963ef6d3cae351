package dev.weir.runtime.dataflow.windowing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.testkit.KeyedFunctionHarness;

/** Windows as the engine runs them after a keyBy: state per key and window, timers, checkpoints, rescaling. */
class WindowProcessFunctionTest {

    /** Records are "key:value"; windows emit "key@[start,end)=sum". */
    private static KeyedFunctionHarness<String, String, String> open(WindowAssigner assigner, long lateness,
                                                                     int parallelism) throws Exception {
        Supplier<WindowProcessFunction<String, String, long[], long[], String>> function =
                () -> new WindowProcessFunction<>(assigner, new Sum(), Types.LONG_ARRAY,
                        WindowProcessFunctionTest::emit, lateness);
        return KeyedFunctionHarness.forFunction(function, r -> r.split(":")[0], Types.STRING)
                .parallelism(parallelism).startTime(1_000).open();
    }

    private static void emit(String key, TimeWindow window, Iterable<long[]> sums, Collector<String> out) {
        for (long[] sum : sums) {
            out.collect(key + "@[" + window.start() + "," + window.end() + ")=" + sum[0]);
        }
    }

    static final class Sum implements AggregateFunction<String, long[], long[]> {
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
    void anEventTimeWindowRefusesRecordsWithoutATimestampNamingTheFix() throws Exception {
        try (KeyedFunctionHarness<String, String, String> h = open(TumblingWindows.ofEventTime(Duration.ofMillis(10)), 0, 1)) {
            assertThatThrownBy(() -> h.processElement("a:1")).hasMessageContaining("WatermarkStrategy");
        }
    }
}
