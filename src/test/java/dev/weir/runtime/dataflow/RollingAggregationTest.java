package dev.weir.runtime.dataflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.testkit.KeyedFunctionHarness;

/**
 * A keyed stream's rolling {@code reduce}, {@code sum} and {@code aggregate}: built through the
 * public API, run by the keyed-function harness, one output per record with the key's value so far.
 */
class RollingAggregationTest {

    private static final List<Long> FIRST_TEN = LongStream.range(0, 10).boxed().toList();

    @Test
    void reduceEmitsTheKeysCombinedValueForEveryRecord() throws Exception {
        try (var harness = harness(keyed -> keyed.reduce(Long::max)).parallelism(2).open()) {
            for (long value : List.of(5L, 3L, 8L, 4L, 12L, 7L)) {
                harness.processElement(value);
            }
            // keys value % 3: 5→2, 3→0, 8→2, 4→1, 12→0, 7→1
            assertThat(harness.output()).containsExactly(5L, 3L, 8L, 4L, 12L, 7L);
            harness.processElement(2L);
            harness.processElement(6L);
            assertThat(harness.takeOutput()).endsWith(8L, 12L);
        }
    }

    @Test
    void sumEmitsTheKeyWithItsRunningTotal() throws Exception {
        try (var harness = harness(keyed -> keyed.sum(value -> value * 10)).parallelism(3).open()) {
            for (long value : FIRST_TEN) {
                harness.processElement(value);
            }
            assertThat(harness.output()).extracting(KeyValue::toString).containsExactly(
                    "0=0", "1=10", "2=20", "0=30", "1=50", "2=70", "0=90", "1=120", "2=150", "0=180");
        }
    }

    @Test
    void aggregateEmitsTheUpdatedResultForEveryRecord() throws Exception {
        try (var harness = harness(keyed -> keyed.aggregate(new Average(), Types.LONG_ARRAY)).open()) {
            for (long value : FIRST_TEN) {
                harness.processElement(value);
            }
            assertThat(harness.output()).containsExactly(
                    "avg 0.0 of 1", "avg 1.0 of 1", "avg 2.0 of 1", "avg 1.5 of 2", "avg 2.5 of 2", "avg 3.5 of 2",
                    "avg 3.0 of 3", "avg 4.0 of 3", "avg 5.0 of 3", "avg 4.5 of 4");
        }
    }

    @Test
    void rollingStateSurvivesARestoreAfterEveryRecordAtChangingParallelism() throws Exception {
        List<Long> input = LongStream.range(0, 300).map(i -> (i * 2654435761L) % 1000).boxed().toList();
        Map<Long, Long> totals = new HashMap<>();
        List<KeyValue<Long, Long>> expected = new ArrayList<>();
        for (long value : input) {
            expected.add(new KeyValue<>(value % 3, totals.merge(value % 3, value, Long::sum)));
        }

        List<KeyValue<Long, Long>> restored = KeyedFunctionHarness.runWithRestoreAfterEveryRecord(
                harness(keyed -> keyed.sum(value -> value)), input, 42, 2, 1, 3, 4);

        assertThat(restored).isEqualTo(expected);
    }

    @Test
    void reduceWithoutTheStreamsSerializerIsRefusedWhenTheGraphIsBuilt() {
        StreamEnvironment env = new StreamEnvironment(1, 128);
        KeyedStream<Long, Long> keyed = env.fromSource(GeneratorSource.sequence(10), "numbers")
                .keyBy(value -> value % 3, Types.LONG);
        assertThatThrownBy(() -> keyed.reduce(Long::sum))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("operator 'numbers': reduce(...)")
                .hasMessageContaining("returns(...)");
        assertThat(keyed.reduce(Long::sum, Types.LONG).node.outputSerializer()).isSameAs(Types.LONG);
    }

    /** A harness running the keyed function that {@code operation} adds to {@code numbers.keyBy(value % 3)}. */
    private static <O> KeyedFunctionHarness.Builder<Long, Long, O> harness(
            Function<KeyedStream<Long, Long>, DataStream<O>> operation) {
        Supplier<KeyedProcessFunction<Long, Long, O>> function = () -> {
            StreamEnvironment env = new StreamEnvironment(1, 128);
            DataStream<O> result = operation.apply(env.fromSource(GeneratorSource.sequence(10), "numbers")
                    .returns(Types.LONG).keyBy(value -> value % 3, Types.LONG));
            @SuppressWarnings("unchecked")
            KeyedProcessFunction<Long, Long, O> built = (KeyedProcessFunction<Long, Long, O>)
                    ((StreamNode.KeyedProcessKind) result.node.kind()).function();
            return built;
        };
        return KeyedFunctionHarness.forFunction(function, value -> value % 3, Types.LONG);
    }

    /** (count, sum) per key; the result is the running average. */
    private static final class Average implements AggregateFunction<Long, long[], String> {
        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(Long value, long[] accumulator) {
            accumulator[0]++;
            accumulator[1] += value;
            return accumulator;
        }

        @Override
        public String getResult(long[] accumulator) {
            return "avg " + (double) accumulator[1] / accumulator[0] + " of " + accumulator[0];
        }
    }
}
