package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.dataflow.functions.TimeDomain;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.MapState;
import dev.weir.runtime.state.serialization.Types;

/** Event-time timers in keyed functions: fired by the watermark, checkpointed, rescaled, and drained at the end. */
class EventTimeHarnessTest {

    private static final StateDescriptor.MapOf<Long, Long> SUMS = StateDescriptor.map("sums", Types.LONG, Types.LONG);

    /**
     * Sums each key's values per 100 ms bucket of event time and emits {@code key:bucketEnd=sum}
     * when the watermark passes the bucket; a processing-time timer emits {@code key:late-check}.
     */
    static final class BucketSum extends KeyedProcessFunction<String, String, String> {
        private MapState<Long, Long> sums;

        @Override
        public void open(RuntimeContext context) {
            sums = context.getState(SUMS);
        }

        @Override
        public void processElement(String value, Context<String> context, Collector<String> out) {
            long timestamp = context.timestamp();
            long bucketEnd = timestamp / 100 * 100 + 99;
            Long current = sums.get(bucketEnd);
            sums.put(bucketEnd, (current == null ? 0 : current) + Long.parseLong(value.split("=")[1]));
            context.timerService().registerEventTimeTimer(bucketEnd);
        }

        @Override
        public void onTimer(long timestamp, Context<String> context, Collector<String> out) {
            if (context.timeDomain() == TimeDomain.EVENT_TIME) {
                assertThat(context.timestamp()).isEqualTo(timestamp);
                out.collect(context.getCurrentKey() + ":" + timestamp + "=" + sums.get(timestamp));
                sums.remove(timestamp);
            } else {
                out.collect(context.getCurrentKey() + ":processing-time");
            }
        }

        @Override
        public void endInput(Collector<String> out) {
            out.collect("end");
        }
    }

    private static KeyedFunctionHarness.Builder<String, String, String> builder() {
        return KeyedFunctionHarness.forFunction(BucketSum::new, v -> v.split("=")[0], Types.STRING)
                .inputSerializer(Types.STRING);
    }

    @Test
    void eventTimeTimersFireWhenTheWatermarkPassesThemInTimestampOrder() throws Exception {
        try (KeyedFunctionHarness<String, String, String> harness = builder().parallelism(2).open()) {
            harness.processElement("a=1", 10);
            harness.processElement("a=2", 150);
            harness.processElement("b=5", 20);
            harness.processWatermark(98);
            assertThat(harness.takeOutput()).isEmpty();
            harness.processWatermark(99);
            assertThat(harness.takeOutput()).containsExactlyInAnyOrder("a:99=1", "b:99=5");
            harness.processElement("a=4", 160);
            harness.processWatermark(1_000);
            assertThat(harness.takeOutput()).containsExactly("a:199=6");
        }
    }

    @Test
    void pendingEventTimeTimersSurviveACheckpointAndARestoreAtAnotherParallelism() throws Exception {
        List<String> input = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            input.add("k" + (i % 7) + "=" + i);
        }
        try (KeyedFunctionHarness<String, String, String> harness = builder().parallelism(2).open()) {
            for (int i = 0; i < 30; i++) {
                harness.processElement(input.get(i), i * 10L);
            }
            KeyedFunctionHarness.Snapshot checkpoint = harness.snapshot();
            harness.processWatermark(10_000); // fires everything in the old instances; lost with them
            harness.takeOutput();
            harness.restore(checkpoint, 3);
            assertThat(harness.takeOutput()).as("the watermark starts over after a restore").isEmpty();
            for (int i = 30; i < 60; i++) {
                harness.processElement(input.get(i), i * 10L);
            }
            harness.endInput();
            List<String> output = harness.takeOutput();
            List<String> expected = new ArrayList<>();
            for (long bucket = 0; bucket < 6; bucket++) {
                for (int k = 0; k < 7; k++) {
                    long sum = 0;
                    boolean any = false;
                    for (int i = (int) bucket * 10; i < bucket * 10 + 10; i++) {
                        if (i % 7 == k) {
                            sum += i;
                            any = true;
                        }
                    }
                    if (any) {
                        expected.add("k" + k + ":" + (bucket * 100 + 99) + "=" + sum);
                    }
                }
            }
            assertThat(output.stream().filter(l -> !l.equals("end")).toList()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(output.stream().filter(l -> l.equals("end"))).as("endInput once per subtask").hasSize(3);
        }
    }

    @Test
    void endOfInputFiresPendingProcessingTimeTimersThenTheEndInputHook() throws Exception {
        KeyedFunctionHarness.Builder<String, String, String> builder = KeyedFunctionHarness.forFunction(
                () -> new KeyedProcessFunction<String, String, String>() {
                    @Override
                    public void processElement(String value, Context<String> context, Collector<String> out) {
                        assertThat(context.timestamp()).isNull();
                        context.timerService().registerProcessingTimeTimer(
                                context.timerService().currentProcessingTime() + 60_000);
                    }

                    @Override
                    public void onTimer(long timestamp, Context<String> context, Collector<String> out) {
                        assertThat(context.timeDomain()).isEqualTo(TimeDomain.PROCESSING_TIME);
                        out.collect("timer " + context.getCurrentKey());
                        // re-arming at the end must not keep the job alive
                        context.timerService().registerProcessingTimeTimer(timestamp + 60_000);
                    }

                    @Override
                    public void endInput(Collector<String> out) {
                        out.collect("end");
                    }
                }, v -> v, Types.STRING);
        try (KeyedFunctionHarness<String, String, String> harness = builder.parallelism(1).open()) {
            harness.processElement("x");
            harness.processElement("y");
            harness.endInput();
            assertThat(harness.takeOutput()).containsExactly("timer x", "timer y", "end");
        }
    }
}
