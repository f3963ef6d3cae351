package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedCoProcessFunction;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.ProcessJoinFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.ListState;
import dev.weir.runtime.state.MapState;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.Types;

class KeyedCoFunctionHarnessTest {

    /** Holds a key's records until its multiplier came on the second input, then multiplies. */
    static final class Enrich extends KeyedCoProcessFunction<Long, Long, Long, String> {
        private ValueState<Long> multiplier;
        private ListState<Long> waiting;

        @Override
        public void open(RuntimeContext context) {
            multiplier = context.getState(StateDescriptor.value("multiplier", Types.LONG));
            waiting = context.getState(StateDescriptor.list("waiting", Types.LONG));
        }

        @Override
        public void processElement1(Long value, KeyedProcessFunction.Context<Long> context, Collector<String> out) {
            Long factor = multiplier.value();
            if (factor == null) {
                waiting.add(value);
            } else {
                out.collect(value + "*" + factor);
            }
        }

        @Override
        public void processElement2(Long factor, KeyedProcessFunction.Context<Long> context, Collector<String> out) {
            multiplier.update(factor);
            for (long value : waiting.get()) {
                out.collect(value + "*" + factor);
            }
            waiting.clear();
            context.timerService().registerProcessingTimeTimer(context.timerService().currentProcessingTime() + 10);
        }

        @Override
        public void onTimer(long timestamp, KeyedProcessFunction.Context<Long> context, Collector<String> out) {
            out.collect("timer:" + context.getCurrentKey() + "@" + timestamp);
        }
    }

    @Test
    void bothInputsShareTheKeysStateAndTimersAcrossARescaledRestore() throws Exception {
        try (KeyedCoFunctionHarness<Long, Long, Long, String> harness = KeyedCoFunctionHarness
                .forFunction(Enrich::new, (Long value) -> value % 10, (Long factor) -> factor % 10, Types.LONG)
                .firstInputSerializer(Types.LONG).secondInputSerializer(Types.LONG).outputSerializer(Types.STRING)
                .parallelism(2)
                .open()) {
            harness.processElement1(13L);
            harness.processElement1(23L);
            harness.restore(harness.snapshot(), 3);
            List<Long> waiting = harness.state(3L, StateDescriptor.list("waiting", Types.LONG), ListState::get);
            assertThat(waiting).containsExactly(13L, 23L);
            harness.processElement2(3L); // key 3's multiplier: the waiting records go out
            harness.processElement1(33L);
            assertThat(harness.takeOutput()).containsExactly("13*3", "23*3", "33*3");
            harness.restore(harness.snapshot(), 1);
            harness.advanceProcessingTime(10);
            assertThat(harness.takeOutput()).containsExactly("timer:3@10");
        }
    }

    @Test
    void intervalJoinMatchesABruteForceWithARestoreAfterEveryRecordAndDropsWhatCanPairNoMore() throws Exception {
        long lower = -3;
        long upper = 5;
        long disorder = 6;
        Random random = new Random(42);
        List<long[]> events = new ArrayList<>(); // {side, value, time}
        for (long i = 0; i < 60; i++) {
            events.add(new long[] {0, i, i * 2 + random.nextInt((int) disorder)});
            events.add(new long[] {1, 1_000 + i, i * 2 + random.nextInt((int) disorder)});
        }
        List<String> expected = new ArrayList<>();
        for (long[] left : events) {
            for (long[] right : events) {
                if (left[0] == 0 && right[0] == 1 && left[1] % 3 == right[1] % 3
                        && right[2] >= left[2] + lower && right[2] <= left[2] + upper) {
                    expected.add(left[1] + "," + right[1] + "@" + Math.max(left[2], right[2]));
                }
            }
        }
        assertThat(expected).hasSizeGreaterThan(20);

        List<String> out = new ArrayList<>();
        int[] parallelisms = {1, 2, 3};
        try (KeyedCoFunctionHarness<Long, Long, Long, String> harness = KeyedCoFunctionHarness
                .forIntervalJoin(Pairs::new, Duration.ofMillis(lower), Duration.ofMillis(upper),
                        (Long l) -> l % 3, (Long r) -> r % 3, Types.LONG, Types.LONG, Types.LONG)
                .parallelism(2)
                .open()) {
            long maxTime = Long.MIN_VALUE;
            for (long[] event : events) {
                if (event[0] == 0) {
                    harness.processElement1(event[1], event[2]);
                } else {
                    harness.processElement2(event[1], event[2]);
                }
                maxTime = Math.max(maxTime, event[2]);
                harness.restore(harness.snapshot(), parallelisms[random.nextInt(parallelisms.length)]);
                // The watermark starts over after a restore, as in the engine; the sources send it again.
                harness.processWatermark(maxTime - disorder - 1);
                out.addAll(harness.takeOutput());
            }
            harness.processElement2(5_000L, maxTime - disorder - 1); // at the watermark: late, dropped
            harness.processWatermark(Long.MAX_VALUE - 1);
            out.addAll(harness.takeOutput());
            for (long key = 0; key < 3; key++) {
                boolean leftEmpty = harness.state(key, StateDescriptor.map("interval-join-left", Types.LONG,
                        Types.list(Types.LONG)), MapState::isEmpty);
                boolean rightEmpty = harness.state(key, StateDescriptor.map("interval-join-right", Types.LONG,
                        Types.list(Types.LONG)), MapState::isEmpty);
                assertThat(leftEmpty).as("left buffer of key %d empty", key).isTrue();
                assertThat(rightEmpty).as("right buffer of key %d empty", key).isTrue();
            }
        }
        assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void intervalJoinSendsTheLateRecordsOfEachInputToItsSideOutputAcrossARestore() throws Exception {
        OutputTag<Long> leftLate = new OutputTag<>("left-late", Types.LONG);
        OutputTag<Long> rightLate = new OutputTag<>("right-late", Types.LONG);
        try (KeyedCoFunctionHarness<Long, Long, Long, String> harness = KeyedCoFunctionHarness
                .forIntervalJoin(Pairs::new, Duration.ofMillis(0), Duration.ofMillis(10),
                        (Long l) -> l % 3, (Long r) -> r % 3, Types.LONG, Types.LONG, Types.LONG, leftLate, rightLate)
                .parallelism(2)
                .open()) {
            harness.processElement1(0L, 100);
            harness.processWatermark(104);
            harness.processElement2(3L, 105); // pairs with 0
            harness.processElement2(6L, 104); // at the watermark: late
            harness.restore(harness.snapshot(), 3);
            harness.processWatermark(104);
            harness.processElement1(9L, 103); // behind it: late, though 3 at 105 is still buffered
            harness.processElement1(12L, 105); // pairs with 3
            assertThat(harness.takeOutput()).containsExactlyInAnyOrder("0,3@105", "12,3@105");
            assertThat(harness.takeSideOutput(leftLate)).containsExactly(9L);
            assertThat(harness.takeSideOutput(rightLate)).containsExactly(6L);
        }
    }

    static final class Pairs extends ProcessJoinFunction<Long, Long, String> {
        @Override
        public void processElement(Long left, Long right, Context context, Collector<String> out) {
            out.collect(left + "," + right + "@" + context.timestamp());
        }
    }
}
